"""Two versions of an object, compared as an editor reads them.

Each field by its label (in the editor's language), each value as the form shows it: a
choice by its label ("maandag", not 1), yes or no, a related object by its name, dates and
times in local time without seconds' fractions, codes (audiences, topics…) by their names,
and rich text as plain text. The history list shows the fields that changed, long texts
by the passages that changed; the side-by-side view shows every field.
"""

import difflib
import html
import re
from dataclasses import dataclass

import nh3
from django.db import models
from django.utils import formats, timezone
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from modeltranslation.translator import NotRegistered, translator

from healing_together.history import m2m_fields, recorded_m2m, restored_from, version_fields

# A text longer than this (in characters) is summarised by the passages that changed.
LONG_TEXT = 160
# Words kept on each side of a changed passage.
CONTEXT_WORDS = 6
# Passages shown at most; the rest are counted.
MAX_PASSAGES = 3

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(p|h[1-6]|li|blockquote)>|<hr\s*/?>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<li\b[^>]*>", re.IGNORECASE)


@dataclass
class Change:
    label: str
    old: str
    new: str
    changed: bool


def html_to_text(value):
    """Rich text as the words a person reads: no tags, paragraphs on their own lines."""
    if not value or not _TAG.search(value):
        return value or ""
    value = _LIST_ITEM.sub("\n• ", _BLOCK_END.sub("\n", value))
    text = html.unescape(nh3.clean(value, tags=set()))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def empty():
    return gettext("(empty)")


class Reader:
    """The values of one model's versions, as text; related names are looked up once."""

    def __init__(self, history_model):
        self.history_model = history_model
        # A translated field once per language ("Naam [nl]"), not also as the bare field
        # that django-modeltranslation keeps beside them.
        bare = translated_originals(history_model.instance_type)
        self.fields = [f for f in version_fields(history_model) if f.name not in bare]
        self.m2m = m2m_fields(history_model)
        self._names = {}

    def name_of(self, model, pk):
        key = (model._meta.label, pk)
        if key not in self._names:
            obj = model._base_manager.filter(pk=pk).first()
            self._names[key] = str(obj) if obj is not None else gettext("deleted (%s)") % pk
        return self._names[key]

    def value(self, field, value):
        if value is None or value == "":
            return empty()
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(field, models.BooleanField):
            return gettext("Yes") if value else gettext("No")
        if isinstance(field, models.ForeignKey):
            return self.name_of(field.related_model, value)
        if isinstance(field, models.DateTimeField):
            return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(field, models.DateField):
            return formats.date_format(value, "DATE_FORMAT")
        if isinstance(field, models.TimeField):
            return formats.time_format(value, "TIME_FORMAT")
        if isinstance(field, models.TextField):
            return html_to_text(value) or empty()
        if isinstance(value, (int, float)) or hasattr(value, "quantize"):
            return formats.localize(value)
        return str(value)

    def codes(self, field, pks):
        if not pks:
            return empty()
        return ", ".join(sorted(self.name_of(field.related_model, pk) for pk in pks))

    def compare(self, older, newer):
        """[Change] for every field and code, `older` None for the first version."""
        result = []
        for field in self.fields:
            old = getattr(older, field.attname) if older is not None else None
            new = getattr(newer, field.attname)
            old_text, new_text = self.value(field, old), self.value(field, new)
            result.append(Change(label(field), old_text, new_text, old_text != new_text))
        old_codes = recorded_m2m(older) if older is not None else {}
        new_codes = recorded_m2m(newer)
        for field in self.m2m:
            old = self.codes(field, old_codes.get(field.name, set()))
            new = self.codes(field, new_codes.get(field.name, set()))
            result.append(Change(label(field), old, new, old != new))
        return result

    def changes(self, older, newer):
        """The changed fields only, long texts by the passages that changed."""
        found = []
        for change in self.compare(older, newer):
            if change.changed:
                change.old, change.new = summarise(change.old, change.new)
                found.append(change)
        return found


def translated_originals(model):
    try:
        return set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return set()


def label(field):
    return str(capfirst(field.verbose_name))


def summarise(old, new):
    """Short texts whole; long ones by the passages that changed, with a few words around."""
    if len(old) <= LONG_TEXT and len(new) <= LONG_TEXT:
        return old, new
    if old == empty() or new == empty():  # written or wiped: its first words
        return _first_words(old), _first_words(new)
    a, b = old.split(), new.split()
    groups = list(
        difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_grouped_opcodes(CONTEXT_WORDS)
    )
    old_parts, new_parts = [], []
    for group in groups[:MAX_PASSAGES]:
        old_parts.append(_passage(a, group[0][1], group[-1][2]))
        new_parts.append(_passage(b, group[0][3], group[-1][4]))
    old_text, new_text = " ".join(old_parts), " ".join(new_parts)
    more = len(groups) - MAX_PASSAGES
    if more > 0:
        note = ngettext("(and %(count)d more change)", "(and %(count)d more changes)", more) % {
            "count": more
        }
        new_text = f"{new_text} {note}"
    return old_text or empty(), new_text or empty()


def _first_words(text):
    return Truncator(" ".join(text.split())).words(CONTEXT_WORDS * 4, truncate="…")


def _passage(words, start, end):
    text = " ".join(words[start:end])
    if start > 0:
        text = f"…{text}"
    if end < len(words):
        text = f"{text}…"
    return text


def describe_reason(record):
    """A record's change reason as a sentence; a restore names the version it came from."""
    reason = record.history_change_reason or ""
    restore = restored_from(reason)
    if restore is None:
        return reason
    version_id, note = restore
    source = type(record).objects.filter(history_id=version_id).first()
    if source is None:
        sentence = gettext("Restored from an earlier version")
    else:
        when = formats.date_format(timezone.localtime(source.history_date), "DATETIME_FORMAT")
        sentence = gettext("Restored from the version of %(date)s") % {"date": when}
    return f"{sentence} — {note}" if note else sentence
