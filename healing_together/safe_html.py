"""Sanitising editor-written rich text.

Editors never write HTML by hand, but what the rich-text editor (or a paste) produces is stored
only after this allow-list has removed everything else: no script, no event handler, no style,
no embedded content. The same function runs when content is loaded from fixtures.
"""

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "b", "i",
    "blockquote", "q", "cite", "abbr", "a", "span", "sub", "sup", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "abbr": {"title"},
    "*": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise_html(value):
    """Return `value` with only the allowed tags, attributes and link schemes."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    ).strip()
