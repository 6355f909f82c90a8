"""What a visitor does, in a real browser."""

import re

from directory.models import Municipality
from tests.factories import make_group, make_network

from .conftest import follow


def test_french_visitor_filters_opens_a_group_and_switches_to_dutch(page, live_server, live_data):
    group = make_group(
        name_nl="Mantelzorgcafé Elsene",
        name_fr="Café des aidants Ixelles",
        name_en="Caregivers café Ixelles",
        audiences=["caregivers"],
        municipality=Municipality.objects.get(code="21009"),
        postal_code="1050",
    )
    make_group(
        name_fr="Groupe de parents Anvers",
        audiences=["parents"],
        municipality=Municipality.objects.get(code="11002"),
        postal_code="2000",
    )
    page.goto(f"{live_server.url}/fr/groupes/")
    page.get_by_label(re.compile("^Région de Bruxelles-Capitale")).check()
    page.get_by_label(re.compile("^Aidants proches")).check()
    follow(page.get_by_role("button", name="Appliquer les filtres"))
    assert "region=brussels" in page.url
    assert "audience=caregivers" in page.url
    assert page.locator("#results-count").inner_text().startswith("1 ")
    follow(page.get_by_role("link", name="Café des aidants Ixelles"))
    assert page.url.endswith(f"/fr/groupes/{group.slug_fr}/")
    follow(page.locator(".language-switcher").get_by_role("link", name="Nederlands"))
    assert page.url.endswith(f"/nl/groepen/{group.slug_nl}/")
    assert page.locator("h1").inner_text() == "Mantelzorgcafé Elsene"


def test_switching_language_keeps_the_filters(page, live_server, live_data):
    page.goto(f"{live_server.url}/fr/groupes/?audience=caregivers&kind=support")
    follow(page.locator(".language-switcher").get_by_role("link", name="English"))
    assert page.url.endswith("/en/groups/?audience=caregivers&kind=support")
    assert page.get_by_label(re.compile("^Caregivers")).is_checked()


def test_postcode_1050_on_the_networks_page(page, live_server, live_data):
    make_network(name="Réseau bruxellois adultes", municipality_codes=["21004", "21009"])
    make_network(name="Bru-Stars", kind="youth", municipality_codes=["21004", "21009"])
    page.goto(f"{live_server.url}/fr/reseaux/")
    page.get_by_label("Code postal ou commune").fill("1050")
    follow(page.get_by_role("button", name="Trouver mon réseau"))
    found = page.locator(".found")
    assert "Réseau bruxellois adultes" in found.inner_text()
    assert "Bru-Stars" in found.inner_text()


def test_the_filter_form_works_without_javascript(browser, live_server, live_data):
    make_group(name_en="Online grief circle", attendance="online", topics=["grief"])
    make_group(name_en="Anxiety group", topics=["anxiety"])
    context = browser.new_context(java_script_enabled=False, locale="en")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/en/groups/")
        page.get_by_label(re.compile("^Grief")).check()
        follow(page.get_by_role("button", name="Apply filters"))
        assert "topic=grief" in page.url
        cards = page.locator(".group-card h3")
        assert cards.all_inner_texts() == ["Online grief circle"]
    finally:
        context.close()
