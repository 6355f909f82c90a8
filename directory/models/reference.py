"""107 networks, complementary platforms and helplines: reference data with its sources."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from healing_together.history import HistoricalRecords

from ..querysets import HelplineQuerySet, NetworkQuerySet
from .geography import Municipality, Region, SourcedModel


class Network(SourcedModel):
    class Kind(models.TextChoices):
        ADULT = "adult", _("Adults")
        YOUTH = "youth", _("Children and young people")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    kind = models.CharField(_("for"), max_length=5, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    area_description = models.CharField(_("area"), max_length=300)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="networks", verbose_name=_("municipalities covered")
    )

    objects = NetworkQuerySet.as_manager()
    # Its municipalities are kept with each version too, so that a deleted network can be
    # restored whole (healing_together.undelete).
    history = HistoricalRecords(m2m_fields=["municipalities"])

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("107 network")
        verbose_name_plural = _("107 networks")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("directory:network_detail", kwargs={"slug": self.slug})


class Platform(SourcedModel):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    summary = models.TextField(_("summary"))
    website = models.URLField(_("website"))
    regions = models.ManyToManyField(Region, related_name="platforms", verbose_name=_("serves"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    history = HistoricalRecords(m2m_fields=["regions"])

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self):
        return self.name


class Helpline(SourcedModel):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    number = models.CharField(_("number as shown"), max_length=30)
    dial = models.CharField(
        _("number to dial"),
        max_length=20,
        validators=[RegexValidator(r"^\+?[0-9]+$", _("Digits only, optionally with a leading +."))],
    )
    name = models.CharField(_("name"), max_length=150)
    description = models.CharField(_("what it is for"), max_length=300)
    hours = models.CharField(_("hours"), max_length=150)
    cost = models.CharField(_("cost"), max_length=100, blank=True)
    languages = models.JSONField(_("languages answered in"), default=list, blank=True)
    website = models.URLField(_("website"), blank=True)
    chat_url = models.URLField(_("chat"), blank=True)
    is_emergency = models.BooleanField(_("emergency number"), default=False)
    strip_languages = models.JSONField(
        _("shown in the header strip for"),
        default=list,
        blank=True,
        help_text=_('Site languages (e.g. ["nl", "en"]) whose header strip shows this line.'),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=100, validators=[MinValueValidator(0)]
    )
    active = models.BooleanField(_("shown on the site"), default=True)

    objects = HelplineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "number"]
        verbose_name = _("helpline")
        verbose_name_plural = _("helplines")

    def __str__(self):
        return f"{self.number} {self.name}"
