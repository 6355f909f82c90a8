"""Editor-managed taxonomies, translated: audiences, topics and the languages spoken in groups."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from healing_together.history import HistoricalRecords


class Term(models.Model):
    slug = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Used in links; never change it.")
    )
    name = models.CharField(_("name"), max_length=100)
    aliases = models.TextField(
        _("aliases"),
        blank=True,
        help_text=_(
            "Other words visitors use for this, one per line or comma-separated "
            "(e.g. burn-out, burnout, exhaustion). Search finds the groups through them."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "slug"]

    def __str__(self):
        return self.name


class Audience(Term):
    class Meta(Term.Meta):
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")


class Topic(Term):
    class Meta(Term.Meta):
        verbose_name = _("topic")
        verbose_name_plural = _("topics")


class SpokenLanguage(models.Model):
    code = models.CharField(
        _("ISO 639 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[a-z]{2,3}$", _("Use a lower-case ISO 639 code."))],
    )
    name = models.CharField(_("name"), max_length=60)
    native_name = models.CharField(_("name in that language"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    def __str__(self):
        return self.name
