"""`{% group_card_items groups %}`: the groups' result cards, their fixed parts kept in the cache.

A card is two parts that depend only on the group and the page's language, rendered from
templates/directory/card/ ("head": badges, name, summary; "facts": when it meets, for whom,
languages, cost), around the lines that depend on the visitor's query ("Where", with "serves
your area", and the distance), which are written here on every request.

Inside a list whose view loaded `group_cards` (directory.cards), the parts come from the
cache when they are there, else they are rendered and handed back to be stored. Anywhere else
(an article's related groups) they are simply rendered. Composing the card here rather than
through an included template is what makes a cached card cost almost nothing (a page of
twenty cards was a fifth of the list's time).
"""

from django import template
from django.template.loader import get_template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from healing_together.templatetags.ht import distance

from ..cards import PART_TEMPLATES, GroupCards

register = template.Library()


def part(cards, group, name):
    html = cards.part(group, name) if cards is not None else None
    if html is None:
        html = get_template(PART_TEMPLATES[name]).render({"group": group})
        if cards is not None:
            cards.keep(group, name, html)
    return html


def where(group):
    """Where it meets: the municipality (and "and online" for a hybrid group), else online,
    with "serves your area" when it was listed for a visitor's place (`proximity` 3)."""
    if group.in_person and group.municipality:
        if group.attendance == group.Attendance.HYBRID:
            return format_html("{} {}", group.municipality.name, gettext("and online"))
        return group.municipality.name
    if getattr(group, "proximity", None) == 3:
        return format_html("{} · {}", gettext("Online"), gettext("serves your area"))
    return gettext("Online")


class CardWriter:
    """Writes result cards in one language: the words every card shares, translated once."""

    def __init__(self, cards):
        self.cards = cards
        self.where_label = conditional_escape(gettext("Where"))
        self.distance_label = conditional_escape(gettext("Distance"))

    def card(self, group):
        km = group.distance_km
        measured = (
            ""
            if km is None
            else f'<dt>{self.distance_label}</dt><dd class="distance">'
            f"{conditional_escape(distance(km))}</dd>\n    "
        )
        return (
            f'<article class="group-card">\n  {part(self.cards, group, "head")}\n'
            f'  <dl class="facts">\n    <dt>{self.where_label}</dt>\n'
            f"    <dd>{conditional_escape(where(group))}</dd>\n"
            f"    {measured}{part(self.cards, group, 'facts')}\n  </dl>\n</article>"
        )


@register.simple_tag(takes_context=True)
def group_card_items(context, groups):
    """The `<li>` of each group's card, written in one pass (a page of twenty cards through
    the template engine, one tag each, cost a tenth of the list page). On the group list the
    cards' fixed parts come from `group_cards` in the context; elsewhere (an article's related
    groups) they are rendered."""
    writer = CardWriter(context.get(GroupCards.context_name))
    items = "".join(f"\n        <li>{writer.card(group)}</li>" for group in groups)
    return mark_safe(items)  # noqa: S308 - every part is escaped or rendered
