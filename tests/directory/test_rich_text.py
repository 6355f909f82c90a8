"""Descriptions as plain text for the CSV file, and back (directory/rich_text.py)."""

import pytest

from directory.rich_text import html_to_plain_text, plain_text_to_rich_html

HTML = (
    "<h2>Voor wie</h2><p>Iedereen &amp; <a href='https://example.org'>iedereen</a>"
    "<br>een tweede regel</p><ul><li>één</li><li><strong>twee</strong></li></ul>"
)
TEXT = "Voor wie\n\nIedereen & [iedereen](https://example.org)\neen tweede regel\n\n- één\n- twee"


def test_html_becomes_paragraphs_and_dash_lines():
    assert html_to_plain_text(HTML) == TEXT
    assert html_to_plain_text("Al platte tekst\r\n\r\nTwee") == "Al platte tekst\n\nTwee"
    assert html_to_plain_text("") == ""


def test_plain_text_becomes_sanitised_html_and_reads_back_the_same():
    html = plain_text_to_rich_html(TEXT)
    assert html == (
        '<p>Voor wie</p><p>Iedereen &amp; <a href="https://example.org">iedereen</a><br>'
        "een tweede regel</p>"
        "<ul><li>één</li><li>twee</li></ul>"
    )
    assert html_to_plain_text(html) == TEXT


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "a < b & c > d"])
def test_plain_text_is_escaped(text):
    html = plain_text_to_rich_html(text)
    assert "<script" not in html
    assert html.startswith("<p>")


def test_links_keep_their_address_and_only_web_mail_and_phone_ones_become_links():
    html = '<p>Mail <a href="mailto:a@example.org?subject=x&amp;y=1">ons</a>, dank.</p>'
    text = html_to_plain_text(html)
    assert text == "Mail [ons](mailto:a@example.org?subject=x&y=1), dank."
    assert html_to_plain_text(plain_text_to_rich_html(text)) == text
    risky = plain_text_to_rich_html('[klik](javascript:alert(1)) en [x](https://e.org/"onclick)')
    assert "<a" not in risky  # neither a script nor an address with a quote in it
