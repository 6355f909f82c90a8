"""Groups from an editor's CSV file: read all, check every cell, write all or nothing.

The import reads every row, checks every cell and reports every error by row and column; only
a file without any error is written, in one transaction. A row with an `id` updates that group,
a row without one creates a new, unpublished group. Columns left out of the file leave those
fields as they are. Lookup tables are loaded once, and rows are written in batches, so the
number of queries does not grow row by row. The columns and their kinds: table.py; the
cells: cells.py; the history records: history.py.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from directory.csv import cells, changes, history, labels
from directory.csv.cells import ImportFileError
from directory.csv.related import RelatedColumnsMixin
from directory.csv.table import (
    CODE_LISTS,
    EDITOR_COLUMNS,
    SCALAR_IMPORTED,
    TRANSLATED,
    TRANSLATED_MODEL_FIELDS,
    column_for_field,
    columns,
    required_columns,
)
from directory.models import Group, Organisation
from directory.rich_text import html_to_plain_text, looks_like_html, plain_text_to_rich_html
from healing_together import csv_guard
from healing_together.cache import content_changed
from healing_together.i18n import LANGUAGE_CODES
from healing_together.safe_html import sanitise_html

MAX_IMPORT_BYTES = 5 * 1024 * 1024
BATCH_SIZE = history.BATCH_SIZE
COLUMN_NAMES = set(columns())


def rich_text(cell, current):
    """A description from its cell: the current HTML if the cell is its plain text (an
    exported file, unchanged), else the cell's plain text (or HTML, as older files held it:
    a cell that starts with a tag) as sanitised HTML."""
    if html_to_plain_text(cell) == html_to_plain_text(current):
        return current or ""
    if cell.lstrip().startswith("<") and looks_like_html(cell):
        return sanitise_html(cell)
    return plain_text_to_rich_html(cell)


@dataclass
class RowError:
    row: int | None  # the spreadsheet's row number: the header is row 1
    column: str  # the column's name (`name_nl`), or the header as the file wrote it
    message: str
    group: str = ""  # the name of the row's group, as the file or the database gives it

    @property
    def label(self):
        """The column as the editor's header names it ("Naam [nl]")."""
        if self.column in COLUMN_NAMES:
            return labels.column_label(self.column)
        return self.column


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0  # the groups whose values changed
    unchanged: int = 0
    organisations_created: int = 0
    changes: list = field(default_factory=list)  # (group name, [column labels]) per update

    @property
    def ok(self):
        return not self.errors


@dataclass
class _Row:
    number: int
    group: Group
    creating: bool
    m2m: dict
    slugs_given: dict
    before: dict = field(default_factory=dict)  # an update: the values read from the database
    changed: list = field(default_factory=list)  # an update: the labels of what it changes


class GroupImporter(RelatedColumnsMixin):
    def __init__(self, user=None):
        self.user = user
        self.result = ImportResult()
        self.new_organisations = []
        self.column_for_field = column_for_field()

    # --- reading ---

    def run(self, raw):
        try:
            text = cells.decode(raw)
            header, records = self.read(text)
        except ImportFileError as exc:
            self.result.errors.append(RowError(None, "", str(exc)))
            return self.result
        self.check_header(header)
        if self.result.errors:
            return self.result
        if not records:
            self.result.errors.append(RowError(None, "", _("The file has no rows of groups.")))
            return self.result
        self.header = set(header)
        self.checked_fields = self.fields_in_file() - {
            *(f"slug_{code}" for code in LANGUAGE_CODES),
            "organisation",
            "municipality",
        }
        ids = set()
        for _number, record in records:
            value = record.get("id", "")
            if value.isdigit():
                ids.add(int(value))
        self.lookups = cells.Lookups(ids)
        self.codes_before = changes.current_codes(self.lookups.groups)
        rows = []
        seen_ids = {}
        for number, record in records:
            row = self.build(number, record, seen_ids)
            if row is not None:
                rows.append(row)
        self.result.rows = len(records)
        self.assign_slugs(rows)
        if self.result.errors:
            return self.result
        rows = self.changed_rows(rows)
        try:
            self.write(rows)
        except DatabaseError:
            self.result.errors.append(
                RowError(
                    None,
                    "",
                    _("The database refused the import; nothing was saved. Please try again."),
                )
            )
        return self.result

    def changed_rows(self, rows):
        """The rows to write: every new group, and the updates that change something."""
        fields = self.fields_in_file()
        kept = []
        for row in rows:
            if not row.creating:
                codes_before = {
                    name: by_group.get(row.group.pk, set())
                    for name, by_group in self.codes_before.items()
                }
                row.changed = changes.changed_labels(
                    row.before, row.group, fields, codes_before, row.m2m
                )
                if not row.changed:
                    self.result.unchanged += 1
                    continue
                self.result.changes.append((str(row.group), row.changed))
            kept.append(row)
        return kept

    def read(self, text):
        known_names = labels.header_names()
        reader = csv.reader(io.StringIO(text, newline=""), dialect=cells.dialect(text, known_names))
        try:
            header = next(reader, None)
            if not header:
                raise ImportFileError(_("The file is empty."))
            header = [known_names.get(labels.normalised(name), name.strip()) for name in header]
            records = []
            number = 1
            for values in reader:
                number += 1
                if not any(cell.strip() for cell in values):
                    continue
                if len(values) > len(header) and any(c.strip() for c in values[len(header) :]):
                    self.result.errors.append(
                        RowError(
                            number,
                            "",
                            _("This row has %(cells)d cells but the header has %(columns)d.")
                            % {"cells": len(values), "columns": len(header)},
                        )
                    )
                    continue
                record = {
                    name: csv_guard.strip_formula_guard(cell.strip())
                    for name, cell in zip(header, values, strict=False)
                }
                records.append((number, record))
        except csv.Error as exc:
            raise ImportFileError(
                _("The file is not valid CSV near row %(row)d: %(problem)s")
                % {"row": number + 1, "problem": exc}
            ) from exc
        return header, records

    def check_header(self, header):
        known = set(columns())
        seen = set()
        for name in header:
            if not name:
                self.result.errors.append(
                    RowError(1, "", _("A column has no name in the header row."))
                )
            elif name not in known:
                self.result.errors.append(
                    RowError(1, name, _("Unknown column. The columns are listed on this page."))
                )
            elif name in seen:
                self.result.errors.append(RowError(1, name, _("This column appears twice.")))
            seen.add(name)
        for name in required_columns():
            if name not in seen:
                self.result.errors.append(RowError(1, name, _("This required column is missing.")))

    # --- checking one row ---

    def build(self, number, record, seen_ids):
        errors = []
        language = (get_language() or settings.LANGUAGE_CODE)[:2]
        names = (record.get(f"name_{code}", "") for code in (language, *LANGUAGE_CODES))
        group_name = next((name for name in names if name), "")

        def error(column, message):
            errors.append(RowError(number, column, str(message), group_name))

        value = record.get("id", "")
        if value:
            if not value.isdigit():
                error("id", _("An id is a whole number; leave it empty for a new group."))
                self.result.errors.extend(errors)
                return None
            group = self.lookups.groups.get(int(value))
            if group is None:
                error(
                    "id",
                    _("No group has the id %(id)s. Leave it empty to create a new group.")
                    % {"id": value},
                )
                self.result.errors.extend(errors)
                return None
            if int(value) in seen_ids:
                error(
                    "id",
                    _("This group is already on row %(row)d.") % {"row": seen_ids[int(value)]},
                )
            seen_ids[int(value)] = number
            creating = False
            before = changes.snapshot(group)
            group_name = group_name or str(group)
        else:
            group = Group(published=False)
            creating = True
            before = {}

        for column in SCALAR_IMPORTED:
            if column.name not in self.header:
                continue
            raw = record.get(column.name, "")
            if not raw:
                if column.empty_keeps:
                    continue
                if column.kind == "choice":
                    error(column.name, cells.choices_message(column.field, required=True))
                    continue
            try:
                setattr(group, column.field, cells.parse(column.field, column.kind, raw))
            except cells.CellError as exc:
                error(column.name, exc)

        for translated in TRANSLATED:
            model_field = translated.field
            if model_field == "slug":
                continue
            for code in LANGUAGE_CODES:
                column = f"{translated.name}_{code}"
                if column in self.header:
                    value = record.get(column, "")
                    if model_field == "description":
                        value = rich_text(value, getattr(group, f"description_{code}"))
                    setattr(group, f"{model_field}_{code}", value)

        if "byday" in self.header:
            try:
                group.week_of_month, group.weekday = cells.parse_byday(record.get("byday", ""))
            except cells.CellError as exc:
                error("byday", exc)

        self.apply_organisation(group, record, creating, error)
        self.apply_place(group, record, error)

        m2m = {}
        for column in CODE_LISTS:
            if column.name not in self.header:
                continue
            table = getattr(self.lookups, column.lookup)
            names = getattr(self.lookups, f"{column.lookup}_by_name")
            try:
                m2m[column.field] = cells.parse_codes(
                    column.name, table, names, record.get(column.name, "")
                )
            except cells.CellError as exc:
                error(column.name, exc)

        self.validate(group, errors, error)
        self.result.errors.extend(errors)
        slugs_given = {
            code: record.get(f"slug_{code}", "")
            for code in LANGUAGE_CODES
            if f"slug_{code}" in self.header
        }
        return _Row(number, group, creating, m2m, slugs_given, before)

    def validate(self, group, errors, error):
        flagged = {e.column for e in errors}
        if flagged & {"postal_code", "city_refnis"}:
            # The place was already found wrong: no second error about a missing municipality.
            flagged.update({"postal_code", "city_refnis"})
        default = settings.LANGUAGE_CODE
        # A name in one language is enough, as for a group proposed in French or English.
        column = f"name_{default}"
        named = any(getattr(group, f"name_{code}", None) for code in LANGUAGE_CODES)
        if not named and column not in flagged:
            error(column, _("Required: the name, in at least one language."))
            flagged.add(column)
        # Only the fields this file sets are checked (the others hold valid values already):
        # organisation and place were looked up above, slugs are made once every row is read,
        # and an empty text in one language is no error (a name in one is checked above).
        checked = set(self.checked_fields)
        for model_field in TRANSLATED_MODEL_FIELDS:
            for code in LANGUAGE_CODES:
                if not getattr(group, f"{model_field}_{code}", None):
                    checked.discard(f"{model_field}_{code}")
        exclude = {f.name for f in Group._meta.fields} - checked
        checks = [lambda: group.clean_fields(exclude=exclude), group.clean]
        for check in checks:
            try:
                check()
            except ValidationError as exc:
                for model_field, messages in exc.message_dict.items():
                    column = (
                        ""
                        if model_field == NON_FIELD_ERRORS
                        else self.column_for_field.get(model_field, model_field)
                    )
                    if column not in flagged:
                        error(column, " ".join(messages))
                        flagged.add(column)
        ages = (group.min_age, group.max_age)
        if None not in ages and ages[0] > ages[1] and "maximum_age" not in flagged:
            error("maximum_age", _("The maximum age is below the minimum age."))

    def assign_slugs(self, rows):
        taken = {code: dict(slugs) for code, slugs in self.lookups.slugs.items()}
        given_on_row = {code: {} for code in LANGUAGE_CODES}
        # Slugs written in the file first, so that made-up ones do not take them.
        for row in rows:
            for code, slug in row.slugs_given.items():
                if not slug:
                    continue
                column = f"slug_{code}"
                owner = taken[code].get(slug)
                if not re.fullmatch(r"[-a-zA-Z0-9_]+", slug) or len(slug) > 120:
                    message = _("Use letters, digits and hyphens only (at most 120).")
                elif slug in given_on_row[code]:
                    message = _("Row %(row)d has the same address.") % {
                        "row": given_on_row[code][slug]
                    }
                elif owner is not None and owner != row.group.pk:
                    message = _("Group %(id)s already has this address.") % {"id": owner}
                else:
                    given_on_row[code][slug] = row.number
                    setattr(row.group, column, slug)
                    continue
                self.result.errors.append(RowError(row.number, column, message, str(row.group)))
        # The last number given to each base, so that a thousand rows with the same name do
        # not each count up from 1 again (quadratic: minutes for 10,000 "Praatgroep" rows).
        last_number = {code: {} for code in LANGUAGE_CODES}
        for row in rows:
            group = row.group
            for code in LANGUAGE_CODES:
                column = f"slug_{code}"
                if code in row.slugs_given and row.slugs_given[code]:
                    continue
                if code not in row.slugs_given and getattr(group, column):
                    continue  # column left out: keep the current address
                base = group.slug_base(code)

                def is_taken(candidate, code=code, group=group):
                    return candidate in given_on_row[code] or (
                        taken[code].get(candidate) not in (None, group.pk)
                    )

                candidate, n = Group.next_free_slug(
                    base, is_taken, start=last_number[code].get(base, 1)
                )
                last_number[code][base] = n
                given_on_row[code][candidate] = row.number
                setattr(group, column, candidate)

    # --- writing ---

    def write(self, rows):
        if not rows:
            return  # an exported file imported back as it was: nothing to write
        now = timezone.now()
        new = [row for row in rows if row.creating]
        existing = [row for row in rows if not row.creating]
        for row in rows:
            row.group.refresh_derived(search=False)  # refreshed in bulk once the terms are in
            row.group._change_reason = str(history.CHANGE_REASON)
        update_fields = self.update_fields()
        with transaction.atomic():
            Organisation.objects.bulk_create(self.new_organisations, batch_size=BATCH_SIZE)
            for row in new:
                # Organisations created above now have their primary keys.
                row.group.organisation = row.group.organisation
            Group.objects.bulk_create([row.group for row in new], batch_size=BATCH_SIZE)
            for row in existing:
                row.group.updated_at = now
            Group.objects.bulk_update(
                [row.group for row in existing], update_fields, batch_size=BATCH_SIZE
            )
            through_rows = history.write_m2m(new, existing)
            Group.objects.filter(pk__in=[row.group.pk for row in rows]).refresh_search()
            history.write_history(new, existing, through_rows, user=self.user)
            content_changed()  # bulk writes send no signals: the cached pages and cards
        self.result.created = len(new)
        self.result.updated = len(existing)
        self.result.organisations_created = len(self.new_organisations)

    def update_fields(self):
        fields = {"updated_at", "search_text", "next_session_on", "published_at"}
        fields.update(f"slug_{code}" for code in LANGUAGE_CODES)
        return sorted(fields | self.fields_in_file())

    def fields_in_file(self):
        """The model fields that the file's columns set."""
        fields = set()
        for column in EDITOR_COLUMNS:
            if column.translated:
                fields.update(
                    f"{column.field}_{code}"
                    for code in LANGUAGE_CODES
                    if f"{column.name}_{code}" in self.header
                )
            elif column.name in self.header:
                fields.update(column.model_fields())
        return fields


def import_groups(upload, user=None):
    """Check every row of an uploaded CSV file and, if none has an error, save them all."""
    raw = upload.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        result = ImportResult()
        result.errors.append(
            RowError(
                None,
                "",
                _("The file is larger than %(limit)d MB.")
                % {"limit": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        )
        return result
    return GroupImporter(user=user).run(raw)
