"""Groups as CSV for editors: export what the admin shows, import all or nothing.

Text that exists in every language has a column per language (`name_nl`, `name_fr`,
`name_en`). The file is written for the editor who asks for it: headers as the group's form
labels its fields ("Naam [nl]"), choices and terms by their names, descriptions as plain text,
all in the admin's language, separated by semicolons in Dutch and French (what a Belgian
Excel opens) and by commas in English. The import reads all that in any of the three
languages, and the names and codes of older files too. An exported file imports back as
"0 changed".

- table.py: the one table of columns (name, model field, kind, per language, read-only,
  required, how it is exported), which the export and the import both follow;
- labels.py: the columns' labels and the values' names, in every language;
- export.py: the rows and the file;
- healing_together/csv_guard.py: the writers, which guard cells against formulas;
- importer.py: reading, checking and writing a file (cells.py: the file and its cells;
  related.py: organisation and place; changes.py: what a row changes; history.py:
  simple-history's records, in bulk).

Inside this package `import csv` is the standard library's (absolute imports only).
"""

from directory.csv.export import default_separator, export_lines, group_row
from directory.csv.importer import (
    MAX_IMPORT_BYTES,
    ImportResult,
    RowError,
    import_groups,
)
from directory.csv.table import READ_ONLY, columns, required_columns

__all__ = [
    "MAX_IMPORT_BYTES",
    "READ_ONLY",
    "ImportResult",
    "RowError",
    "columns",
    "default_separator",
    "export_lines",
    "group_row",
    "import_groups",
    "required_columns",
]
