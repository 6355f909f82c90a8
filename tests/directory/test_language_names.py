"""Languages spoken show their own name (endonym) beside the page's name for them, marked
with `lang` and `dir`: in the group list's language filter, on the cards and on a group page."""

import re

import pytest
from django.utils import translation

from directory.models import SpokenLanguage
from healing_together.i18n import endonym, text_direction
from tests.factories import make_group

pytestmark = pytest.mark.django_db

ARABIC = '<span lang="ar" dir="rtl">العربية</span>'


def filter_label(html, code):
    match = re.search(rf'<label for="f-language-{code}">(.*?)</label>', html, re.S)
    assert match, f"no filter option for {code}"
    return match[1]


def language_facts(html):
    match = re.search(r"<dt>[^<]*</dt>\s*<dd>([^\n]*?(?:Nederlands|Dutch)[^\n]*?)</dd>", html)
    assert match, "no languages on the page"
    return match[1]


@pytest.mark.parametrize(
    ("path", "name"),
    [("/en/groups/", "Arabic"), ("/nl/groepen/", "Arabisch"), ("/fr/groupes/", "Arabe")],
)
def test_the_language_filter_shows_the_endonym_with_lang_and_dir(client, reference, path, name):
    make_group(languages=["ar", "nl"])
    html = client.get(path).content.decode()
    # Inside the label: a screen reader reads both names with the checkbox.
    assert filter_label(html, "ar") == f'{ARABIC} — {name} <span class="count">(1)</span>'


def test_a_left_to_right_endonym_says_so(client, reference):
    make_group(languages=["uk"])
    label = filter_label(client.get("/en/groups/").content.decode(), "uk")
    assert label.startswith('<span lang="uk" dir="ltr">Українська</span> — Ukrainian ')


@pytest.mark.parametrize(
    ("path", "code", "name"),
    [("/nl/groepen/", "nl", "Nederlands"), ("/fr/groupes/", "fr", "Français")],
)
def test_an_endonym_equal_to_the_page_s_name_is_shown_once(client, reference, path, code, name):
    make_group(languages=[code])
    label = filter_label(client.get(path).content.decode(), code)
    assert label == f'{name} <span class="count">(1)</span>'


def test_a_language_without_endonym_shows_its_name_only(client, reference):
    make_group(languages=["sgn"])
    label = filter_label(client.get("/en/groups/").content.decode(), "sgn")
    assert label == 'Sign language (VGT, LSFB) <span class="count">(1)</span>'


def test_a_card_and_a_group_page_show_the_endonyms(client, reference):
    group = make_group(languages=["nl", "ar"])
    card = language_facts(client.get("/en/groups/").content.decode())
    assert card == f'<span lang="nl" dir="ltr">Nederlands</span> — Dutch, {ARABIC} — Arabic'
    with translation.override("nl"):
        url = group.get_absolute_url()
    page = language_facts(client.get(url).content.decode())
    assert page == f"Nederlands, {ARABIC} — Arabisch"


def test_an_editor_s_new_endonym_shows_at_once(client, reference):
    make_group(languages=["ar"])
    client.get("/en/groups/")  # the options are now cached
    arabic = SpokenLanguage.objects.get(code="ar")
    arabic.native_name = "عربي"
    arabic.save()
    label = filter_label(client.get("/en/groups/").content.decode(), "ar")
    assert label.startswith('<span lang="ar" dir="rtl">عربي</span> — Arabic ')


@pytest.mark.parametrize(
    ("code", "direction"),
    [("ar", "rtl"), ("fa", "rtl"), ("prs", "rtl"), ("ps", "rtl"), ("he", "rtl"), ("ur", "rtl")]
    + [("ckb", "rtl"), ("ug", "rtl"), ("nl", "ltr"), ("ku", "ltr"), ("ti", "ltr"), ("zgh", "ltr")],
)
def test_text_direction(code, direction):
    assert text_direction(code) == direction


def test_every_rtl_language_in_the_reference_data_is_marked_rtl(reference):
    rtl = {lang.code for lang in SpokenLanguage.objects.all() if text_direction(lang.code) == "rtl"}
    assert rtl == {"ar", "fa", "ps"}


def test_endonym_is_empty_when_missing_or_the_same():
    assert endonym("nl", "Nederlands", "nederlands") == {}
    assert endonym("sgn", "", "Sign language") == {}
    assert endonym("tr", "Türkçe", "Turkish") == {"endonym": "Türkçe", "lang": "tr", "dir": "ltr"}
