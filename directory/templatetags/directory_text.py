"""Template filters for directory text on the public site."""

from django import template

from ..rich_text import as_html

register = template.Library()


@register.filter
def rich_text(value, heading_shift=0):
    """A description: sanitised HTML, or older plain text with its line breaks.

    `{{ text|rich_text:1 }}` moves its headings one level down, under the page's own h2.
    """
    try:
        shift = int(heading_shift)
    except (TypeError, ValueError):
        shift = 0
    return as_html(value, heading_shift=max(0, shift))
