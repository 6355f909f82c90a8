"""The frame's fragments ({% fragment %}: footer, main navigation) rendered once per process
must still follow the language, the view that marks its link as current, and the settings."""

import re

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def current_nav_links(html):
    nav = re.search(r'<nav class="main-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav)


def footer(html):
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)


@pytest.mark.parametrize(
    ("first", "then", "current"),
    [
        ("/nl/groepen/", "/nl/platformen/", "/nl/platformen/"),
        ("/nl/platformen/", "/nl/groepen/", "/nl/groepen/"),
        ("/nl/groepen/", "/nl/over-ons/", "/nl/over-ons/"),
    ],
)
def test_the_navigation_marks_the_page_it_is_on_after_another_page(client, first, then, current):
    assert client.get(first).status_code == 200
    assert current_nav_links(client.get(then).content.decode()) == [current]


def test_a_page_outside_the_navigation_marks_no_link_after_one_inside(client):
    client.get("/nl/groepen/")
    response = client.get("/nl/hulp-nu/")
    assert response.status_code == 200
    assert current_nav_links(response.content.decode()) == []


def test_the_footer_follows_the_language(client):
    dutch = footer(client.get("/nl/groepen/").content.decode())
    french = footer(client.get("/fr/groupes/").content.decode())
    assert "Nieuwsbrief" in dutch
    assert "Lettre d" in french
    assert 'href="/fr/' in french
    assert 'href="/nl/' not in french
    assert 'href="/nl/' in dutch
    assert 'href="/fr/' not in dutch


def test_the_footer_follows_a_change_of_settings(client):
    client.get("/en/")
    with override_settings(CONTACT_EMAIL="contact@example.org"):
        assert "contact@example.org" in footer(client.get("/en/").content.decode())
    assert "contact@example.org" not in footer(client.get("/en/").content.decode())
