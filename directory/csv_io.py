"""Groups as CSV for editors: export what the admin shows, import all or nothing.

Column names are those of the public open-data export (directory/opendata.py, borrowed from
HSDS 3: `kind`, `organization_name`, `address_1`, `city_refnis`, `byday`, `valid_from`, `fees`,
`assured_date`…) wherever the meaning is the same. Text that exists in every language has a
column per language (`name_nl`, `name_fr`, `name_en`). An exported file imports back unchanged.

The import reads every row, checks every cell and reports every error by row and column; only
a file without any error is written, in one transaction. A row with an `id` updates that group,
a row without one creates a new, unpublished group. Columns left out of the file leave those
fields as they are. Lookup tables are loaded once, and rows are written in batches, so the
number of queries does not grow row by row.
"""

import codecs
import csv
import datetime
import decimal
import io
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from healing_together.html import sanitise_html
from healing_together.i18n import LANGUAGE_CODES

from .models import (
    Audience,
    Group,
    Municipality,
    Organisation,
    PostalCode,
    Region,
    SpokenLanguage,
    Topic,
)
from .opendata import place_fields
from .rich_text import looks_like_html

MAX_IMPORT_BYTES = 5 * 1024 * 1024
BATCH_SIZE = 500
CHANGE_REASON = gettext_lazy("CSV import")
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
BYDAY_RE = re.compile(r"^(?P<week>-1|[1-4])?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")
CODE_SEPARATORS = re.compile(r"[\s,;|]+")
# A spreadsheet would run a cell starting with one of these as a formula: the export puts an
# apostrophe before it (as spreadsheets do themselves) and the import takes it off again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# (column stem, model field) of the text kept in every language.
TRANSLATED = [
    ("name", "name"),
    ("slug", "slug"),
    ("description", "summary"),
    ("details", "description"),
    ("schedule_description", "schedule_note"),
    ("fees_description", "cost_note"),
    ("accessibility", "accessibility"),
]
TRANSLATED_MODEL_FIELDS = {model_field for _stem, model_field in TRANSLATED}

# Single-valued columns: column -> (model field, kind of value).
SIMPLE = {
    "kind": ("kind", "choice"),
    "facilitation": ("facilitation", "choice"),
    "attendance": ("attendance", "choice"),
    "location_name": ("venue", "text"),
    "address_1": ("street_address", "text"),
    "latitude": ("latitude", "decimal"),
    "longitude": ("longitude", "decimal"),
    "frequency": ("frequency", "choice"),
    "start_time": ("start_time", "time"),
    "duration_minutes": ("duration_minutes", "integer"),
    "valid_from": ("start_date", "date"),
    "valid_to": ("end_date", "date"),
    "fees": ("cost", "choice"),
    "fees_amount": ("cost_amount", "decimal"),
    "registration": ("registration", "choice"),
    "registration_url": ("registration_url", "text"),
    "registration_email": ("registration_email", "text"),
    "registration_phone": ("registration_phone", "text"),
    "status": ("status", "choice"),
    "minimum_age": ("min_age", "integer"),
    "maximum_age": ("max_age", "integer"),
    "assured_date": ("last_verified", "date"),
    "is_demo": ("is_demo", "boolean"),
}
# An empty cell in these columns keeps the current value (a new group gets the default).
EMPTY_KEEPS = {"status", "duration_minutes", "assured_date", "is_demo"}
# Many-valued columns of codes, separated by spaces: column -> (m2m field, lookup name).
CODE_LISTS = {
    "languages": ("languages", "languages"),
    "audiences": ("audiences", "audiences"),
    "topics": ("topics", "topics"),
    "service_areas": ("serves_regions", "regions"),
}
# Written by the export for people reading the file; ignored by the import.
READ_ONLY = ["city", "state_province", "region", "published", "last_modified"]


def _translated_columns(stem):
    return [f"{stem}_{code}" for code in LANGUAGE_CODES]


def columns():
    """Every column, in the export's order."""
    t = _translated_columns
    return [
        "id",
        "kind",
        *t("name"),
        *t("slug"),
        *t("description"),
        *t("details"),
        "organization_id",
        "organization_name",
        "organization_url",
        "facilitation",
        "languages",
        "audiences",
        "topics",
        "attendance",
        "location_name",
        "address_1",
        "postal_code",
        "city_refnis",
        "city",
        "state_province",
        "region",
        "latitude",
        "longitude",
        "service_areas",
        "frequency",
        "byday",
        "start_time",
        "duration_minutes",
        "valid_from",
        "valid_to",
        *t("schedule_description"),
        "fees",
        "fees_amount",
        *t("fees_description"),
        "registration",
        "registration_url",
        "registration_email",
        "registration_phone",
        "status",
        "minimum_age",
        "maximum_age",
        *t("accessibility"),
        "assured_date",
        "published",
        "is_demo",
        "last_modified",
    ]


def required_columns():
    return [
        "id",
        "kind",
        f"name_{settings.LANGUAGE_CODE}",
        "organization_name",
        "facilitation",
        "languages",
        "attendance",
        "frequency",
        "fees",
        "registration",
    ]


def _column_for_field():
    """Model field -> the column an error about it is reported under."""
    mapping = {model_field: column for column, (model_field, _kind) in SIMPLE.items()}
    for stem, model_field in TRANSLATED:
        for code in LANGUAGE_CODES:
            mapping[f"{model_field}_{code}"] = f"{stem}_{code}"
    mapping.update(
        weekday="byday",
        week_of_month="byday",
        municipality="city_refnis",
        postal_code="postal_code",
        organisation="organization_name",
        languages="languages",
        audiences="audiences",
        topics="topics",
        serves_regions="service_areas",
    )
    return mapping


# --- Export -----------------------------------------------------------------------------------


def _text(value):
    value = value or ""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _date(value):
    return value.isoformat() if value else ""


def group_row(group):
    """One group as {column: text}, from a group loaded with for_export()."""
    row = {
        "id": str(group.pk),
        "kind": group.kind,
        "organization_id": str(group.organisation_id),
        "organization_name": _text(group.organisation.name),
        "organization_url": group.organisation.website,
        "facilitation": group.facilitation,
        "languages": " ".join(sorted(language.code for language in group.languages.all())),
        "audiences": " ".join(sorted(audience.slug for audience in group.audiences.all())),
        "topics": " ".join(sorted(topic.slug for topic in group.topics.all())),
        "attendance": group.attendance,
        "location_name": _text(group.venue),
        "address_1": _text(group.street_address),
        **place_fields(group),
        "latitude": "" if group.latitude is None else str(group.latitude),
        "longitude": "" if group.longitude is None else str(group.longitude),
        "service_areas": " ".join(sorted(region.slug for region in group.serves_regions.all())),
        "frequency": group.frequency,
        "byday": (
            f"{group.week_of_month or ''}{DAY_CODES[group.weekday]}"
            if group.weekday is not None
            else ""
        ),
        "start_time": group.start_time.strftime("%H:%M") if group.start_time else "",
        "duration_minutes": str(group.duration_minutes),
        "valid_from": _date(group.start_date),
        "valid_to": _date(group.end_date),
        "fees": group.cost,
        "fees_amount": "" if group.cost_amount is None else str(group.cost_amount),
        "registration": group.registration,
        "registration_url": group.registration_url,
        "registration_email": group.registration_email,
        "registration_phone": _text(group.registration_phone),
        "status": group.status,
        "minimum_age": "" if group.min_age is None else str(group.min_age),
        "maximum_age": "" if group.max_age is None else str(group.max_age),
        "assured_date": _date(group.last_verified),
        "published": "true" if group.published else "false",
        "is_demo": "true" if group.is_demo else "false",
        "last_modified": group.updated_at.isoformat() if group.updated_at else "",
    }
    for stem, model_field in TRANSLATED:
        for code in LANGUAGE_CODES:
            row[f"{stem}_{code}"] = _text(getattr(group, f"{model_field}_{code}", ""))
    return row


def for_export(queryset):
    return queryset.select_related(
        "organisation", "municipality__province", "municipality__region"
    ).prefetch_related("languages", "audiences", "topics", "serves_regions")


class _Echo:
    def write(self, value):
        return value


def export_lines(queryset):
    """The CSV file, line by line (UTF-8 with a byte-order mark, which spreadsheets need)."""
    writer = csv.writer(_Echo())
    names = columns()
    yield "\ufeff" + writer.writerow(names)
    for group in for_export(queryset).iterator(chunk_size=BATCH_SIZE):
        row = group_row(group)
        yield writer.writerow([row[name] for name in names])


# --- Import -----------------------------------------------------------------------------------


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


class ImportFileError(Exception):
    """The file cannot be read as CSV at all."""


def decode(raw):
    """The text of an uploaded file: UTF-8, with or without a byte-order mark."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            _(
                "The file is in UTF-16, not UTF-8. In your spreadsheet, save it again as "
                "“CSV UTF-8 (comma delimited)”."
            )
        )
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not in UTF-8 (the first character that is not, on line %(line)d, "
                "suggests another encoding such as Windows-1252 or Latin-1). In your "
                "spreadsheet, save it again as “CSV UTF-8 (comma delimited)”."
            )
            % {"line": line}
        ) from exc
    if "\x00" in text:
        raise ImportFileError(_("This is not a text file: save it as CSV and try again."))
    return text


def _dialect(text):
    """Commas, or semicolons as spreadsheets write CSV in Belgian locales."""
    first_line = text.split("\n", 1)[0]
    return "semicolon" if first_line.count(";") > first_line.count(",") else "excel"


class _Semicolon(csv.excel):
    delimiter = ";"


csv.register_dialect("semicolon", _Semicolon)


class _CellError(Exception):
    pass


def _strip_formula_guard(value):
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


class Lookups:
    """Every code a row may use, loaded once per import."""

    def __init__(self, group_ids):
        self.languages = dict(SpokenLanguage.objects.values_list("code", "pk"))
        self.audiences = dict(Audience.objects.values_list("slug", "pk"))
        self.topics = dict(Topic.objects.values_list("slug", "pk"))
        self.regions = dict(Region.objects.values_list("slug", "pk"))
        self.municipalities = {m.code: m for m in Municipality.objects.all()}
        self.postcodes = {}
        for code, municipality_id in PostalCode.objects.values_list("code", "municipality_id"):
            self.postcodes.setdefault(code, set()).add(municipality_id)
        self.municipalities_by_pk = {m.pk: m for m in self.municipalities.values()}
        organisations = list(Organisation.objects.all())
        self.organisations = {o.pk: o for o in organisations}
        self.organisations_by_name = {}
        for organisation in organisations:
            self.organisations_by_name.setdefault(organisation.name.casefold(), organisation)
        self.groups = Group.objects.select_related("organisation", "municipality").in_bulk(
            group_ids
        )
        self.slugs = {
            code: dict(
                Group.objects.exclude(**{f"slug_{code}__isnull": True})
                .exclude(**{f"slug_{code}": ""})
                .values_list(f"slug_{code}", "pk")
            )
            for code in LANGUAGE_CODES
        }


@dataclass
class _Row:
    number: int
    group: Group
    creating: bool
    m2m: dict
    slugs_given: dict


class GroupImporter:
    def __init__(self, user=None):
        self.user = user
        self.result = ImportResult()
        self.new_organisations = []
        self.column_for_field = _column_for_field()

    # --- reading ---

    def run(self, raw):
        try:
            text = decode(raw)
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
        self.lookups = Lookups(ids)
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
        reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
        try:
            header = next(reader, None)
            if not header:
                raise ImportFileError(_("The file is empty."))
            header = [name.strip().lower() for name in header]
            records = []
            number = 1
            for cells in reader:
                number += 1
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
                    self.result.errors.append(
                        RowError(
                            number,
                            "",
                            _("This row has %(cells)d cells but the header has %(columns)d.")
                            % {"cells": len(cells), "columns": len(header)},
                        )
                    )
                    continue
                record = {
                    name: _strip_formula_guard(cell.strip())
                    for name, cell in zip(header, cells, strict=False)
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

        for column, (model_field, kind) in SIMPLE.items():
            if column not in self.header:
                continue
            raw = record.get(column, "")
            if not raw:
                if column in EMPTY_KEEPS:
                    continue
                if kind == "choice":
                    error(column, self._choices_message(model_field, required=True))
                    continue
            try:
                setattr(group, model_field, self.parse(model_field, kind, raw))
            except _CellError as exc:
                error(column, exc)

        for stem, model_field in TRANSLATED:
            if model_field == "slug":
                continue
            for code in LANGUAGE_CODES:
                column = f"{stem}_{code}"
                if column in self.header:
                    value = record.get(column, "")
                    if model_field == "description" and looks_like_html(value):
                        value = sanitise_html(value)
                    setattr(group, f"{model_field}_{code}", value)

        if "byday" in self.header:
            try:
                group.week_of_month, group.weekday = self.parse_byday(record.get("byday", ""))
            except _CellError as exc:
                error("byday", exc)

        self.apply_organisation(group, record, creating, error)
        self.apply_place(group, record, error)

        m2m = {}
        for column, (m2m_field, lookup) in CODE_LISTS.items():
            if column not in self.header:
                continue
            try:
                m2m[m2m_field] = self.parse_codes(column, lookup, record.get(column, ""))
            except _CellError as exc:
                error(column, exc)

        self.validate(group, errors, error)
        self.result.errors.extend(errors)
        slugs_given = {
            code: record.get(f"slug_{code}", "")
            for code in LANGUAGE_CODES
            if f"slug_{code}" in self.header
        }
        return _Row(number, group, creating, m2m, slugs_given)

    def _choices_message(self, model_field, required=False):
        values = ", ".join(value for value, _label in Group._meta.get_field(model_field).choices)
        if required:
            return _("Required: one of %(values)s.") % {"values": values}
        return _("Use one of %(values)s.") % {"values": values}

    def parse(self, model_field, kind, raw):
        if kind == "text":
            return raw
        if kind == "choice":
            raw = raw.lower()
            if raw not in {value for value, _l in Group._meta.get_field(model_field).choices}:
                raise _CellError(self._choices_message(model_field))
            return raw
        if not raw:
            return None
        if kind == "integer":
            try:
                return int(raw)
            except ValueError:
                raise _CellError(_("Use a whole number.")) from None
        if kind == "decimal":
            try:
                number = decimal.Decimal(raw.replace(",", "."))
            except decimal.InvalidOperation:
                raise _CellError(_("Use a number, such as 12.50.")) from None
            if not number.is_finite():
                raise _CellError(_("Use a number, such as 12.50."))
            limits = {"latitude": 90, "longitude": 180}
            if model_field in limits and abs(number) > limits[model_field]:
                raise _CellError(
                    _("Must be between -%(limit)d and %(limit)d.") % {"limit": limits[model_field]}
                )
            return number
        if kind == "date":
            for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
                try:
                    return datetime.datetime.strptime(raw, pattern).date()
                except ValueError:
                    continue
            raise _CellError(_("Not a date: use the form 2025-03-31 (year-month-day)."))
        if kind == "time":
            for pattern in ("%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"):
                try:
                    return datetime.datetime.strptime(raw, pattern).time()
                except ValueError:
                    continue
            raise _CellError(_("Not a time: use the form 19:30."))
        if kind == "boolean":
            lowered = raw.lower()
            if lowered in {"true", "1", "yes", "ja", "oui", "y"}:
                return True
            if lowered in {"false", "0", "no", "nee", "non", "n"}:
                return False
            raise _CellError(_("Use true or false."))
        raise ValueError(kind)  # pragma: no cover - a programming error

    def parse_byday(self, raw):
        if not raw:
            return None, None
        match = BYDAY_RE.match(raw.upper())
        if not match:
            raise _CellError(
                _(
                    "Use a day code (MO, TU, WE, TH, FR, SA, SU), with the week of the month "
                    "before it for monthly groups: 2TU is the second Tuesday, -1FR the last Friday."
                )
            )
        week = int(match["week"]) if match["week"] else None
        return week, DAY_CODES.index(match["day"])

    def parse_codes(self, column, lookup, raw):
        table = getattr(self.lookups, lookup)
        codes = [code for code in CODE_SEPARATORS.split(raw.strip()) if code]
        if column == "service_areas":
            codes = [code for code in codes if code.lower() != "be"]
        unknown = [code for code in codes if code not in table]
        if unknown:
            known = ", ".join(sorted(table))
            raise _CellError(
                _("Unknown code: %(codes)s. Known codes: %(known)s.")
                % {"codes": ", ".join(unknown), "known": known}
            )
        if column == "languages" and not codes:
            raise _CellError(_("Give at least one language, as an ISO 639 code such as nl."))
        return sorted({table[code] for code in codes})

    def apply_organisation(self, group, record, creating, error):
        organisation = None
        value = record.get("organization_id", "") if "organization_id" in self.header else ""
        name = record.get("organization_name", "")
        if value:
            if not value.isdigit() or int(value) not in self.lookups.organisations:
                error(
                    "organization_id",
                    _("No organisation has the id %(id)s. Leave it empty to use the name.")
                    % {"id": value},
                )
                return
            organisation = self.lookups.organisations[int(value)]
        elif name:
            organisation = self.lookups.organisations_by_name.get(name.casefold())
            if organisation is None:
                organisation = self.new_organisation(name, record, error)
        elif creating:
            error("organization_name", _("Required: the organisation that runs the group."))
        if organisation is not None:
            group.organisation = organisation

    def new_organisation(self, name, record, error):
        website = record.get("organization_url", "") if "organization_url" in self.header else ""
        if len(name) > Organisation._meta.get_field("name").max_length:
            error("organization_name", _("At most 200 characters."))
            return None
        if website:
            try:
                URLValidator()(website)
            except ValidationError:
                error("organization_url", _("Not a web address: it starts with https://."))
                return None
        organisation = Organisation(name=name, website=website)
        self.lookups.organisations_by_name[name.casefold()] = organisation
        self.new_organisations.append(organisation)
        return organisation

    def apply_place(self, group, record, error):
        has_refnis, has_postcode = "city_refnis" in self.header, "postal_code" in self.header
        if not (has_refnis or has_postcode):
            return
        refnis = record.get("city_refnis", "")
        postcode = record.get("postal_code", "")
        municipality = None
        if refnis:
            municipality = self.lookups.municipalities.get(refnis)
            if municipality is None:
                error(
                    "city_refnis",
                    _("Unknown municipality code (REFNIS) %(code)s.") % {"code": refnis},
                )
                return
        if postcode:
            places = self.lookups.postcodes.get(postcode)
            if not re.fullmatch(r"[0-9]{4}", postcode) or places is None:
                error("postal_code", _("Unknown Belgian postcode %(code)s.") % {"code": postcode})
                return
            if municipality is not None and municipality.pk not in places:
                error(
                    "postal_code",
                    _("Postcode %(code)s is not in the municipality %(refnis)s (%(name)s).")
                    % {"code": postcode, "refnis": municipality.code, "name": municipality},
                )
                return
            if municipality is None:
                if len(places) == 1:
                    municipality = self.lookups.municipalities_by_pk[next(iter(places))]
                else:
                    codes = sorted(self.lookups.municipalities_by_pk[pk].code for pk in places)
                    error(
                        "city_refnis",
                        _(
                            "Postcode %(code)s covers several municipalities: give the REFNIS "
                            "code of one of them (%(codes)s)."
                        )
                        % {"code": postcode, "codes": ", ".join(codes)},
                    )
                    return
        if has_postcode:
            group.postal_code = postcode
        if has_refnis or municipality is not None:
            # An empty REFNIS code (and no postcode to find it from) clears the municipality.
            group.municipality = municipality

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
            names = [getattr(group, f"name_{code}") for code in LANGUAGE_CODES]
            fallback = next((name for name in names if name), "group")
            for code in LANGUAGE_CODES:
                column = f"slug_{code}"
                if code in row.slugs_given and row.slugs_given[code]:
                    continue
                if code not in row.slugs_given and getattr(group, column):
                    continue  # column left out: keep the current address
                base = slugify(getattr(group, f"name_{code}") or fallback)[:100] or "group"
                n = last_number[code].get(base, 1)
                candidate = base if n == 1 else f"{base}-{n}"
                while candidate in given_on_row[code] or (
                    taken[code].get(candidate) not in (None, group.pk)
                ):
                    n += 1
                    candidate = f"{base}-{n}"
                last_number[code][base] = n
                given_on_row[code][candidate] = row.number
                setattr(group, column, candidate)

    # --- writing ---

    def write(self, rows):
        now = timezone.now()
        new = [row for row in rows if row.creating]
        existing = [row for row in rows if not row.creating]
        for row in rows:
            row.group.refresh_derived()
            row.group._change_reason = str(CHANGE_REASON)
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
            through_rows = self.write_m2m(new, existing)
            self.write_history(new, existing, through_rows)
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
        for column, (model_field, _kind) in SIMPLE.items():
            if column in self.header:
                fields.add(model_field)
        for stem, model_field in TRANSLATED:
            for code in LANGUAGE_CODES:
                if f"{stem}_{code}" in self.header:
                    fields.add(f"{model_field}_{code}")
        if "byday" in self.header:
            fields.update({"weekday", "week_of_month"})
        if self.header & {"organization_id", "organization_name"}:
            fields.add("organisation")
        if self.header & {"city_refnis", "postal_code"}:
            fields.update({"municipality", "postal_code"})
        return fields

    def write_m2m(self, new, existing):
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

    def write_history(self, new, existing, through_rows):
        """History of every imported group, with its codes, as a save in the admin makes it.

        Like simple-history's own records (and unlike its bulk_history_create, which knows only
        the fields the model had before django-modeltranslation added one per language), each
        record keeps every field the historical model has, every language included.
        """
        history_model = Group.history.model
        group_fields = {f.attname for f in Group._meta.concrete_fields}
        user_id = getattr(self.user, "pk", None)
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
        rows = [*new, *existing]
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
