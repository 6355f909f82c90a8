"""Belgium's geography from Statbel (REFNIS codes), and the base of sourced reference data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from healing_together.i18n import every_translation

from ..querysets import MunicipalityQuerySet


class SourcedModel(models.Model):
    """Reference data that claims to be real says where it was checked."""

    source_url = models.URLField(_("source"), max_length=500)
    retrieved = models.DateField(_("checked on"), null=True, blank=True)

    class Meta:
        abstract = True


class Region(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class Province(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="provinces", verbose_name=_("region")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name


class Municipality(SourcedModel):
    code = models.CharField(_("REFNIS code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    # The Brussels-Capital Region has no province.
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
        verbose_name=_("province"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    # A place in the municipality, from GeoNames (fixtures/reference/municipality-positions.*):
    # where distances to a visitor's postcode are measured from. Plain floats keep the
    # distance arithmetic the same on SQLite and PostgreSQL.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self):
        return self.name

    @property
    def position(self):
        """(latitude, longitude), or None when the municipality has none."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    def all_names(self):
        return every_translation(self, "name")


class PostalCode(models.Model):
    """A postcode can cover several municipalities (1050: Brussels and Ixelles)."""

    code = models.CharField(_("postcode"), max_length=4, db_index=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="postal_codes",
        verbose_name=_("municipality"),
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="unique_postcode_place")
        ]
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")

    def __str__(self):
        return f"{self.code} {self.municipality}"
