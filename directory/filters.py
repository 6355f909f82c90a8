"""The group list's filters: the public query-string interface (README, "How the code is laid out").

Keys and values are language-independent codes, so a shared link works in every language.
A value the site does not know is dropped (and the visitor told) instead of failing the page:
see `healing_together.filtering.TolerantFilterSet`.

The walk of one parameter, `postcode`: `PostcodeField.clean` turns "3500" into the
municipalities it covers (one query), with their positions; `PostcodeFilter.filter` hands them,
and the distance chosen with `within`, to `GroupQuerySet.near`, which keeps the groups meeting
in person within that distance, and those online that serve the area, each with its
`distance2`; and `GroupFilterSet.filter_queryset` sorts nearest first (online groups after)
when the visitor asked for "nearest" or for nothing else.
"""

import hashlib

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from healing_together.cache import content_version, versioned_copies
from healing_together.filtering import CachedOptions, TolerantFilterSet, checkboxes
from healing_together.i18n import language_label

from . import search
from .models import Audience, Group, Municipality, Topic
from .postcodes import parse_postcode

MAX_QUERY_LENGTH = 200
# How long the counts of one filter choice are kept (the content version makes them fresh).
COUNTS_SECONDS = 10 * 60
# The languages spoken, each with its own name (native_name) for the filter's labels.
LANGUAGE_OPTIONS = CachedOptions("directory.SpokenLanguage", "code", detail="native_name")


class PostcodeField(forms.CharField):
    """A Belgian postcode, cleaned to the municipalities it covers ([] when left empty)."""

    plain_notes = True  # its messages read well on their own in the list's notes

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return []
        code = parse_postcode(value)
        if code is None:
            raise ValidationError(_("A Belgian postcode has four digits."), code="format")
        municipalities = list(Municipality.objects.for_postcode(code))
        if not municipalities:
            raise ValidationError(
                _("We do not know the postcode %(code)s."), code="unknown", params={"code": code}
            )
        return municipalities


class PostcodeFilter(django_filters.Filter):
    """Groups near the postcode's municipalities, within the distance chosen (`within`)."""

    field_class = PostcodeField

    def filter(self, qs, value):
        if not value:
            return qs
        within = self.parent.form.cleaned_data.get("within")
        return qs.near(value, within_km=int(within) if within else None)


DISTANCES = [(str(km), format_lazy(_("Within {km} km"), km=km)) for km in (10, 25, 50)]


class GroupFilterSet(TolerantFilterSet):
    SORTS = [
        ("relevance", _("Most relevant")),
        ("next", _("Next session")),
        ("nearest", _("Nearest")),
        ("newest", _("Newest")),
    ]

    q = django_filters.CharFilter(
        label=_("Words to look for"),
        method="filter_text",
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": MAX_QUERY_LENGTH}),
    )
    postcode = PostcodeFilter(
        label=_("Postcode"),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "postal-code"}
        ),
    )
    within = django_filters.ChoiceFilter(
        label=_("Distance from your postcode"),
        choices=DISTANCES,
        method="filter_within",
        empty_label=_("Any distance"),
    )
    kind = checkboxes(_("Kind of group"), Group.Kind.choices)
    region = checkboxes(
        _("Region"), CachedOptions("directory.Region", "slug"), "municipality__region__slug"
    )
    province = checkboxes(
        _("Province"), CachedOptions("directory.Province", "code"), "municipality__province__code"
    )
    audience = checkboxes(
        _("For whom"), CachedOptions("directory.Audience", "slug"), "audiences__slug", many=True
    )
    topic = checkboxes(
        _("Topic"), CachedOptions("directory.Topic", "slug"), "topics__slug", many=True
    )
    language = checkboxes(
        _("Language spoken"),
        LANGUAGE_OPTIONS,
        "languages__code",
        many=True,
    )
    attendance = checkboxes(_("How it meets"), Group.Attendance.choices)
    cost = checkboxes(_("Cost"), Group.Cost.choices)
    facilitation = checkboxes(_("Led by"), Group.Facilitation.choices)
    open = django_filters.BooleanFilter(
        label=_("Only groups open to new members"),
        method="filter_open",
        widget=forms.CheckboxInput(attrs={"value": "1"}),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=SORTS, method="filter_sort", empty_label=None
    )

    class Meta:
        model = Group
        fields = []

    # Filters whose options get counts, with the field each count is grouped by.
    FACETS = {
        "kind": "kind",
        "region": "municipality__region__slug",
        "province": "municipality__province__code",
        "audience": "audiences__slug",
        "topic": "topics__slug",
        "language": "languages__code",
        "attendance": "attendance",
        "cost": "cost",
        "facilitation": "facilitation",
    }

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_open(self, queryset, name, value):
        return queryset.filter(status=Group.Status.OPEN) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # the order is set in filter_queryset, once every filter is known

    def filter_within(self, queryset, name, value):
        return queryset  # a distance from the postcode: PostcodeFilter measures it

    @property
    def municipalities(self):
        """The municipalities of the postcode asked for ([] when none, or not a known one)."""
        return self.form.cleaned_data.get("postcode") or []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*self.ordering())

    def ordering(self):
        choice = self.form.cleaned_data.get("sort") or "relevance"
        if choice == "next":
            return [F("next_session_on").asc(nulls_last=True), "pk"]
        if choice == "newest":
            return ["-created_at", "pk"]
        # Words asked for: groups they name (name, audiences, topics) before description-only
        # matches (`name_match`, see GroupQuerySet.search).
        words = ["name_match"] if search.query_words(self.form.cleaned_data.get("q")) else []
        if self.municipalities:  # "nearest" (distance only), or relevance with a postcode
            nearest = ["proximity", F("distance2").asc(nulls_last=True), "-last_verified", "pk"]
            return nearest if choice == "nearest" else [*words, *nearest]
        # Relevance without a place: groups open to newcomers first, freshest listings next.
        return [*words, "status", "-last_verified", "pk"]

    # --- option counts and the filter form's checkboxes ---

    def filtered_without(self, *excluded):
        """The list with every filter but those `excluded` applied (the form is cleaned once)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def option_counts(self):
        """For each facet, how many groups each option gives with every *other* filter kept.

        One query per facet, whatever the filters and the number of results.
        """
        return {
            name: self.filtered_without(name).count_by(field) for name, field in self.FACETS.items()
        }

    def cached_counts(self):
        """`option_counts` and the number of results, remembered per filter choice until the
        content changes: {"options": {facet: {value: n}}, "total": n}.

        Paging or re-sorting a filtered list then costs no count query. The key leaves out
        `page` and `sort`, and includes the day, since groups drop off the list as verification
        expires. Read once per filterset.
        """
        if getattr(self, "_counts", None) is not None:
            return self._counts
        key = self.counts_key()
        counts = versioned_copies.get(key)
        if counts is None:
            counts = {"options": self.option_counts(), "total": self.qs.count()}
            versioned_copies.set(key, counts, COUNTS_SECONDS)
        self._counts = counts
        return counts

    def counts_key(self):
        """The cache key of this filter choice's counts (content version, day, filters)."""
        data = sorted(
            (key, value)
            for key, values in self.data.lists()
            if key not in ("page", "sort")
            for value in values
        )
        fingerprint = hashlib.sha256(repr(data).encode()).hexdigest()
        return f"directory:list-counts:{content_version.get()}:{timezone.localdate()}:{fingerprint}"

    def total(self):
        """How many groups the list has with these filters (see `cached_counts`)."""
        return self.cached_counts()["total"]

    def facets(self, keep_empty=False):
        """The filter form's checkbox groups, each option with its count (empty ones hidden,
        unless `keep_empty`: an empty result still shows every filter, to choose others).

        `display` is what the label shows: a language's option adds its own name (with `lang`
        and `dir`) when that differs from its name in the page's language. Kept with the
        counts, per language: they depend on nothing else (the chosen values are in the key).
        """
        key = f"{self.counts_key()}:facets:{translation.get_language()}:{keep_empty}"
        facets = versioned_copies.get(key)
        if facets is None:
            facets = self._facets(keep_empty)
            versioned_copies.set(key, facets, COUNTS_SECONDS)
        return facets

    def _facets(self, keep_empty):
        counts = self.cached_counts()["options"]
        groups = []
        for name in self.FACETS:
            field = self.form.fields[name]
            chosen = set(self.data.getlist(name))
            natives = LANGUAGE_OPTIONS.details() if name == "language" else {}
            options = [
                {
                    "value": value,
                    "label": str(label),
                    "count": counts[name].get(value, 0),
                    "checked": value in chosen,
                    "id": f"f-{name}-{value}",
                    "display": language_label(value, natives.get(value), label)
                    if natives
                    else label,
                }
                for value, label in field.choices
                if keep_empty or counts[name].get(value, 0) or value in chosen
            ]
            if options:
                groups.append({"name": name, "label": str(field.label), "options": options})
        return groups

    # Filters an empty result may offer instead of the words, with the terms they list (each
    # is counted by its FACETS field).
    SUGGESTED = {"audience": Audience, "topic": Topic}

    def word_suggestions(self):
        """[{facet, label, count, query}]: the audiences, topics and kinds whose names or
        aliases (in any language) match any of the words asked for, each as a link to the list with
        that filter instead of the words, and how many groups it gives there.

        At most five queries (two for the terms, one count per facet), whatever the data.
        """
        text = self.form.cleaned_data.get("q") or ""
        if not search.query_words(text):
            return []
        options = {
            name: [
                (term.slug, term.name, search.document(search.term_texts(term)))
                for term in model.objects.all()
            ]
            for name, model in self.SUGGESTED.items()
        }
        options["kind"] = [
            (value, label, search.document(search.choice_texts(Group.Kind, value)))
            for value, label in Group.Kind.choices
        ]
        suggestions = []
        for name, choices in options.items():
            matching = [
                (value, label)
                for value, label, stored in choices
                if search.matches(text, stored, every=False)
            ]
            if not matching:
                continue
            counts = self.filtered_without("q", name).count_by(self.FACETS[name])
            for value, label in matching:
                if counts.get(value):
                    suggestions.append(
                        {
                            "facet": self.form.fields[name].label,
                            "label": label,
                            "count": counts[value],
                            "query": query_instead_of_words(self.data, name, value),
                        }
                    )
        return suggestions

    def removal_links(self, query):
        """[{label, query without that filter}] so an empty result can suggest what to drop."""
        return [
            {"label": self.form.fields[name].label, "query": query_without(query, name)}
            for name in ("q", "postcode", "within", *self.FACETS, "open")
            if query.get(name)
        ]

    def chips(self):
        """[{label, query}] for each active filter value: the query without just that value.

        Built from the cleaned values (`self.data` has lost what the site does not know), so
        an unknown value shows no chip; a checkbox filter with several values gives a chip per
        value. `page` is dropped from every link: removing a filter starts again at page 1.
        """
        cleaned = self.form.cleaned_data
        query = self.data
        chips = []

        def without(name, value=None):
            return query_without(query, name, value)

        for name in ("q", "postcode"):
            text = (query.get(name) or "").strip()
            if text and cleaned.get(name):
                label = f"{self.form.fields[name].label}: {text}"
                chips.append({"label": label, "query": without(name)})
        within = cleaned.get("within")
        if within and cleaned.get("postcode"):
            label = dict(DISTANCES)[within]
            chips.append({"label": label, "query": without("within")})
        for name in self.FACETS:
            if not cleaned.get(name):
                continue
            labels = dict(self.form.fields[name].choices)
            for value in cleaned[name]:
                if value in labels:
                    chips.append({"label": labels[value], "query": without(name, value)})
        if cleaned.get("open"):
            chips.append({"label": self.form.fields["open"].label, "query": without("open")})
        return chips


def query_instead_of_words(query, name, value):
    """The query string with `name` set to `value` and the words (`q`) dropped, on page 1."""
    rest = query.copy()
    for key in ("page", "q"):
        rest.pop(key, None)
    rest.setlist(name, [value])
    return rest.urlencode()


def query_without(query, name, value=None):
    """The query string without `name` (or only its `value`), and back on page 1."""
    rest = query.copy()
    rest.pop("page", None)
    if value is None:
        rest.pop(name, None)
    else:
        rest.setlist(name, [v for v in rest.getlist(name) if v != value])
    return rest.urlencode()
