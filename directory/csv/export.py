"""The groups' CSV export: one row per group, every column of the table (table.py)."""

from directory.csv.table import EDITOR_COLUMNS, columns
from healing_together import csv_guard

BATCH_SIZE = 500


def group_row(group):
    """One group as {column: text}, from a group loaded with Group.objects.for_export()."""
    row = {}
    for column in EDITOR_COLUMNS:
        row.update(column.export_cells(group))
    return row


class _Echo:
    def write(self, value):
        return value


def export_lines(queryset):
    """The CSV file, line by line (UTF-8 with a byte-order mark, which spreadsheets need)."""
    writer = csv_guard.writer(_Echo())
    names = columns()
    yield "\ufeff" + writer.writerow(names)
    for group in queryset.for_export().iterator(chunk_size=BATCH_SIZE):
        row = group_row(group)
        yield writer.writerow([row[name] for name in names])
