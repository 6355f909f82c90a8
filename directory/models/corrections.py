"""A visitor's "report a correction" about a group, waiting in the editors' queue."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..querysets import CorrectionReportQuerySet
from .groups import Group


class CorrectionReport(models.Model):
    """A visitor's "report a correction" about a group, waiting in the editors' queue."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        related_name="correction_reports",
        verbose_name=_("group"),
    )
    message = models.TextField(_("what is wrong"))
    email = models.EmailField(
        _("reporter's email"), blank=True, help_text=_("Only to reply; erased later.")
    )
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("reported on"), auto_now_add=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    resolved_at = models.DateTimeField(_("resolved on"), null=True, blank=True, editable=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    editor_note = models.TextField(
        _("editor's note"), blank=True, help_text=_("For editors only: what was done.")
    )

    objects = CorrectionReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("correction report")
        verbose_name_plural = _("correction reports")

    def __str__(self):
        return _("Correction to %(group)s") % {"group": self.group}

    def resolve(self, user, note=None):
        self.status = self.Status.RESOLVED
        self.resolved_at = timezone.now()
        self.resolved_by = user
        if note is not None:
            self.editor_note = note
