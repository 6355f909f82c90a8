"""The database-down page in a real browser: accessible, and nothing from another host."""

from tests.healing_together.test_resilience import database_down

from .conftest import axe_violations


def test_the_503_page_is_accessible_in_every_language(browser, live_server, transactional_db):
    other_hosts = []
    context = browser.new_context()
    page = context.new_page()
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else other_hosts.append(request.url)
        ),
    )
    with database_down():
        for path in ("/nl/groepen/", "/fr/groupes/", "/en/groups/"):
            response = page.goto(live_server.url + path)
            assert response.status == 503
            assert page.locator("h1").count() == 1
            assert axe_violations(page) == [], path
    context.close()
    assert other_hosts == []
