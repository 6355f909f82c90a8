"""What a staff member chooses for themselves: the language of the emails the site sends them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StaffProfile(models.Model):
    """A staff member's own settings; without one, the site's default language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(
        _("language of my emails"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The site writes to you in this language: new proposals, corrections…"),
    )

    class Meta:
        verbose_name = _("staff member's settings")
        verbose_name_plural = _("staff members' settings")

    def __str__(self):
        return str(self.user)


def language_of(user):
    """The language `user` chose for their emails, else the site's default language."""
    try:
        return user.staff_profile.language
    except StaffProfile.DoesNotExist:
        return settings.LANGUAGE_CODE
