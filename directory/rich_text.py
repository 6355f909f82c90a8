"""Group descriptions: sanitised HTML from the admin's editor, or older plain text.

Descriptions written before the rich-text editor are plain text (paragraphs separated by blank
lines). A value counts as HTML only when it contains a tag; anything else is plain text, shown
with its line breaks and never interpreted as markup.
"""

import re

from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from healing_together.safe_html import sanitise_html

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def looks_like_html(value):
    return bool(value) and _TAG.search(value) is not None


def plain_text_to_html(value):
    """Plain text as paragraphs (blank lines) and line breaks, with every character escaped."""
    return str(linebreaks(value or "", autoescape=True))


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def as_html(value, heading_shift=0):
    """What a description shows on the public site: safe HTML, whichever way it was stored.

    `heading_shift` moves headings down (1: h2 becomes h3) to fit under the page's own.
    """
    if not value:
        return ""
    if not looks_like_html(value):
        return mark_safe(plain_text_to_html(value))  # noqa: S308 - every character escaped
    # Sanitised when saved; sanitised again here in case it was written some other way.
    html = sanitise_html(value)
    if heading_shift:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{min(6, int(m[2]) + heading_shift)}", html)
    return mark_safe(html)  # noqa: S308 - the output of the nh3 allow-list


def clean_rich_text(value):
    """What the admin stores: HTML through the allow-list; plain text becomes paragraphs."""
    value = (value or "").strip()
    if not value:
        return ""
    if not looks_like_html(value):
        value = plain_text_to_html(value)
    cleaned = sanitise_html(value)
    # The editor leaves "<p></p>" in an empty field: store an empty value instead.
    if not re.sub(r"<[^>]*>|&nbsp;|\s", "", cleaned):
        return ""
    return cleaned
