"""`{% group_card group %}`: a group's result card, its fixed parts kept in the cache.

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
from django.utils.html import format_html
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


@register.simple_tag(takes_context=True)
def group_card(context, group):
    cards = context.get(GroupCards.context_name)
    km = group.distance_km
    return format_html(
        '<article class="group-card">\n  {}\n  <dl class="facts">\n    <dt>{}</dt>\n'
        "    <dd>{}</dd>\n    {}{}\n  </dl>\n</article>",
        part(cards, group, "head"),
        gettext("Where"),
        where(group),
        ""
        if km is None
        else format_html(
            '<dt>{}</dt><dd class="distance">{}</dd>\n    ', gettext("Distance"), distance(km)
        ),
        part(cards, group, "facts"),
    )
