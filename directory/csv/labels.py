"""What an editor reads in the groups' CSV: headers and values in the admin's language.

The export writes each column under the label the group's form gives its field ("Naam [nl]",
"Begeleid door"), and each choice, language, audience, topic and region by its name, in the
editor's language. The import reads a header or a value in any of the site's languages, and
the column names and codes of older files (`name_nl`, `weekly`, `nl fr`) too.
"""

import functools
import re

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from directory.csv.table import COLUMNS, EDITOR_COLUMNS
from directory.models import Group
from healing_together.i18n import LANGUAGE_CODES

# Columns that are not one field of the group's form, or whose field label would mislead (no
# label holds a comma or a semicolon, either of which can separate the file's cells).
COLUMN_LABELS = {
    "id": _("id"),
    "organization_id": _("organisation id"),
    "organization_name": _("organisation"),
    "organization_url": _("organisation website"),
    "city_refnis": _("municipality code (REFNIS)"),
    "city": _("municipality"),
    "state_province": _("province"),
    "region": _("region"),
    "byday": _("day (MO to SU or 2TU for the second Tuesday)"),
    "last_modified": _("last modified"),
}
# Between the names of a cell with several languages, audiences, topics or regions: no name
# holds a semicolon ("Perzisch (Farsi, Dari)" holds a comma).
VALUES_SEPARATOR = "; "
_SPACES = re.compile(r"\s+")
# Words editors write for a choice besides its label, in the three languages.
ALIASES = {
    "frequency": {
        "weekly": ("wekelijks", "hebdomadaire", "weekly"),
        "fortnightly": ("tweewekelijks", "om de 14 dagen", "toutes les 2 semaines"),
        "monthly": ("maandelijks", "mensuel", "mensuelle", "monthly"),
    },
    "attendance": {
        "in_person": ("in persoon", "fysiek", "en personne", "en présentiel", "présentiel"),
        "online": ("en ligne", "virtueel"),
        "hybrid": ("hybride", "hybrid"),
    },
}


def normalised(text):
    """A header or value as the import compares it: case, spaces and apostrophes aside."""
    return _SPACES.sub(" ", str(text).replace("’", "'")).strip().casefold()


def column_label(name):
    """The label of one column of the file (`name_nl`: "Naam [nl]"), in the active language."""
    stem, _sep, code = name.rpartition("_")
    if code in LANGUAGE_CODES and stem in COLUMNS and COLUMNS[stem].translated:
        field = Group._meta.get_field(f"{COLUMNS[stem].field}_{code}")
        return str(capfirst(field.verbose_name))
    if name in COLUMN_LABELS:
        return str(capfirst(COLUMN_LABELS[name]))
    column = COLUMNS[name]
    field = Group._meta.get_field(column.field or (column.reports or column.sets)[0])
    return str(capfirst(field.verbose_name))


def header():
    """The export's header row, in the active language."""
    return [column_label(name) for column in EDITOR_COLUMNS for name in column.names()]


@functools.cache
def header_names():
    """{normalised header: column name}: every language's labels and the column names."""
    names = {}
    for column in EDITOR_COLUMNS:
        for name in column.names():
            names[normalised(name)] = name
    for code in LANGUAGE_CODES:
        with translation.override(code):
            for column in EDITOR_COLUMNS:
                for name in column.names():
                    names.setdefault(normalised(column_label(name)), name)
    return names


def choices(model_field):
    """[(code, label in the active language)] of a choice field."""
    return [(code, str(label)) for code, label in Group._meta.get_field(model_field).choices]


@functools.cache
def choice_values(model_field):
    """{normalised code, label or alias, in any language: code} of a choice field."""
    values = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            for value, label in choices(model_field):
                values.setdefault(normalised(label), value)
    for value, words in ALIASES.get(model_field, {}).items():
        values.update({normalised(word): value for word in words})
    values.update({normalised(value): value for value, _label in choices(model_field)})
    return values


def choice_label(model_field, value):
    return dict(choices(model_field)).get(value, value or "")


def yes_no(value):
    return str(_("yes") if value else _("no"))


@functools.cache
def boolean_values():
    """{normalised word: bool}: yes and no in every language."""
    values = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            values[normalised(_("yes"))] = True
            values[normalised(_("no"))] = False
    return values


def term_name(obj, code_attribute):
    """A language's, audience's, topic's or region's name in the active language (else code)."""
    language = translation.get_language() or LANGUAGE_CODES[0]
    return getattr(obj, f"name_{language[:2]}", "") or getattr(obj, code_attribute)


def term_values(objects, code_attribute):
    """{normalised code or name, in any language: pk}."""
    values = {}
    for obj in objects:
        for code in LANGUAGE_CODES:
            name = getattr(obj, f"name_{code}", "")
            if name:
                values.setdefault(normalised(name), obj.pk)
    for obj in objects:
        values[normalised(getattr(obj, code_attribute))] = obj.pk
    return values
