"""The site's tolerant filtering toolkit, for every public list that filters by query string.

A query string is a public interface (shared links, the open data): a value the site does not
know is dropped, and the visitor told, instead of failing the page. `TolerantFilterSet` does
that in its own `__init__`; its `notes` say what was left out. Checkbox filters take repeated
keys (`audience=caregivers&audience=parents`) and match any of the values.
"""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_save
from django.http import QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.filters import FilterMethod

from .cache import VersionCounter, versioned_copies


class AnyRelatedFilter(django_filters.MultipleChoiceFilter):
    """Any of the chosen values of a many-to-many field, as `pk IN (subquery)`.

    A join would repeat a row once per matching value and need DISTINCT over every column
    of the page (and of its count) to undo that; the subquery keeps each row once.
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


def shallow_copy(obj):
    """copy.copy for a plain object (no __slots__, no __copy__): a new instance sharing the
    attribute values. Five times cheaper than copy.copy, which goes through __reduce_ex__;
    the filter forms copy some forty filters, fields and widgets on every request."""
    copied = object.__new__(type(obj))
    copied.__dict__.update(obj.__dict__)
    return copied


class ShallowCopiedFilters(dict):
    """A FilterSet class's `base_filters`, which django-filter deep-copies for each request.

    A filter's settings (label, choices, widget, lookup) never change once declared; only
    `model` and `parent` are set per FilterSet. So each filter is copied one level deep, and a
    `method=` filter gets a FilterMethod bound to its copy (whose `parent` is this FilterSet).
    A deep copy of the thirteen filters of the group list was a tenth of its request.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            copied = shallow_copy(declared)
            if isinstance(declared.__dict__.get("filter"), FilterMethod):
                copied.filter = FilterMethod(copied)
            copies[name] = copied
        return copies


class ShallowCopiedFields(dict):
    """A filter form class's `base_fields`, which Django deep-copies for each form.

    The same reasoning as `ShallowCopiedFilters`: a field's label, choices and validators are
    declared once (lazy, so one class serves every language) and never changed by a request.
    Each field is copied with its widget, their error messages, validators and attributes, as
    Django's own copy does, but their choices are shared instead of copied one by one (the
    lazy labels of the group list's options were most of the cost of building its form).
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, declared in self.items():
            field = shallow_copy(declared)
            field.widget = shallow_copy(declared.widget)
            field.widget.attrs = declared.widget.attrs.copy()
            field.error_messages = declared.error_messages.copy()
            field.validators = declared.validators[:]
            copies[name] = field
        return copies


class TolerantFilterSet(django_filters.FilterSet):
    """A FilterSet that drops every value it cannot use, and says which in `notes`.

    Multi-value keys keep their known values; any other key with a bad value is dropped whole.
    `data` then holds only what the form accepts, so the form is always valid and its
    `cleaned_data` is what the list is filtered by. A missing query string counts as an empty
    one: the list is always filtered (and sorted) the same way.

    A form field may set `plain_notes = True` when its error messages read well on their own
    (the postcode's "We do not know the postcode 9999.").
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), ShallowCopiedFilters):
            cls.base_filters = ShallowCopiedFilters(cls.base_filters)
        super().__init__(
            QueryDict() if data is None else data, queryset, request=request, prefix=prefix
        )
        self.notes = []
        if not self.form.is_valid():
            self.data = self._without_unknown_values(self.data)
            del self._form  # built again from the values that were kept
            self.form.is_valid()  # and cleaned here, so `form.cleaned_data` is always there

    def get_form_class(self):
        """django-filter's form class, built once per FilterSet class instead of per request.

        The fields come from the class's filters (labels and choices are lazy, so one class
        serves every language) and each form copies them (`ShallowCopiedFields`), so requests
        share no state they could change.
        """
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = ShallowCopiedFields(form_class.base_fields)
            cls._form_class = form_class
        return form_class

    def _without_unknown_values(self, data):
        data = data.copy()
        for name, field in self.form.fields.items():
            if name not in self.form.errors:
                continue
            values = data.getlist(name)
            if isinstance(field, forms.MultipleChoiceField):
                good = []
                for value in values:
                    try:
                        field.clean([value])
                        good.append(value)
                    except ValidationError:
                        self.notes.append(
                            _("“%(value)s” is not a known choice for “%(label)s”; we left it out.")
                            % {"value": value[:40], "label": field.label}
                        )
                data.setlist(name, list(dict.fromkeys(good)))
            else:
                data.pop(name, None)
                reason = " ".join(self.form.errors[name])
                if getattr(field, "plain_notes", False):
                    self.notes.append(reason)
                else:
                    self.notes.append(
                        _("We ignored “%(label)s”: %(reason)s")
                        % {"label": field.label, "reason": reason}
                    )
        return data


class CachedOptions:
    """A filter's options, (code, label) of every row of a model, cached per language.

    The options are read on every request that shows the filter form; they change only when
    an editor changes one of those rows, which makes every cached copy stale at once.
    Pass an instance as a choice field's `choices`: Django calls it when it needs them.

    `detail` (optional) names a language-independent attribute of the rows (a language's
    `native_name`) that `details()` gives as {code: value}, cached the same way.
    """

    version = VersionCounter("filtering:options-version")

    def __init__(self, model_label, code_field, detail=None):
        self.model_label = model_label
        self.code_field = code_field
        self.detail = detail
        for signal in (post_save, post_delete):
            signal.connect(
                self._invalidate,
                sender=model_label,
                weak=False,
                dispatch_uid=f"filter-options-{signal is post_save}-{model_label}",
            )

    @staticmethod
    def _invalidate(**_signal_kwargs):
        CachedOptions.version.bump()

    def __call__(self):
        language = translation.get_language()
        return self._cached(
            f"options:{language}",
            lambda rows: [(getattr(row, self.code_field), str(row)) for row in rows.all()],
        )

    def details(self):
        if self.detail is None:
            return {}
        return self._cached(
            f"details:{self.detail}",
            lambda rows: {
                getattr(row, self.code_field): getattr(row, self.detail)
                for row in rows.only(self.code_field, self.detail)
            },
        )

    def _cached(self, what, build):
        """build(the model's rows), kept until a row changes: in the shared cache, and a copy
        in this process (versioned_copies; the key holds the version), since a request asks
        for the options of several filters several times (cleaning, counts, chips)."""
        key = f"filtering:{self.model_label}:{what}:{self.version.get()}"
        value = versioned_copies.get(key)
        if value is None:
            from django.apps import apps

            value = build(apps.get_model(self.model_label).objects)
            versioned_copies.set(key, value, 24 * 60 * 60)
        return value
