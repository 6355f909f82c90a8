"""The group list's result cards: the parts that depend only on the group, rendered once.

A card (`{% group_card_items %}`, directory/templatetags/directory_cards.py) has two parts that
depend only on the group and the page's language (templates/directory/card/): badges, name
and summary; when it meets, for whom, languages and cost. Those parts are kept in the cache
per group, language and content version (healing_together.cache: any change to a group, its
organisation, place or terms bumps it) and per version of the part templates. What depends
on the visitor's query (the "Where" line: "serves your area", the distance) stays outside
the parts and is written on every request.

"Next: Tuesday 3 December at 19:00" is computed from the current time, so a part showing it
is kept only until that session starts; after that the card is rendered again.

`GroupCards.load(groups, read_rest)` reads every card of a page in one round trip; for the
cards not found, `read_rest(missing)` reads the rest of their groups (the page was read with
only what the uncached "Where" line needs) with their terms and languages, a constant
number of queries whatever the page size, and only then; `save()`, after the page is
rendered, stores the parts rendered for them.
"""

import functools
import hashlib

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from healing_together.cache import content_version, versioned_copies

PART_TEMPLATES = {"head": "directory/card/_head.html", "facts": "directory/card/_facts.html"}
# Long enough for a busy list to be served from the cache; short enough that a deploy that
# changes only a translation (the template's own changes are in the key) shows within the hour.
CARD_SECONDS = 60 * 60


@functools.cache
def template_version():
    """A digest of the part templates' sources: a new card layout never meets old parts."""
    sources = (get_template(name).template.source for name in PART_TEMPLATES.values())
    return hashlib.sha256("\0".join(sources).encode()).hexdigest()[:12]


class GroupCards:
    """The cached parts of the cards of one page of groups, in the current language."""

    context_name = "group_cards"

    def __init__(self, language, version, now):
        self.language = language
        self.version = version
        self.now = now
        self.parts = {}  # {group pk: {part name: html}}, what the template shows
        self.fresh = {}  # {group pk: entry} rendered in this request, to store

    @classmethod
    def load(cls, groups, read_rest=None):
        """The parts found for `groups`; `read_rest(missing)` completes the groups whose parts
        must be rendered (GroupQuerySet.complete_for_cards)."""
        cards = cls(translation.get_language(), content_version.get(), timezone.now())
        keys = {group.pk: cards.key(group.pk) for group in groups}
        found = versioned_copies.get_many(list(keys.values())) if keys else {}
        missing = []
        for group in groups:
            entry = found.get(keys[group.pk])
            if entry is not None and cards.still_true(entry):
                cards.parts[group.pk] = entry["parts"]
            else:
                missing.append(group)
        if missing and read_rest is not None:
            read_rest(missing)
        for group in missing:
            # A part showing the next session is true until that session starts.
            cards.fresh[group.pk] = {"parts": {}, "until": group.next_session(cards.now)}
            cards.parts[group.pk] = cards.fresh[group.pk]["parts"]
        return cards

    def key(self, pk):
        return f"directory:card:{template_version()}:{self.language}:{self.version}:{pk}"

    def still_true(self, entry):
        return entry["until"] is None or self.now < entry["until"]

    def part(self, group, name):
        """The stored html of a part, or None when it must be rendered (and then `keep`)."""
        html = self.parts.get(group.pk, {}).get(name)
        return None if html is None else mark_safe(html)  # noqa: S308 - rendered by us

    def keep(self, group, name, html):
        if group.pk in self.fresh:  # entries found in the cache are shared: never changed
            self.fresh[group.pk]["parts"][name] = str(html)

    def save(self, *_response):
        """Store the parts rendered in this request (a post-render callback of the response)."""
        entries = {
            self.key(pk): entry
            for pk, entry in self.fresh.items()
            if entry["parts"] and (entry["until"] is None or self.now < entry["until"])
        }
        if entries:
            versioned_copies.set_many(entries, CARD_SECONDS)
        self.fresh = {}
