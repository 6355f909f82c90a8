"""The import's bulk writes beside the groups: their codes, and simple-history's records.

A save in the admin writes one historical record per group (and per code) through
simple-history's signals; bulk_create sends no signals, so the importer writes the same records
here, in batches.
"""

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext_lazy

from directory.models import Group
from healing_together.history import latest_versions, same_version

BATCH_SIZE = 500
CHANGE_REASON = gettext_lazy("CSV import")


def write_m2m(new, existing):
    """Replace the codes of the columns in the file; return {field: {group pk: rows}}."""
    all_rows = {}
    for m2m_field in ("languages", "audiences", "topics", "serves_regions"):
        descriptor = Group._meta.get_field(m2m_field)
        through = descriptor.remote_field.through
        target = descriptor.m2m_reverse_field_name()
        replaced = [row for row in existing if m2m_field in row.m2m]
        kept = [row.group.pk for row in existing if m2m_field not in row.m2m]
        for start in range(0, len(replaced), BATCH_SIZE):
            chunk = [row.group.pk for row in replaced[start : start + BATCH_SIZE]]
            through.objects.filter(group_id__in=chunk).delete()
        objs = [
            through(group_id=row.group.pk, **{f"{target}_id": pk})
            for row in (*new, *replaced)
            for pk in row.m2m.get(m2m_field, [])
        ]
        through.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        by_group = {}
        for obj in objs:
            by_group.setdefault(obj.group_id, []).append(obj)
        for start in range(0, len(kept), BATCH_SIZE):
            chunk = kept[start : start + BATCH_SIZE]
            for obj in through.objects.filter(group_id__in=chunk):
                by_group.setdefault(obj.group_id, []).append(obj)
        all_rows[m2m_field] = (by_group, target)
    return all_rows


def changed_rows(existing, through_rows):
    """The rows whose group differs from its latest version: no version for "no change"."""
    history_model = Group.history.model
    previous = {}
    pks = [row.group.pk for row in existing]
    for start in range(0, len(pks), BATCH_SIZE):
        previous.update(latest_versions(history_model, pks[start : start + BATCH_SIZE]))
    changed = []
    for row in existing:
        group = row.group
        values = {f.attname: getattr(group, f.attname) for f in Group._meta.concrete_fields}
        m2m = {
            name: {getattr(obj, f"{target}_id") for obj in by_group.get(group.pk, [])}
            for name, (by_group, target) in through_rows.items()
        }
        if not same_version(history_model, previous.get(group.pk), values, m2m):
            changed.append(row)
    return changed


def write_history(new, existing, through_rows, user=None):
    """History of every imported group, with its codes, as a save in the admin makes it.

    Like simple-history's own records (and unlike its bulk_history_create, which knows only
    the fields the model had before django-modeltranslation added one per language), each
    record keeps every field the historical model has, every language included.
    """
    history_model = Group.history.model
    group_fields = {f.attname for f in Group._meta.concrete_fields}
    user_id = getattr(user, "pk", None)
    fixed = {
        "history_id": None,
        "history_date": timezone.now(),
        "history_user_id": user_id,
        "history_change_reason": str(CHANGE_REASON),
    }
    # Positional values in the historical model's field order: much faster to build than
    # keyword arguments, which django-modeltranslation rewrites one by one.
    fields = history_model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    # A field of the historical model the group lacks (none today) gets its default.
    defaults = {
        f.attname: f.get_default()
        for f in fields
        if f.attname not in group_fields and f.attname not in fixed
    }
    fixed.update(defaults)
    rows = [*new, *changed_rows(existing, through_rows)]
    records = history_model.objects.bulk_create(
        [
            history_model(
                *[
                    ("+" if row.creating else "~")
                    if attname == "history_type"
                    else fixed[attname]
                    if attname in fixed
                    else getattr(row.group, attname)
                    for attname in attnames
                ]
            )
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )
    records = list(zip(rows, records, strict=True))
    for m2m_field, (by_group, target) in through_rows.items():
        m2m_history = apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_{m2m_field}"
        )
        objs = [
            m2m_history(
                history_id=record.pk,
                id=obj.pk,
                group_id=row.group.pk,
                **{f"{target}_id": getattr(obj, f"{target}_id")},
            )
            for row, record in records
            for obj in by_group.get(row.group.pk, [])
        ]
        m2m_history.objects.bulk_create(objs, batch_size=BATCH_SIZE)
