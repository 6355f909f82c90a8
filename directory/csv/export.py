"""The groups' CSV export: one row per group, every column of the table (table.py).

Headers and values are written in the active language (labels.py): the form's labels, the
choices' and terms' names, "ja"/"nee"; descriptions as plain text (directory/rich_text.py).
Separated by semicolons in Dutch and French, as a Belgian Excel expects, else by commas.
"""

from django.utils import translation

from directory.csv import labels
from directory.csv.table import EDITOR_COLUMNS
from directory.rich_text import html_to_plain_text
from healing_together import csv_guard

BATCH_SIZE = 500
SEPARATORS = {"comma": ",", "semicolon": ";"}
# The languages whose spreadsheets (in Belgium) expect semicolons.
SEMICOLON_LANGUAGES = {"nl", "fr"}


def default_separator():
    """The separator for the editor's language: "semicolon" or "comma"."""
    language = (translation.get_language() or "")[:2]
    return "semicolon" if language in SEMICOLON_LANGUAGES else "comma"


def column_cells(column, group):
    """{column name: text} of one column of one group, as the editor reads it."""
    if column.kind == "choice":
        return {column.name: labels.choice_label(column.field, getattr(group, column.field))}
    if column.kind == "boolean":
        return {column.name: labels.yes_no(getattr(group, column.field))}
    if column.kind == "codes":
        names = sorted(
            labels.term_name(obj, column.code) for obj in getattr(group, column.field).all()
        )
        return {column.name: labels.VALUES_SEPARATOR.join(names)}
    cells = column.export_cells(group)
    if column.field == "description":
        cells = {name: html_to_plain_text(text) for name, text in cells.items()}
    return cells


def group_row(group):
    """One group as {column: text}, from a group loaded with Group.objects.for_export()."""
    row = {}
    for column in EDITOR_COLUMNS:
        row.update(column_cells(column, group))
    return row


class _Echo:
    def write(self, value):
        return value


def export_lines(queryset, separator=None):
    """The CSV file, line by line (UTF-8 with a byte-order mark, which spreadsheets need).

    `separator`: "comma" or "semicolon"; by default the one of the editor's language. The
    lines are written in the language active now, even if read once the view has returned.
    """
    delimiter = SEPARATORS.get(separator) or SEPARATORS[default_separator()]
    return _lines(queryset, delimiter, translation.get_language())


def _lines(queryset, delimiter, language):
    writer = csv_guard.writer(_Echo(), delimiter=delimiter)
    names = [name for column in EDITOR_COLUMNS for name in column.names()]
    with translation.override(language):
        yield "\ufeff" + writer.writerow(labels.header())
        for group in queryset.for_export().iterator(chunk_size=BATCH_SIZE):
            row = group_row(group)
            yield writer.writerow([row[name] for name in names])
