"""Reading an uploaded CSV file and its cells: encoding, dialect, and each kind of value.

The importer (importer.py) calls these; a wrong cell raises CellError with the message the
editor sees beside its row and column.
"""

import codecs
import csv
import datetime
import decimal
import re

from django.utils.translation import gettext as _

from directory.models import (
    Audience,
    Group,
    Municipality,
    Organisation,
    PostalCode,
    Region,
    SpokenLanguage,
    Topic,
)
from directory.schedule import WEEKDAYS
from healing_together.i18n import LANGUAGE_CODES

DAY_NUMBERS = {day.code: day.number for day in WEEKDAYS}
BYDAY_RE = re.compile(rf"^(?P<week>-1|[1-4])?(?P<day>{'|'.join(DAY_NUMBERS)})$")
CODE_SEPARATORS = re.compile(r"[\s,;|]+")


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


def dialect(text):
    """Commas, or semicolons as spreadsheets write CSV in Belgian locales."""
    first_line = text.split("\n", 1)[0]
    return "semicolon" if first_line.count(";") > first_line.count(",") else "excel"


class _Semicolon(csv.excel):
    delimiter = ";"


csv.register_dialect("semicolon", _Semicolon)


class CellError(Exception):
    """A cell's value is wrong: the message says how."""


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


def choices_message(model_field, required=False):
    values = ", ".join(value for value, _label in Group._meta.get_field(model_field).choices)
    if required:
        return _("Required: one of %(values)s.") % {"values": values}
    return _("Use one of %(values)s.") % {"values": values}


def parse(model_field, kind, raw):
    if kind == "text":
        return raw
    if kind == "choice":
        raw = raw.lower()
        if raw not in {value for value, _l in Group._meta.get_field(model_field).choices}:
            raise CellError(choices_message(model_field))
        return raw
    if not raw:
        return None
    if kind == "integer":
        try:
            return int(raw)
        except ValueError:
            raise CellError(_("Use a whole number.")) from None
    if kind == "decimal":
        try:
            number = decimal.Decimal(raw.replace(",", "."))
        except decimal.InvalidOperation:
            raise CellError(_("Use a number, such as 12.50.")) from None
        if not number.is_finite():
            raise CellError(_("Use a number, such as 12.50."))
        limits = {"latitude": 90, "longitude": 180}
        if model_field in limits and abs(number) > limits[model_field]:
            raise CellError(
                _("Must be between -%(limit)d and %(limit)d.") % {"limit": limits[model_field]}
            )
        return number
    if kind == "date":
        moment = _strptime(raw, ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"))
        if moment is None:
            raise CellError(_("Not a date: use the form 2025-03-31 (year-month-day)."))
        return moment.date()
    if kind == "time":
        moment = _strptime(raw, ("%H:%M", "%H:%M:%S", "%Hh%M", "%H.%M"))
        if moment is None:
            raise CellError(_("Not a time: use the form 19:30."))
        return moment.time()
    if kind == "boolean":
        lowered = raw.lower()
        if lowered in {"true", "1", "yes", "ja", "oui", "y"}:
            return True
        if lowered in {"false", "0", "no", "nee", "non", "n"}:
            return False
        raise CellError(_("Use true or false."))
    raise ValueError(kind)  # pragma: no cover - a programming error


def _strptime(raw, patterns):
    """The moment `raw` gives in the first of `patterns` that reads it, else None."""
    for pattern in patterns:
        try:
            return datetime.datetime.strptime(raw, pattern)
        except ValueError:
            continue
    return None


def parse_byday(raw):
    if not raw:
        return None, None
    match = BYDAY_RE.match(raw.upper())
    if not match:
        raise CellError(
            _(
                "Use a day code (MO, TU, WE, TH, FR, SA, SU), with the week of the month "
                "before it for monthly groups: 2TU is the second Tuesday, -1FR the last Friday."
            )
        )
    week = int(match["week"]) if match["week"] else None
    return week, DAY_NUMBERS[match["day"]]


def parse_codes(column, table, raw):
    codes = [code for code in CODE_SEPARATORS.split(raw.strip()) if code]
    if column == "service_areas":
        codes = [code for code in codes if code.lower() != "be"]
    unknown = [code for code in codes if code not in table]
    if unknown:
        known = ", ".join(sorted(table))
        raise CellError(
            _("Unknown code: %(codes)s. Known codes: %(known)s.")
            % {"codes": ", ".join(unknown), "known": known}
        )
    if column == "languages" and not codes:
        raise CellError(_("Give at least one language, as an ISO 639 code such as nl."))
    return sorted({table[code] for code in codes})
