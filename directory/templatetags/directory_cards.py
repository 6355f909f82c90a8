"""`{% card_part "name" %}…{% endcard_part %}`: a part of a group's card kept in the cache.

Inside a loop over a page of groups whose view loaded `group_cards` (directory.cards), the
part is served from the cache when it is there, else rendered and handed back to be stored.
Anywhere else (an article's related groups) it is simply rendered.
"""

from django import template

from ..cards import GroupCards

register = template.Library()


class CardPartNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        cards = context.get(GroupCards.context_name)
        group = context.get("group")
        if cards is None or group is None:
            return self.nodelist.render(context)
        html = cards.part(group, self.name)
        if html is None:
            html = self.nodelist.render(context)
            cards.keep(group, self.name, html)
        return html


@register.tag("card_part")
def card_part(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError("{% card_part %} takes one quoted name.")
    nodelist = parser.parse(("endcard_part",))
    parser.delete_first_token()
    return CardPartNode(bits[1][1:-1], nodelist)
