"""The group list's filters: the public query-string interface (GUIDE §3).

Keys and values are language-independent codes, so a shared link works in every language.
A value the site does not know is dropped (and the visitor told) instead of failing the page.
"""

import datetime
import hashlib
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from . import choices
from .models import Group, Municipality
from .querysets import counts_by

POSTCODE_RE = re.compile(r"^[0-9]{4}$")
MAX_QUERY_LENGTH = 200


class AnyRelatedFilter(django_filters.MultipleChoiceFilter):
    """Any of the chosen values of a many-to-many field, as `pk IN (subquery)`.

    A join would repeat a group once per matching value and need DISTINCT over every column
    of the page (and of its count) to undo that; the subquery keeps each group once.
    """

    def filter(self, qs, value):
        if not value:
            return qs
        lookup = f"{self.field_name}__in"
        return qs.filter(pk__in=qs.model._base_manager.filter(**{lookup: value}).values("pk"))


def checkboxes(label, choices, field_name=None, many=False):
    """Repeated keys select several values (audience=caregivers&audience=parents): any of them.
    `many`: the values sit across a many-to-many field."""
    filter_class = AnyRelatedFilter if many else django_filters.MultipleChoiceFilter
    return filter_class(
        label=label,
        choices=choices,
        field_name=field_name,
        distinct=False,  # django-filter defaults to True; no filter here repeats a row
        widget=forms.CheckboxSelectMultiple,
    )


class GroupFilterSet(django_filters.FilterSet):
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
    postcode = django_filters.CharFilter(
        label=_("Postcode"),
        method="filter_postcode",
        max_length=4,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "maxlength": 4, "autocomplete": "postal-code"}
        ),
    )
    kind = checkboxes(_("Kind of group"), Group.Kind.choices)
    region = checkboxes(_("Region"), choices.region_choices, "municipality__region__slug")
    province = checkboxes(_("Province"), choices.province_choices, "municipality__province__code")
    audience = checkboxes(_("For whom"), choices.audience_choices, "audiences__slug", many=True)
    topic = checkboxes(_("Topic"), choices.topic_choices, "topics__slug", many=True)
    language = checkboxes(
        _("Language spoken"), choices.language_choices, "languages__code", many=True
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

    def __init__(self, data=None, *args, **kwargs):
        self.municipalities = []
        super().__init__(data, *args, **kwargs)

    def filter_text(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_postcode(self, queryset, name, value):
        return queryset.serving(self.municipalities) if self.municipalities else queryset

    def filter_open(self, queryset, name, value):
        return queryset.filter(status=Group.Status.OPEN) if value else queryset

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last, in `qs`, once every filter is known

    @property
    def qs(self):
        queryset = super().qs
        return self.apply_sort(queryset)

    def apply_sort(self, queryset):
        data = self.form.cleaned_data if hasattr(self.form, "cleaned_data") else {}
        choice = data.get("sort") or "relevance"
        near = bool(self.municipalities)
        if choice == "next":
            order = [F("next_session_on").asc(nulls_last=True), "pk"]
        elif choice == "newest":
            order = ["-created_at", "pk"]
        elif near:
            order = ["proximity", "-last_verified", "pk"]
        else:
            # Relevance without a place: groups open to newcomers first, freshest listings next.
            order = ["status", "-last_verified", "pk"]
        return queryset.order_by(*order)

    # --- cleaning ---

    def clean_postcode_value(self, value):
        if not POSTCODE_RE.match(value):
            raise ValidationError(_("A Belgian postcode has four digits."))
        municipalities = list(
            Municipality.objects.filter(postal_codes__code=value)
            .select_related("province", "region")
            .distinct()
        )
        if not municipalities:
            raise ValidationError(
                _("We do not know the postcode %(code)s."), params={"code": value}
            )
        return municipalities


def drop_unknown_values(filterset_class, data, queryset, request=None):
    """Query-string `data` with every value `filterset_class` cannot use dropped, and notes.

    Multi-value keys keep their known values; other keys with a bad value are dropped whole.
    Returns (data, notes, probe) where probe is a filterset built on the raw data.
    """
    data = data.copy()
    notes = []
    probe = filterset_class(data, queryset=queryset, request=request)
    for name, field in probe.form.fields.items():
        values = data.getlist(name)
        if not values:
            continue
        if isinstance(field, forms.MultipleChoiceField):
            good = []
            for value in values:
                try:
                    field.clean([value])
                    good.append(value)
                except ValidationError:
                    notes.append(
                        _("“%(value)s” is not a known choice for “%(label)s”; we left it out.")
                        % {"value": value[:40], "label": field.label}
                    )
            data.setlist(name, list(dict.fromkeys(good)))
        else:
            value = values[-1]
            try:
                field.clean(value)
                data.setlist(name, [value])
            except ValidationError as error:
                data.pop(name)
                notes.append(
                    _("We ignored “%(label)s”: %(reason)s")
                    % {"label": field.label, "reason": " ".join(error.messages)}
                )
    return data, notes, probe


def tolerant_filterset(data, queryset, request=None):
    """A GroupFilterSet with every value it cannot use dropped, and notes saying which."""
    data, notes, probe = drop_unknown_values(GroupFilterSet, data, queryset, request)
    municipalities = []
    if data.get("postcode"):
        try:
            municipalities = probe.clean_postcode_value(data["postcode"])
        except ValidationError as error:
            data.pop("postcode")
            notes.append(" ".join(error.messages))
    filterset = GroupFilterSet(data, queryset=queryset, request=request)
    filterset.municipalities = municipalities
    filterset.notes = notes
    return filterset


def parse_modified_after(value):
    """`modified_after` for the open-data export: a date or an ISO datetime, else None."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def option_counts(filterset):
    """For each facet, how many groups each option gives with every *other* filter kept.

    One query per facet, whatever the filters and the number of results.
    """
    counts = {}
    for name, field in GroupFilterSet.FACETS.items():
        data = filterset.data.copy()
        data.pop(name, None)
        others = GroupFilterSet(data, queryset=filterset.queryset, request=filterset.request)
        others.municipalities = filterset.municipalities
        counts[name] = counts_by(others.qs, field)
    return counts


def cached_option_counts(filterset):
    """`option_counts`, remembered per filter choice until the content changes.

    Paging or re-sorting a filtered list then costs no count query. The key leaves out `page`
    and `sort`, and includes the day, since groups drop off the list as verification expires.
    """
    from django.core.cache import cache
    from django.utils import timezone

    from healing_together.cache import content_version

    data = sorted(
        (key, value)
        for key, values in filterset.data.lists()
        if key not in ("page", "sort")
        for value in values
    )
    fingerprint = hashlib.sha256(repr(data).encode()).hexdigest()
    key = f"directory:counts:{content_version.get()}:{timezone.localdate()}:{fingerprint}"
    counts = cache.get(key)
    if counts is None:
        counts = option_counts(filterset)
        cache.set(key, counts, 10 * 60)
    return counts


def facets(filterset, counts):
    """The filter form's checkbox groups, each option with its count (empty ones hidden)."""
    form = filterset.form
    groups = []
    for name in GroupFilterSet.FACETS:
        field = form.fields[name]
        chosen = set(filterset.data.getlist(name))
        options = []
        for value, label in field.choices:
            count = counts[name].get(value, 0)
            if count or value in chosen:
                options.append(
                    {
                        "value": value,
                        "label": label,
                        "count": count,
                        "checked": value in chosen,
                        "id": f"f-{name}-{value}",
                    }
                )
        if options:
            groups.append({"name": name, "label": field.label, "options": options})
    return groups
