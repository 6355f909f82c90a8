"""Every public page of the sitemap, in every language, has no axe-core violation."""

import urllib.request

import pytest

from tests.factories import make_group, make_network
from tests.sitemap import sitemap_urls

from .conftest import axe_violations


@pytest.fixture
def pages(live_server, live_data):
    make_group(audiences=["caregivers"], topics=["grief"], languages=["nl", "ar"], is_demo=True)
    make_group(attendance="online", kind="therapy", frequency="monthly", week_of_month=2)
    make_network()
    with urllib.request.urlopen(f"{live_server.url}/sitemap.xml") as response:  # noqa: S310
        urls = sitemap_urls(response.read().decode())
    # A few states that the sitemap does not list: filters, an empty result, a 404.
    extra = [
        "/fr/groupes/?audience=caregivers&postcode=1050",
        "/nl/groepen/?audience=parents&postcode=1050",
        "/en/networks/?postcode=1050",
        "/en/groups/?page=2&kind=bad",
        "/nl/bestaat-niet/",
    ]
    return urls + [live_server.url + path for path in extra]


def test_no_axe_violation_on_any_public_page(page, pages):
    failures = {}
    assert len(pages) > 25
    for url in pages:
        page.goto(url)
        violations = axe_violations(page)
        if violations:
            failures[url] = violations
    assert failures == {}


def test_focus_is_visible_and_skip_link_works(page, live_server, live_data):
    page.goto(f"{live_server.url}/nl/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_no_request_leaves_the_site(page, live_server, live_data):
    make_group()
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    for path in ("/nl/", "/fr/groupes/", "/en/help-now/"):
        page.goto(live_server.url + path)
    assert hosts == {live_server.url.split("/")[2]}
