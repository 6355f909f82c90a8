"""The one table of the groups' CSV columns: the editors' export and import, and the open data.

Each column is declared once, in the editors' file order: its name, the model field, the kind
of value, whether it has a column per language (`name_nl`, `name_fr`, `name_en`), whether it is
read-only (exported for people reading the file, ignored by the import) or required, and how
it is exported (the writer guards every text cell against spreadsheet formulas:
healing_together/csv_guard.py). The export (export.py) writes the columns in this order; the
importer
(importer.py, cells.py) reads and checks them by their kind. OPEN_DATA lists, in their order,
the columns of the public open-data CSV (directory/opendata.py), some of them (`url`,
`email`, `next_session`…) declared for it alone.

Column names are those of the open-data export (borrowed from HSDS 3: `kind`,
`organization_name`, `address_1`, `city_refnis`, `byday`, `valid_from`, `fees`,
`assured_date`…) wherever the meaning is the same.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from directory.schedule import WEEKDAYS
from healing_together.i18n import LANGUAGE_CODES

# Kinds of value a plain column holds: one model field, parsed by cells.parse().
SCALAR_KINDS = {"text", "choice", "integer", "decimal", "date", "time", "boolean"}


def place_fields(group):
    """Where an in-person group meets, by the open-data names (JSON, CSV export and import)."""
    municipality = group.municipality
    return {
        "postal_code": group.postal_code,
        "city": municipality.name if municipality else "",
        "city_refnis": municipality.code if municipality else "",
        "state_province": municipality.province.code
        if municipality and municipality.province
        else "",
        "region": municipality.region.slug if municipality else "",
    }


@dataclass(frozen=True)
class Column:
    name: str  # the stem of per-language columns
    field: str = ""  # the model field (a many-to-many field for "codes")
    kind: str = "text"  # SCALAR_KINDS, "codes", or a column the importer reads itself
    translated: bool = False  # one column per language: f"{name}_{code}"
    read_only: bool = False  # exported for readers; the import ignores it
    required: bool = False  # must be in an imported file (per language: the site's default)
    empty_keeps: bool = False  # an empty cell keeps the current value (new groups: default)
    code: str = ""  # codes: the attribute of the related object written in the cell
    lookup: str = ""  # codes: the importer's table of known codes (cells.Lookups)
    sets: tuple = ()  # the model fields an imported column sets, if not just `field`
    reports: tuple = ()  # the model fields whose errors are shown under this column
    export: Callable | None = None  # group -> text, if not derived from the kind
    editor: bool = True  # in the editors' CSV (else: open data only)

    def names(self):
        """The column's name(s) in the editors' file."""
        if self.translated:
            return [f"{self.name}_{code}" for code in LANGUAGE_CODES]
        return [self.name]

    def model_fields(self):
        """The model fields that this column, in an imported file, sets on the group."""
        if self.read_only:
            return set()
        if self.sets:
            return set(self.sets)
        if self.translated:
            return {f"{self.field}_{code}" for code in LANGUAGE_CODES}
        return {self.field} if self.kind in SCALAR_KINDS else set()

    def export_cells(self, group):
        """{column: text} of one group."""
        if self.translated:
            return {
                f"{self.name}_{code}": getattr(group, f"{self.field}_{code}", "") or ""
                for code in LANGUAGE_CODES
            }
        if self.export is not None:
            return {self.name: self.export(group)}
        value = getattr(group, self.field)
        if self.kind == "codes":
            text = " ".join(sorted(getattr(row, self.code) for row in value.all()))
        elif self.kind in {"text", "choice"}:
            text = value or ""
        elif self.kind == "date":
            text = value.isoformat() if value else ""
        elif self.kind == "time":
            text = value.strftime("%H:%M") if value else ""
        elif self.kind == "boolean":
            text = "true" if value else "false"
        else:  # integer, decimal
            text = "" if value is None else str(value)
        return {self.name: text}


def _place(key):
    return lambda group: place_fields(group)[key]


def _byday(group):
    if group.weekday is None:
        return ""
    return f"{group.week_of_month or ''}{WEEKDAYS[group.weekday].code}"


PLACE_FIELDS = ("municipality", "postal_code")

TABLE = [
    Column("id", kind="id", required=True, export=lambda group: str(group.pk)),
    Column("kind", "kind", "choice", required=True),
    Column("name", "name", translated=True, required=True),
    Column("alternate_name", editor=False),
    Column("slug", "slug", translated=True),
    Column("description", "summary", translated=True),
    Column("details", "description", translated=True),
    Column("url", editor=False),
    Column(
        "organization_id",
        kind="organisation",
        sets=("organisation",),
        export=lambda group: str(group.organisation_id),
    ),
    Column(
        "organization_name",
        kind="organisation",
        required=True,
        sets=("organisation",),
        reports=("organisation",),
        export=lambda group: group.organisation.name,
    ),
    Column(
        "organization_url", kind="organisation", export=lambda group: group.organisation.website
    ),
    Column("email", editor=False),
    Column("facilitation", "facilitation", "choice", required=True),
    Column("languages", "languages", "codes", required=True, code="code", lookup="languages"),
    Column("audiences", "audiences", "codes", code="slug", lookup="audiences"),
    Column("topics", "topics", "codes", code="slug", lookup="topics"),
    Column("attendance", "attendance", "choice", required=True),
    Column("location_name", "venue"),
    Column("address_1", "street_address"),
    Column(
        "postal_code",
        kind="place",
        sets=PLACE_FIELDS,
        reports=("postal_code",),
        export=_place("postal_code"),
    ),
    Column(
        "city_refnis",
        kind="place",
        sets=PLACE_FIELDS,
        reports=("municipality",),
        export=_place("city_refnis"),
    ),
    Column("city", read_only=True, export=_place("city")),
    Column("state_province", read_only=True, export=_place("state_province")),
    Column("region", read_only=True, export=_place("region")),
    Column("latitude", "latitude", "decimal"),
    Column("longitude", "longitude", "decimal"),
    Column("service_areas", "serves_regions", "codes", code="slug", lookup="regions"),
    Column("frequency", "frequency", "choice", required=True),
    Column(
        "byday",
        kind="byday",
        sets=("weekday", "week_of_month"),
        reports=("weekday", "week_of_month"),
        export=_byday,
    ),
    Column("start_time", "start_time", "time"),
    Column("duration_minutes", "duration_minutes", "integer", empty_keeps=True),
    Column("valid_from", "start_date", "date"),
    Column("valid_to", "end_date", "date"),
    Column("schedule_description", "schedule_note", translated=True),
    Column("next_session", editor=False),
    Column("fees", "cost", "choice", required=True),
    Column("fees_amount", "cost_amount", "decimal"),
    Column("fees_description", "cost_note", translated=True),
    Column("registration", "registration", "choice", required=True),
    Column("registration_url", "registration_url"),
    Column("registration_email", "registration_email"),
    Column("registration_phone", "registration_phone"),
    Column("application_process", editor=False),
    Column("status", "status", "choice", empty_keeps=True),
    Column("minimum_age", "min_age", "integer"),
    Column("maximum_age", "max_age", "integer"),
    Column("accessibility", "accessibility", translated=True),
    Column("assured_date", "last_verified", "date", empty_keeps=True),
    Column("published", "published", "boolean", read_only=True),
    Column("is_demo", "is_demo", "boolean", empty_keeps=True),
    Column(
        "last_modified",
        read_only=True,
        export=lambda group: group.updated_at.isoformat() if group.updated_at else "",
    ),
]
COLUMNS = {column.name: column for column in TABLE}
EDITOR_COLUMNS = [column for column in TABLE if column.editor]

# The public open-data CSV, in its order, under the same names: one text per column, in the
# visitor's language (its values: opendata.flatten).
OPEN_DATA = [
    COLUMNS[name]
    for name in (
        "id",
        "name",
        "alternate_name",
        "kind",
        "description",
        "url",
        "organization_name",
        "organization_url",
        "email",
        "languages",
        "attendance",
        "address_1",
        "postal_code",
        "city",
        "city_refnis",
        "state_province",
        "region",
        "latitude",
        "longitude",
        "audiences",
        "topics",
        "facilitation",
        "frequency",
        "byday",
        "start_time",
        "duration_minutes",
        "valid_from",
        "valid_to",
        "schedule_description",
        "next_session",
        "fees",
        "fees_description",
        "registration",
        "application_process",
        "status",
        "minimum_age",
        "maximum_age",
        "accessibility",
        "last_modified",
        "assured_date",
        "is_demo",
    )
]


def open_data_columns():
    """The header of the public open-data CSV."""
    return [column.name for column in OPEN_DATA]


def columns():
    """Every column of the editors' file, in the export's order."""
    return [name for column in EDITOR_COLUMNS for name in column.names()]


def required_columns():
    """The columns an imported file must have (of the per-language ones: the default's)."""
    names = []
    for column in EDITOR_COLUMNS:
        if column.required:
            names.append(
                f"{column.name}_{settings.LANGUAGE_CODE}" if column.translated else column.name
            )
    return names


# Written by the export for people reading the file; ignored by the import.
READ_ONLY = [column.name for column in EDITOR_COLUMNS if column.read_only]
# Plain columns: one model field each, parsed by kind.
SCALAR = [c for c in EDITOR_COLUMNS if c.kind in SCALAR_KINDS and not c.translated]
SCALAR_IMPORTED = [c for c in SCALAR if not c.read_only]
TRANSLATED = [c for c in EDITOR_COLUMNS if c.translated]
TRANSLATED_MODEL_FIELDS = {c.field for c in TRANSLATED}
CODE_LISTS = [c for c in EDITOR_COLUMNS if c.kind == "codes"]


def column_for_field():
    """Model field -> the column an error about it is reported under."""
    mapping = {c.field: c.name for c in SCALAR_IMPORTED}
    for column in TRANSLATED:
        for code in LANGUAGE_CODES:
            mapping[f"{column.field}_{code}"] = f"{column.name}_{code}"
    for column in EDITOR_COLUMNS:
        for model_field in column.reports:
            mapping[model_field] = column.name
    mapping.update({c.field: c.name for c in CODE_LISTS})
    return mapping
