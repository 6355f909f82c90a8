"""Query logic of the directory, kept on QuerySets so views stay thin."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.utils import timezone

from healing_together.i18n import in_any_language


class GroupQuerySet(models.QuerySet):
    def for_export(self):
        """Groups with what the CSV export reads: organisation, place and codes."""
        return self.select_related(
            "organisation", "municipality__province", "municipality__region"
        ).prefetch_related("languages", "audiences", "topics", "serves_regions")

    def published(self):
        """What the public sees: published, not ended, verified recently enough."""
        oldest = timezone.localdate() - datetime.timedelta(days=settings.GROUP_HIDDEN_AFTER_DAYS)
        return self.filter(published=True, last_verified__gte=oldest).exclude(status="ended")

    def for_listing(self):
        """Everything a result card shows, in a constant number of queries."""
        from .models import Audience, SpokenLanguage, Topic

        return self.select_related(
            "organisation", "municipality", "municipality__province", "municipality__region"
        ).prefetch_related(
            Prefetch("audiences", queryset=Audience.objects.order_by("order", "slug")),
            Prefetch("topics", queryset=Topic.objects.order_by("order", "slug")),
            Prefetch("languages", queryset=SpokenLanguage.objects.order_by("order", "code")),
            "serves_regions",
        )

    def for_detail(self):
        return self.for_listing().select_related("organisation__parent")

    def by_slug(self, slug):
        """Groups whose slug is `slug` in any language."""
        return self.filter(in_any_language("slug", slug))

    def search(self, text):
        """Every word must appear, ignoring case and accents, in any language's text."""
        from .models import fold

        words = fold(text).split()
        query = Q()
        for word in words[:10]:
            query &= Q(search_text__contains=word)
        return self.filter(query)

    def matching_terms(self, audiences, topics):
        """Groups for any of these audiences or topics, those sharing the most first.

        Correlated EXISTS per term table keep one row per group (no DISTINCT over joins).
        """
        from .models import Group

        audience_ids = [a.pk for a in audiences]
        topic_ids = [t.pk for t in topics]
        shares_audience = Exists(
            Group.audiences.through.objects.filter(group=OuterRef("pk"), audience__in=audience_ids)
        )
        shares_topic = Exists(
            Group.topics.through.objects.filter(group=OuterRef("pk"), topic__in=topic_ids)
        )
        both = Case(
            When(shares_audience & shares_topic, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            self.filter(shares_audience | shares_topic)
            .annotate(match=both)
            .order_by("-match", F("next_session_on").asc(nulls_last=True), "pk")
        )

    def serving(self, municipalities):
        """Groups near these municipalities, with a `proximity` rank for each.

        0: in the municipality; 1: elsewhere in its province; 2: elsewhere in its region;
        3: online and serving that region (or all of Belgium). Groups further away are left out.
        """
        from .models import Group

        municipalities = list(municipalities)
        codes = [m.pk for m in municipalities]
        provinces = {m.province_id for m in municipalities if m.province_id}
        regions = {m.region_id for m in municipalities}
        areas = Group.serves_regions.through.objects.filter(group=OuterRef("pk"))
        online = Q(attendance__in=["online", "hybrid"]) & (
            ~Exists(areas) | Exists(areas.filter(region__in=regions))
        )
        # Correlated EXISTS instead of joins through the areas table: one row per group, so
        # PostgreSQL and SQLite keep a simple plan whatever the size of the catalogue.
        return self.filter(Q(municipality__region__in=regions) | online).annotate(
            proximity=Case(
                When(municipality__in=codes, then=Value(0)),
                When(municipality__province__in=provinces, then=Value(1)),
                When(municipality__region__in=regions, then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )

    # --- Freshness and completeness, for the editors (admin list filters and home page) ---

    @staticmethod
    def _verified_cutoff(days):
        return timezone.localdate() - datetime.timedelta(days=days)

    def fresh(self):
        """Verified within GROUP_STALE_AFTER_DAYS."""
        return self.filter(
            last_verified__gte=self._verified_cutoff(settings.GROUP_STALE_AFTER_DAYS)
        )

    def stale(self):
        """Not verified for GROUP_STALE_AFTER_DAYS (those already hidden included)."""
        return self.filter(last_verified__lt=self._verified_cutoff(settings.GROUP_STALE_AFTER_DAYS))

    def needs_verification(self):
        """Stale, but not yet old enough to leave the public site."""
        return self.stale().filter(
            last_verified__gte=self._verified_cutoff(settings.GROUP_HIDDEN_AFTER_DAYS)
        )

    def hidden_for_staleness(self):
        """Published and not ended, yet off the public site: not verified for too long."""
        return (
            self.filter(published=True)
            .exclude(status="ended")
            .filter(last_verified__lt=self._verified_cutoff(settings.GROUP_HIDDEN_AFTER_DAYS))
        )

    def missing_translation(self, language):
        """Name, summary or description empty in `language`."""
        missing = Q()
        for field in ("name", "summary", "description"):
            name = f"{field}_{language}"
            missing |= Q(**{f"{name}__isnull": True}) | Q(**{name: ""})
        return self.filter(missing)


class NetworkQuerySet(models.QuerySet):
    def covering(self, municipalities):
        return self.filter(municipalities__in=list(municipalities)).distinct()

    def by_region(self):
        """[(region, [networks])] for the networks list, in two queries."""
        from .models import Region

        pairs = set(self.values_list("pk", "municipalities__region").distinct())
        networks = {n.pk: n for n in self.order_by("kind", "name")}
        result = []
        for region in Region.objects.order_by("code"):
            members = [networks[pk] for pk in networks if (pk, region.pk) in pairs]
            if members:
                result.append((region, members))
        return result


class MunicipalityQuerySet(models.QuerySet):
    def matching(self, text):
        """Municipalities for a postcode, or whose name (any language, any accents) matches."""
        from .models import fold

        text = text.strip()
        if text.isdigit():
            return list(self.filter(postal_codes__code=text).distinct().select_related("region"))
        wanted = fold(text)
        if len(wanted) < 2:
            return []
        places = list(self.select_related("region"))
        exact = [m for m in places if wanted in {fold(n) for n in m.all_names()}]
        return exact or [m for m in places if any(wanted in fold(n) for n in m.all_names())][:20]


class HelplineQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_strip(self, language):
        """The few lines a page's header strip shows for its language."""
        return [line for line in self.active() if language in (line.strip_languages or [])]


def counts_by(queryset, field):
    """{value: number of distinct groups} for one field, in one query."""
    rows = (
        queryset.order_by()
        .values_list(field)
        .annotate(n=models.Count("pk", distinct=True))
        .values_list(field, "n")
    )
    return {value: n for value, n in rows if value is not None}
