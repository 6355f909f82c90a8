"""Group descriptions: sanitised HTML from the admin's editor, or older plain text.

Descriptions written before the rich-text editor are plain text (paragraphs separated by blank
lines). A value counts as HTML only when it contains a tag; anything else is plain text, shown
with its line breaks and never interpreted as markup.
"""

import re
from html.parser import HTMLParser

from django.utils.html import escape, linebreaks
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


# --- plain text for the CSV file (directory/csv/) ---------------------------------------------

_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "div"}
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_LIST_ITEM = re.compile(r"^[-*•] ")
# A link in plain text, as Markdown writes it: [text](https://…).
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?:https?://|mailto:|tel:)[^\s()<>\"]+)\)")


class _PlainText(HTMLParser):
    """The text of sanitised HTML: a paragraph per block, a "- " line per list item."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = []
        self.lines = []  # the current block's lines
        self.line = ""
        self.link = None  # (href, where its text starts in the line)

    def end_line(self):
        line = re.sub(r"\s+", " ", self.line).strip()
        if line:
            self.lines.append(line)
        self.line = ""

    def end_block(self):
        self.end_line()
        if self.lines:
            self.blocks.append("\n".join(self.lines))
        self.lines = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.end_block()
        elif tag == "li":
            self.end_line()
            self.line = "- "
        elif tag == "br":
            self.end_line()
        elif tag == "a" and dict(attrs).get("href"):
            self.link = (dict(attrs)["href"], len(self.line))

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.end_block()
        elif tag == "li":
            self.end_line()
        elif tag == "a" and self.link is not None:
            href, start = self.link
            text = self.line[start:].strip()
            if text:
                self.line = f"{self.line[:start]}[{text}]({href})"
            self.link = None

    def handle_data(self, data):
        self.line += data


def html_to_plain_text(value):
    """A description as plain text: paragraphs separated by a blank line, list items as "- "
    lines, links as [text](https://…). Headings become paragraphs, bold and italics plain
    text; plain_text_to_rich_html reads it back."""
    if not looks_like_html(value):
        return (value or "").replace("\r\n", "\n").strip()
    parser = _PlainText()
    parser.feed(value)
    parser.close()
    parser.end_block()
    return "\n\n".join(parser.blocks)


def plain_text_to_rich_html(value):
    """Plain text as sanitised HTML: a paragraph per block of lines (separated by a blank
    line), a list for a block whose every line starts with "- ", a link for [text](https://…).
    """
    blocks = _BLANK_LINE.split((value or "").replace("\r\n", "\n").strip())
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{_inline(line[2:].strip())}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{'<br>'.join(_inline(line) for line in lines)}</p>")
    return sanitise_html("".join(html))


def _inline(line):
    """One line of plain text as HTML: every character escaped, its links made links."""
    parts = []
    end = 0
    for match in _LINK.finditer(line):
        parts.append(escape(line[end : match.start()]))
        parts.append(f'<a href="{escape(match[2])}">{escape(match[1])}</a>')
        end = match.end()
    parts.append(escape(line[end:]))
    return "".join(parts)
