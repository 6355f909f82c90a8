"""What an import changes in each group it updates, by the columns' labels (labels.py).

The importer keeps each group's values as it read them from the database, and its codes
(languages, audiences, topics, regions); a row whose fields and codes all come out equal
changes nothing: it is not written, and no version is added to the group's history.
"""

from directory.csv import labels
from directory.csv.table import CODE_LISTS, column_for_field, columns
from directory.models import Group
from healing_together.i18n import LANGUAGE_CODES

BATCH_SIZE = 500
M2M_FIELDS = [column.field for column in CODE_LISTS]


def current_codes(group_ids):
    """{m2m field: {group pk: {pk}}} of the groups an import updates, in a few queries."""
    codes = {}
    ids = sorted(group_ids)
    for m2m_field in M2M_FIELDS:
        descriptor = Group._meta.get_field(m2m_field)
        through = descriptor.remote_field.through
        target = f"{descriptor.m2m_reverse_field_name()}_id"
        by_group = codes[m2m_field] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            rows = through.objects.filter(group_id__in=ids[start : start + BATCH_SIZE])
            for group_id, pk in rows.values_list("group_id", target):
                by_group.setdefault(group_id, set()).add(pk)
    return codes


def snapshot(group):
    """The values of a group's fields, before a row changes them."""
    return {f.attname: getattr(group, f.attname) for f in Group._meta.concrete_fields}


def same(old, new):
    """Whether a field keeps its value (an empty text and a null one are the same)."""
    return old == new or (old in (None, "") and new in (None, ""))


def changed_labels(before, group, fields, codes_before, codes_after):
    """The labels of the columns whose values differ, in the file's order: [] for a row that
    changes nothing.

    `fields` are the model fields the file sets; `codes_*` {m2m field: set of pks}.
    """
    column_of = column_for_field()
    changed = []
    names = sorted({*fields, *(f"slug_{code}" for code in LANGUAGE_CODES)})
    for name in names:
        attname = Group._meta.get_field(name).attname
        if not same(before.get(attname), getattr(group, attname)):
            changed.append(column_of.get(name, name))
    for m2m_field, pks in codes_after.items():
        if set(pks) != codes_before.get(m2m_field, set()):
            changed.append(column_of[m2m_field])
    order = {name: number for number, name in enumerate(columns())}
    seen = []
    for column in sorted(changed, key=lambda name: order.get(name, len(order))):
        label = labels.column_label(column)
        if label not in seen:
            seen.append(label)
    return seen
