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
from django.utils.translation import gettext as _

from directory.csv import cells, history
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
from directory.rich_text import looks_like_html
from healing_together import csv_guard
from healing_together.cache import content_changed
from healing_together.i18n import LANGUAGE_CODES
from healing_together.safe_html import sanitise_html

MAX_IMPORT_BYTES = 5 * 1024 * 1024
BATCH_SIZE = history.BATCH_SIZE


@dataclass
class RowError:
    row: int | None  # the spreadsheet's row number: the header is row 1
    column: str
    message: str


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    organisations_created: int = 0

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

    def read(self, text):
        reader = csv.reader(io.StringIO(text, newline=""), dialect=cells.dialect(text))
        try:
            header = next(reader, None)
            if not header:
                raise ImportFileError(_("The file is empty."))
            header = [name.strip().lower() for name in header]
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

        def error(column, message):
            errors.append(RowError(number, column, str(message)))

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
        else:
            group = Group(published=False)
            creating = True

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
                    if model_field == "description" and looks_like_html(value):
                        value = sanitise_html(value)
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
            try:
                m2m[column.field] = cells.parse_codes(
                    column.name, table, record.get(column.name, "")
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
        return _Row(number, group, creating, m2m, slugs_given)

    def validate(self, group, errors, error):
        flagged = {e.column for e in errors}
        if flagged & {"postal_code", "city_refnis"}:
            # The place was already found wrong: no second error about a missing municipality.
            flagged.update({"postal_code", "city_refnis"})
        default = settings.LANGUAGE_CODE
        for column, model_field in ((f"name_{default}", f"name_{default}"),):
            if not getattr(group, model_field, None) and column not in flagged:
                error(
                    column,
                    _("Required: the name in %(language)s.")
                    % {"language": dict(settings.LANGUAGES)[default]},
                )
                flagged.add(column)
        # Only the fields this file sets are checked (the others hold valid values already):
        # organisation and place were looked up above, slugs are made once every row is read,
        # and only the site's default language is required.
        checked = set(self.checked_fields)
        for model_field in TRANSLATED_MODEL_FIELDS:
            for code in LANGUAGE_CODES:
                if code != default and not getattr(group, f"{model_field}_{code}", None):
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
                self.result.errors.append(RowError(row.number, column, message))
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
