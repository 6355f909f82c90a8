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

from directory.csv import labels
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
NAME_SEPARATORS = re.compile(r"[;|\n]+")


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


def dialect(text, known_names):
    """Commas, or semicolons as spreadsheets write CSV in Belgian locales.

    The separator is the one that splits the header into more known columns (a label could
    hold the other one); on a tie, the one the header line holds more of.
    """
    first_line = text.split("\n", 1)[0].strip("\r")

    def known(delimiter):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        return sum(labels.normalised(cell) in known_names for cell in cells)

    score = {"semicolon": known(";"), "excel": known(",")}
    if score["semicolon"] != score["excel"]:
        return max(score, key=score.get)
    return "semicolon" if first_line.count(";") > first_line.count(",") else "excel"


class _Semicolon(csv.excel):
    delimiter = ";"


csv.register_dialect("semicolon", _Semicolon)


class CellError(Exception):
    """A cell's value is wrong: the message says how."""


class Lookups:
    """Every code a row may use, loaded once per import."""

    def __init__(self, group_ids):
        # {code: pk}, and {normalised code or name in any language: pk}.
        for lookup, model, code in (
            ("languages", SpokenLanguage, "code"),
            ("audiences", Audience, "slug"),
            ("topics", Topic, "slug"),
            ("regions", Region, "slug"),
        ):
            objects = list(model.objects.all())
            setattr(self, lookup, {getattr(obj, code): obj.pk for obj in objects})
            setattr(self, f"{lookup}_by_name", labels.term_values(objects, code))
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
    values = ", ".join(f"{label} ({code})" for code, label in labels.choices(model_field))
    if required:
        return _("Required: one of %(values)s.") % {"values": values}
    return _("Use one of %(values)s.") % {"values": values}


def parse(model_field, kind, raw):
    if kind == "text":
        return raw
    if kind == "choice":
        value = labels.choice_values(model_field).get(labels.normalised(raw))
        if value is None:
            raise CellError(choices_message(model_field))
        return value
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
        lowered = labels.normalised(raw)
        words = labels.boolean_values()
        if lowered in words:
            return words[lowered]
        if lowered in {"true", "1", "yes", "ja", "oui", "y"}:
            return True
        if lowered in {"false", "0", "no", "nee", "non", "n"}:
            return False
        raise CellError(
            _("Use %(yes)s or %(no)s.") % {"yes": labels.yes_no(True), "no": labels.yes_no(False)}
        )
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


def parse_codes(column, table, names, raw):
    """The pks a cell names: names in any language separated by semicolons, or codes.

    `table` is {code: pk}, `names` {normalised code or name: pk} (Lookups). A part that is no
    name is read as codes separated by spaces or commas, as older files wrote them ("nl fr").
    """
    pks, unknown = set(), []
    for part in NAME_SEPARATORS.split(raw.strip()):
        if not part.strip():
            continue
        pk = names.get(labels.normalised(part))
        if pk is not None:
            pks.add(pk)
            continue
        for code in CODE_SEPARATORS.split(part.strip()):
            if not code or (column == "service_areas" and code.lower() == "be"):
                continue
            pk = names.get(labels.normalised(code))
            if pk is None:
                unknown.append(code)
            else:
                pks.add(pk)
    if unknown:
        known = ", ".join(sorted(table))
        raise CellError(
            _("Unknown name or code: %(codes)s. Known codes: %(known)s.")
            % {"codes": ", ".join(unknown), "known": known}
        )
    if column == "languages" and not pks:
        raise CellError(_("Give at least one language, by its name or an ISO 639 code such as nl."))
    return sorted(pks)
