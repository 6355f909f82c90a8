"""django-simple-history's `HistoricalRecords`, with a history a person can read.

The models use this class in place of simple-history's. On top of it:

- The history models are named "version of <verbose name>" through the catalog ("versie van
  groep", "version (groupe)"), translated each time they are shown (simple-history names them
  "historical …", in English, once).
- **No version for a save that changed nothing** (`same_version`): a record equal to the one
  before it, field for field and code for code, is not written — whichever way the save
  came (the admin, a command, the CSV import, which writes its records itself through
  `latest_versions` and `same_version`).
- **One version per save** (`one_entry_per_save`): simple-history writes one record when an
  object is saved and one more for each many-to-many field that changes afterwards. Inside
  this block the records wait, and one record per object is written when the block ends,
  with its fields and its codes as they then are. The admin's forms and its "restore" page
  save inside it.
- **Restores** (`restore_reason`, `restored_from`): the change reason of a restore names the
  version it came from, in no language, so that each editor reads it in their own.
"""

import contextvars
from contextlib import contextmanager

from django.apps import apps
from django.db.models import OuterRef, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords as SimpleHistoricalRecords

# The records of the saves inside `one_entry_per_save`, waiting for the block's end.
_waiting = contextvars.ContextVar("ht_history_waiting", default=None)

RESTORE_PREFIX = "restore:"
CHANGE_REASON_LENGTH = 100


class HistoricalRecords(SimpleHistoricalRecords):
    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = format_lazy(_("version of {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = format_lazy(
                _("versions of {}"), model._meta.verbose_name_plural
            )
        return meta

    def create_historical_record(self, instance, history_type, using=None):
        waiting = _waiting.get()
        if waiting is not None and history_type != "-":
            key = (type(instance)._meta.label, instance.pk)
            earlier = waiting.get(key)
            # A creation followed by changes of its codes is still a creation.
            first_type = earlier[2] if earlier else history_type
            waiting[key] = (self, instance, first_type, using)
            return
        if history_type == "~":
            manager = getattr(instance, self.manager_name)
            previous = manager.using(using).order_by("-history_date", "-history_id").first()
            values, m2m = current_version(manager.model, instance)
            typed_note = getattr(instance, "_change_note_typed", False)
            if same_version(manager.model, previous, values, m2m) and not typed_note:
                return
        super().create_historical_record(instance, history_type, using=using)


@contextmanager
def one_entry_per_save():
    """One history record per object saved inside the block, written when it ends."""
    if _waiting.get() is not None:  # already inside one: the outer block writes
        yield
        return
    waiting = {}
    token = _waiting.set(waiting)
    try:
        yield
    finally:
        _waiting.reset(token)
    for records, instance, history_type, using in waiting.values():
        records.create_historical_record(instance, history_type, using=using)


# --- what a version is made of ------------------------------------------------------------------


def history_model_of(model):
    """The model of `model`'s historical records (HistoricalGroup for Group)."""
    return getattr(model, model._meta.simple_history_manager_attribute).model


def version_fields(history_model):
    """The fields an editor can change, as the history keeps them (every language's)."""
    kept = {f.attname for f in history_model._meta.concrete_fields}
    model = history_model.instance_type
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and not f.primary_key and f.attname in kept
    ]


def m2m_fields(history_model):
    return list(getattr(history_model, "_history_m2m_fields", []))


def target_name(field):
    """The column of a many-to-many row that names the code: "audience" for audiences."""
    return field.m2m_reverse_field_name()


def current_version(history_model, instance):
    """({attname: value}, {m2m field name: {code pks}}) of an object as it is now."""
    values = {f.attname: getattr(instance, f.attname) for f in version_fields(history_model)}
    m2m = {
        f.name: set(getattr(instance, f.name).values_list("pk", flat=True))
        for f in m2m_fields(history_model)
    }
    return values, m2m


def recorded_m2m(record):
    """{m2m field name: {code pks}} of a historical record (kept on it once read)."""
    cached = getattr(record, "_ht_m2m", None)
    if cached is None:
        cached = {
            f.name: set(getattr(record, f.name).values_list(f"{target_name(f)}_id", flat=True))
            for f in m2m_fields(type(record))
        }
        record._ht_m2m = cached
    return cached


def same_version(history_model, previous, values, m2m):
    """Whether a new version with these values and codes would repeat `previous`.

    The one rule for "a save that changed nothing": every field an editor can change and
    every many-to-many code are the same. Dates the system keeps (updated at) do not count.
    """
    if previous is None or previous.history_type == "-":
        return False
    for field in version_fields(history_model):
        if field.attname not in values:
            continue
        if _normal(field, values[field.attname]) != _normal(
            field, getattr(previous, field.attname)
        ):
            return False
    recorded = recorded_m2m(previous)
    return all(set(codes) == recorded.get(name, set()) for name, codes in m2m.items())


def _normal(field, value):
    value = field.to_python(value)
    return "" if value is None and field.empty_strings_allowed else value


def latest_versions(history_model, pks):
    """{object pk: its latest historical record}, for objects written in bulk."""
    newest = (
        history_model.objects.filter(id=OuterRef("id"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    ids = (
        history_model.objects.filter(id__in=pks)
        .values("id")
        .distinct()
        .annotate(newest=Subquery(newest))
        .values_list("newest", flat=True)
    )
    records = list(history_model.objects.filter(history_id__in=ids))
    load_m2m(history_model, records)
    return {record.id: record for record in records}


def load_m2m(history_model, records):
    """Read the codes of many records in one query per field, not per record."""
    by_id = {record.history_id: record for record in records}
    for record in records:
        record._ht_m2m = {f.name: set() for f in m2m_fields(history_model)}
    for field in m2m_fields(history_model):
        rows = apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_{field.name}"
        ).objects.filter(history_id__in=list(by_id))
        for history_id, code in rows.values_list("history_id", f"{target_name(field)}_id"):
            by_id[history_id]._ht_m2m[field.name].add(code)


# --- restores --------------------------------------------------------------------------------


def restore_reason(version_id, note=""):
    """The change reason of a restore of version `version_id`, with the editor's own note."""
    reason = f"{RESTORE_PREFIX}{version_id}"
    if note:
        reason = f"{reason} {note}"
    return reason[:CHANGE_REASON_LENGTH]


def restored_from(reason):
    """(version id, note) of a restore's change reason, or None for any other reason."""
    if not reason or not reason.startswith(RESTORE_PREFIX):
        return None
    version, _space, note = reason[len(RESTORE_PREFIX) :].partition(" ")
    if not version.isdigit():
        return None
    return int(version), note
