"""The list filters of the directory's admin lists."""

from django.conf import settings
from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from healing_together.i18n import language_name_in_sentence

from ..models import Group, Region


class FreshnessFilter(admin.SimpleListFilter):
    title = _("freshness")
    parameter_name = "freshness"
    # The choices listing overdue groups: the admin sorts them most overdue first.
    OVERDUE = {"stale", "hidden"}

    def lookups(self, request, model_admin):
        return [
            (
                "fresh",
                format_lazy(
                    _("Verified in the last {days} days"), days=settings.GROUP_STALE_AFTER_DAYS
                ),
            ),
            (
                "stale",
                format_lazy(
                    _("Needs verification (over {days} days)"),
                    days=settings.GROUP_STALE_AFTER_DAYS,
                ),
            ),
            (
                "hidden",
                format_lazy(
                    _("Hidden from the site (over {days} days)"),
                    days=settings.GROUP_HIDDEN_AFTER_DAYS,
                ),
            ),
        ]

    def queryset(self, request, queryset):
        method = {
            "fresh": "fresh",
            "stale": "needs_verification",
            "hidden": "hidden_for_staleness",
        }.get(self.value())
        return getattr(queryset, method)() if method else queryset


def missing_translation_filter(code):
    """A list filter for one language: groups whose name, summary or description is empty."""

    class MissingTranslationFilter(admin.SimpleListFilter):
        title = format_lazy(
            _("translation in {language}"), language=language_name_in_sentence(code)
        )
        parameter_name = f"missing_{code}"

        def lookups(self, request, model_admin):
            return [("1", _("Missing name, summary or description")), ("0", _("Complete"))]

        def queryset(self, request, queryset):
            if self.value() == "1":
                return queryset.missing_translation(code)
            if self.value() == "0":
                missing = Group.objects.missing_translation(code).values("pk")
                return queryset.exclude(pk__in=missing)
            return queryset

    MissingTranslationFilter.__name__ = f"Missing{code.title()}TranslationFilter"
    return MissingTranslationFilter


class RegionFilter(admin.SimpleListFilter):
    title = _("region (where it meets, or served online)")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return [(region.slug, region.name) for region in Region.objects.order_by("code")]

    def queryset(self, request, queryset):
        slug = self.value()
        return queryset.in_region(slug) if slug else queryset


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A list filter whose default (no parameter) is a choice, not "All"."""

    default = ""
    field = ""

    def value(self):
        return super().value() or self.default

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value not in {v for v, _label in self.lookup_choices}:
            return queryset.none()
        return queryset.filter(**{self.field: value})
