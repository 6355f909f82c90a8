"""Query logic of the directory, kept on QuerySets so views stay thin.

The QuerySets reach the models they join through `self.model` and its fields, never by
importing `directory.models` (which imports this module).
"""

import math

from django.db import models
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Cast

from healing_together.cache import content_changed, content_version, versioned_copies
from healing_together.i18n import in_any_language
from healing_together.text import fold

from . import search
from .freshness import hidden_before, stale_before
from .postcodes import parse_postcode

# An equirectangular projection's scale: km per degree of latitude, and of longitude at the
# equator (times the cosine of the latitude). Within Belgium it is off by well under 1%.
KM_PER_DEGREE_LATITUDE = 110.57
KM_PER_DEGREE_LONGITUDE = 111.32


def centre(positions):
    """The mean (latitude, longitude) of some positions, or None when there are none."""
    if not positions:
        return None
    return (
        sum(lat for lat, _lng in positions) / len(positions),
        sum(lng for _lat, lng in positions) / len(positions),
    )


def related_model(model, field_name):
    return model._meta.get_field(field_name).related_model


class GroupQuerySet(models.QuerySet):
    def for_export(self):
        """Groups with what the CSV export reads: organisation, place and codes."""
        return self.select_related(
            "organisation", "municipality__province", "municipality__region"
        ).prefetch_related("languages", "audiences", "topics", "serves_regions")

    def published(self):
        """What the public sees: published, not ended, verified recently enough."""
        return self.filter(published=True, last_verified__gte=hidden_before()).exclude(
            status=self.model.Status.ENDED
        )

    def for_listing(self):
        """Everything a result card shows, in a constant number of queries."""
        return self.select_related(
            "organisation", "municipality", "municipality__province", "municipality__region"
        ).prefetch_related(*self.card_prefetches(), "serves_regions")

    def for_cards(self):
        """A page of the group list, with only what each card shows outside its cached parts:
        the "Where" line (attendance, municipality). The municipalities come from
        `Municipality.objects.attach_to()` rather than a join. The rest of a group, its terms
        and its languages are read afterwards for the cards not in the cache
        (directory.cards), with `complete_for_cards()`."""
        return self.only("attendance", "municipality")

    def complete_for_cards(self, groups):
        """Fill in `groups`, read with `for_cards()`, with what their cards' cached parts show,
        in four queries: the rest of each group (straight into its __dict__, where Django
        looks for a loaded field; a deferred one would be read on first access, one query per
        group and field), then their terms and languages. A group deleted in between keeps
        its few fields; its card's parts are then rendered from them."""
        whole = self.select_related("municipality").in_bulk([group.pk for group in groups])
        for group in groups:
            other = whole.get(group.pk)
            if other is None:
                continue
            for attname in group.get_deferred_fields():
                if attname in other.__dict__:
                    group.__dict__[attname] = other.__dict__[attname]
        prefetch_related_objects(groups, *self.card_prefetches())

    def card_prefetches(self):
        """What a card's cached parts read besides the group: terms and languages, in order."""
        audience, topic, language = (
            related_model(self.model, name) for name in ("audiences", "topics", "languages")
        )
        return [
            Prefetch("audiences", queryset=audience.objects.order_by("order", "slug")),
            Prefetch("topics", queryset=topic.objects.order_by("order", "slug")),
            Prefetch("languages", queryset=language.objects.order_by("order", "code")),
        ]

    def for_detail(self):
        return self.for_listing().select_related("organisation__parent")

    def by_slug(self, slug):
        """Groups whose slug is `slug` in any language."""
        return self.filter(in_any_language("slug", slug))

    def search(self, text):
        """Every word must match, in any language, ignoring case, accents and word endings.

        The rule is in directory/search.py. Each group gets a `name_match` rank: 0 when every
        word matches its name or its audiences' or topics' names and aliases, else 1.
        """
        if not search.query_words(text):
            return self
        return self.filter(search.condition("search_text", text)).annotate(
            name_match=Case(
                When(search.condition("search_names", text), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )

    def refresh_search(self):
        """Recompute these groups' stored search text, in a few queries (not one per group)."""
        groups = list(
            self.select_related(
                "organisation", "municipality__province", "municipality__region"
            ).prefetch_related("audiences", "topics", "languages")
        )
        for group in groups:
            group.search_text, group.search_names = search.group_documents(
                group, group.audiences.all(), group.topics.all(), group.languages.all()
            )
        self.model._base_manager.bulk_update(
            groups, ["search_text", "search_names"], batch_size=500
        )
        content_changed(using=self.db)  # bulk writes send no signals; cached counts must follow
        return len(groups)

    def matching_terms(self, audiences, topics):
        """Groups for any of these audiences or topics, those sharing the most first.

        Correlated EXISTS per term table keep one row per group (no DISTINCT over joins).
        """
        audience_ids = [a.pk for a in audiences]
        topic_ids = [t.pk for t in topics]
        shares_audience = Exists(
            self.model.audiences.through.objects.filter(
                group=OuterRef("pk"), audience__in=audience_ids
            )
        )
        shares_topic = Exists(
            self.model.topics.through.objects.filter(group=OuterRef("pk"), topic__in=topic_ids)
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

    # --- distance from a visitor's postcode ---

    # `proximity` of a group near a postcode (the card reads it): it meets in person within
    # reach, with its `distance2`; or it is listed because it meets online and serves the area.
    IN_PERSON_NEAR = 0
    ONLINE_HERE = 3

    def near(self, municipalities, within_km=None):
        """Groups for a visitor in these municipalities (a postcode's), nearest first.

        Each group gets `proximity` and `distance2`: its squared distance in km from the
        municipalities' centre when it is listed for meeting in person, else None. Kept:
        groups that meet in person (or hybrid) within `within_km` (anywhere when None), and
        groups that meet online and serve the municipalities' region (or name no region: all of
        Belgium). A group is placed at its own coordinates when an editor set them, else at its
        municipality's (GeoNames, fixtures/reference/municipality-positions.json).

        Distances are equirectangular: exact enough within Belgium, and they need only + − ×,
        so SQLite and PostgreSQL give the same answer (no SQRT: squared distances order and
        compare alike; `Group.distance_km` takes the root in Python).
        """
        municipalities = list(municipalities)
        regions = {m.region_id for m in municipalities}
        areas = self.model.serves_regions.through.objects.filter(group=OuterRef("pk"))
        online = self._online() & (~Exists(areas) | Exists(areas.filter(region__in=regions)))
        origin = centre([m.position for m in municipalities if m.position])
        if origin is None:  # positions not loaded: in-person groups of the region, unmeasured
            measured = Value(None, output_field=FloatField())
            in_person = ~self._only_online() & Q(municipality__region__in=regions)
        else:
            measured = self._distance2(origin)
            in_person = ~self._only_online() & Q(measured2__isnull=False)
            if within_km is not None:
                in_person &= Q(measured2__lte=float(within_km) ** 2)
        # Correlated EXISTS instead of joins through the areas table: one row per group, so
        # PostgreSQL and SQLite keep a simple plan whatever the size of the catalogue.
        return (
            self.alias(measured2=measured)
            .filter(in_person | online)
            .annotate(
                proximity=Case(
                    When(in_person, then=Value(self.IN_PERSON_NEAR)),
                    default=Value(self.ONLINE_HERE),
                    output_field=IntegerField(),
                ),
                # A hybrid group beyond `within_km`, listed for its online meetings: unmeasured.
                distance2=Case(
                    When(in_person, then=F("measured2")),
                    default=Value(None),
                    output_field=FloatField(),
                ),
            )
        )

    def _distance2(self, origin):
        """The squared distance in km from `origin` (lat, lng): None for online-only groups."""
        lat0, lng0 = origin
        own = Q(latitude__isnull=False, longitude__isnull=False)
        lat = Case(
            When(own, then=Cast("latitude", FloatField())),
            default=F("municipality__latitude"),
            output_field=FloatField(),
        )
        lng = Case(
            When(own, then=Cast("longitude", FloatField())),
            default=F("municipality__longitude"),
            output_field=FloatField(),
        )
        dy = (lat - Value(lat0)) * Value(KM_PER_DEGREE_LATITUDE)
        dx = (lng - Value(lng0)) * Value(KM_PER_DEGREE_LONGITUDE * math.cos(math.radians(lat0)))
        return Case(
            When(self._only_online(), then=Value(None)),
            default=ExpressionWrapper(dx * dx + dy * dy, output_field=FloatField()),
            output_field=FloatField(),
        )

    def nearest_km(self):
        """How far the nearest group meeting in person is, in km (None: none, or unmeasured).

        One query; call it on a list `near()` made.
        """
        nearest = self.filter(proximity=self.IN_PERSON_NEAR).aggregate(d2=Min("distance2"))["d2"]
        return None if nearest is None else math.sqrt(nearest)

    def in_region(self, slug):
        """Groups that meet in the region, or serve it online (named among their areas)."""
        areas = self.model.serves_regions.through.objects.filter(
            group=OuterRef("pk"), region__slug=slug
        )
        return self.filter(Q(municipality__region__slug=slug) | (self._online() & Exists(areas)))

    def _online(self):
        """The condition "meets online, or online and in person"."""
        attendance = self.model.Attendance
        return Q(attendance__in=[attendance.ONLINE, attendance.HYBRID])

    def _only_online(self):
        return Q(attendance=self.model.Attendance.ONLINE)

    # --- Freshness and completeness, for the editors (admin list filters and home page) ---

    def fresh(self):
        """Verified within GROUP_STALE_AFTER_DAYS."""
        return self.filter(last_verified__gte=stale_before())

    def stale(self):
        """Not verified for GROUP_STALE_AFTER_DAYS (those already hidden included)."""
        return self.filter(last_verified__lt=stale_before())

    def needs_verification(self):
        """Stale, but not yet old enough to leave the public site."""
        return self.stale().filter(last_verified__gte=hidden_before())

    def hidden_for_staleness(self):
        """Published and not ended, yet off the public site: not verified for too long."""
        return (
            self.filter(published=True)
            .exclude(status=self.model.Status.ENDED)
            .filter(last_verified__lt=hidden_before())
        )

    def listed(self):
        """The editors' group list: every group but the proposals they rejected."""
        return self.exclude(review=self.model.Review.REJECTED)

    def most_overdue_first(self):
        return self.order_by("last_verified", "pk")

    def count_by(self, field):
        """{value: number of distinct groups} for one field, in one query."""
        rows = (
            self.order_by()
            .values_list(field)
            .annotate(n=models.Count("pk", distinct=True))
            .values_list(field, "n")
        )
        return {value: n for value, n in rows if value is not None}

    def missing_translation(self, language):
        """Name, summary or description (Group.COMPLETE_WITH) empty in `language`."""
        missing = Q()
        for field in self.model.COMPLETE_WITH:
            name = f"{field}_{language}"
            missing |= Q(**{f"{name}__isnull": True}) | Q(**{name: ""})
        return self.filter(missing)


class GroupManager(models.Manager.from_queryset(GroupQuerySet)):
    """`Group.objects`, whose `published()` is built once per day rather than per call.

    Building the filter (three lookups, rewritten by modeltranslation) was a twentieth of a
    list page. The built queryset is kept per database and cut-off date and only ever cloned
    (`.all()`), never evaluated or changed, so requests share nothing they could alter.
    """

    _published = (None, None)  # ((database, cut-off), queryset)

    def published(self):
        key = (self.db, hidden_before())
        kept_key, kept = self._published
        if kept_key != key:
            kept = super().published()
            self._published = (key, kept)
        return kept.all()


class NetworkQuerySet(models.QuerySet):
    def covering(self, municipalities):
        return self.filter(municipalities__in=list(municipalities)).distinct()

    def by_region(self):
        """[(region, [networks])] for the networks list, in two queries."""
        region_model = related_model(related_model(self.model, "municipalities"), "region")
        pairs = set(self.values_list("pk", "municipalities__region").distinct())
        networks = {n.pk: n for n in self.order_by("kind", "name")}
        result = []
        for region in region_model.objects.order_by("code"):
            members = [networks[pk] for pk in networks if (pk, region.pk) in pairs]
            if members:
                result.append((region, members))
        return result


# The municipalities change only when the reference data is loaded again (which bumps the
# content version); a day keeps them out of the database for every list page.
MUNICIPALITIES_SECONDS = 24 * 60 * 60


class MunicipalityQuerySet(models.QuerySet):
    def by_pk(self):
        """{pk: municipality} of every municipality (Statbel reference data, 581 of them),
        read once per content version and kept in this process (versioned_copies): a list
        page attaches its groups' places from here instead of joining them in its query."""
        key = f"directory:municipalities:{content_version.get()}"
        places = versioned_copies.get(key)
        if places is None:
            places = self.in_bulk()
            versioned_copies.set(key, places, MUNICIPALITIES_SECONDS)
        return places

    def attach_to(self, objects, field_name="municipality"):
        """Set the municipality of each of `objects` (read with only its id) from `by_pk()`,
        as select_related would have; the shared municipalities are only read."""
        if not objects:
            return objects
        places = self.by_pk()
        field = type(objects[0])._meta.get_field(field_name)
        for obj in objects:
            place = places.get(getattr(obj, field.attname))
            if place is not None:
                field.set_cached_value(obj, place)
        return objects

    def for_postcode(self, code):
        """The municipalities a postcode covers (1050: Brussels and Ixelles), with their areas."""
        return self.filter(postal_codes__code=code).select_related("province", "region").distinct()

    def matching(self, text):
        """Municipalities for a postcode, or whose name (any language, any accents) matches."""
        text = text.strip()
        if text.isdigit():
            code = parse_postcode(text)
            return list(self.for_postcode(code)) if code else []
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


class CorrectionReportQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=self.model.Status.OPEN)

    def resolved(self):
        return self.filter(status=self.model.Status.RESOLVED)
