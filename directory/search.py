"""Free-text search: the one place for how words are stored and matched.

A group's stored search text is a string of tokens, " token token … ", built by `document`:
every word of its texts (in every site language, and the names and aliases of its audiences,
topics and languages, its kind, attendance and place) is kept folded (lower case, no accents:
`healing_together.text.fold`) and as its Dutch, French and English Snowball stems.

A query word matches a group when its folded form starts a stored token ("théra" finds
"thérapie", "rouw" finds "rouwgroep" but not "vrouwen"), or, from MIN_INFIX letters on, appears
inside one (Dutch compounds: "angst" finds "faalangst", "groep" finds "praatgroep"), or when one
of its stems is a stored token ("eenzaamheid" and "eenzaam" share the stem "eenzaam").
Every word must match.
Both are plain `__contains` lookups on a TextField: the same answers on SQLite and PostgreSQL.
"""

import functools
import re

import snowballstemmer
from django.conf import settings
from django.db.models import Q
from django.utils import translation
from django.utils.html import strip_tags

from healing_together.i18n import every_translation
from healing_together.text import fold

STEMMERS = {
    "nl": snowballstemmer.stemmer("dutch"),
    "fr": snowballstemmer.stemmer("french"),
    "en": snowballstemmer.stemmer("english"),
}
WORD = re.compile(r"[^\W_]+")
# Stems shorter than this say too little to match on ("a", "l'" …).
MIN_STEM = 3
# A query word this long may match inside a stored word; a shorter one only at its start.
MIN_INFIX = 5
MAX_WORDS = 10
ALIAS_SEPARATORS = re.compile(r"[\n,;]+")


def words(text):
    return WORD.findall((text or "").lower())


@functools.lru_cache(maxsize=100_000)
def stems(word):
    """The folded Snowball stems of a lower-case word, in Dutch, French and English."""
    found = set()
    for stemmer in STEMMERS.values():
        for variant in {word, fold(word)}:
            stem = fold(stemmer.stemWord(variant))
            if len(stem) >= MIN_STEM:
                found.add(stem)
    return frozenset(found)


def tokens(text):
    """Every word of `text`, folded and stemmed."""
    found = set()
    for word in words(text):
        found.add(fold(word))
        found.update(stems(word))
    return found


def document(texts):
    """The stored form of some texts: " token token … " (each token once)."""
    found = set()
    for text in texts:
        found.update(tokens(text))
    return f" {' '.join(sorted(found))} " if found else ""


def query_words(text):
    """[(folded word, its stems)] of a visitor's query (at most MAX_WORDS words)."""
    return [(fold(word), stems(word)) for word in words(text)[:MAX_WORDS]]


def _fragment(folded):
    return folded if len(folded) >= MIN_INFIX else f" {folded}"


def _word_condition(field, folded, word_stems):
    fragment = _fragment(folded)
    condition = Q(**{f"{field}__contains": fragment})
    for stem in word_stems:
        if fragment not in f" {stem} ":  # else the fragment's own test already finds it
            condition |= Q(**{f"{field}__contains": f" {stem} "})
    return condition


def condition(field, text):
    """Q: every word of `text` matches the tokens stored in `field` (an empty Q for no words)."""
    result = Q()
    for folded, word_stems in query_words(text):
        result &= _word_condition(field, folded, word_stems)
    return result


def matches(text, stored, every=True):
    """The same rule as `condition`, in Python, for a document made by `document`.

    `every=False`: any one of the words is enough (to suggest filters for some of them);
    words shorter than MIN_STEM ("de", "en") are then left out, as they start too many words.
    """
    found = [
        _fragment(folded) in stored or any(f" {stem} " in stored for stem in word_stems)
        for folded, word_stems in query_words(text)
        if every or len(folded) >= MIN_STEM
    ]
    return bool(found) and (all(found) if every else any(found))


# --- What is stored for a group ----------------------------------------------------------------


def split_aliases(text):
    """An editor's aliases, one per line or comma-separated, as a list."""
    return [alias.strip() for alias in ALIAS_SEPARATORS.split(text or "") if alias.strip()]


def term_texts(term):
    """An audience's or topic's names and aliases, in every language."""
    return [*every_translation(term, "name"), *every_translation(term, "aliases")]


def language_texts(language):
    return [*every_translation(language, "name"), language.native_name or ""]


def choice_texts(choices, value):
    """A choice's label (Group.Kind, Group.Attendance …) in every site language."""
    if value not in choices.values:
        return []
    label = choices(value).label
    texts = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.append(str(label))
    return texts


def place_texts(municipality):
    if municipality is None:
        return []
    texts = every_translation(municipality, "name")
    for area in (municipality.province, municipality.region):
        if area is not None:
            texts += every_translation(area, "name")
    return texts


def group_documents(group, audiences, topics, languages):
    """(search_text, search_names) of a group, with its audiences, topics and languages.

    `search_names` holds its name and its audiences' and topics' names and aliases: a match
    there ranks the group above a match only in its description.
    """
    names = every_translation(group, "name")
    for term in (*audiences, *topics):
        names += term_texts(term)
    everything = [
        *names,
        *every_translation(group, "summary"),
        *(strip_tags(text) for text in every_translation(group, "description")),
        group.organisation.name if group.organisation_id else "",
        group.venue,
        group.postal_code,
        *place_texts(group.municipality if group.municipality_id else None),
        *(text for language in languages for text in language_texts(language)),
        *choice_texts(type(group).Kind, group.kind),
        *choice_texts(type(group).Attendance, group.attendance),
    ]
    return document(everything), document(names)
