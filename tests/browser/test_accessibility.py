"""Every public page of the sitemap, in every language, has no axe-core violation."""

import pytest

from tests.factories import make_article, make_group, make_network
from tests.sitemap import live_pages

from .conftest import axe_violations, follow


@pytest.fixture
def pages(live_server, live_data):
    make_group(audiences=["caregivers"], topics=["grief"], languages=["nl", "ar"], is_demo=True)
    make_group(attendance="online", kind="therapy", frequency="monthly", week_of_month=2)
    make_network()
    make_article(audiences=["caregivers"], topics=["grief"], references=2)
    make_article(languages=("fr",), audiences=["older-adults"])
    # A few states that the sitemap does not list: filters, an empty result, a 404.
    extra = [
        "/fr/groupes/?audience=caregivers&postcode=1050",
        "/nl/groepen/?audience=parents&postcode=1050",
        "/en/networks/?postcode=1050",
        "/en/groups/?page=2&kind=bad",
        "/nl/bestaat-niet/",
        "/en/articles/?untranslated=1",
        "/fr/articles/?audience=caregivers&topic=grief",
    ]
    return live_pages(live_server, *extra)


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


def test_no_axe_violation_in_any_state_of_the_newsletter(page, live_server, live_data):
    """The sitemap covers the newsletter page; these are its other states, in every language."""
    from django.urls import reverse
    from django.utils import translation

    from newsletter import tokens
    from tests.factories import make_subscriber

    failures = {}

    def check(label):
        violations = axe_violations(page)
        if violations:
            failures[f"{label} {page.url}"] = violations

    for language in ("nl", "fr", "en"):
        pending = make_subscriber(f"pending-{language}@example.be", language, confirmed=False)
        confirmed = make_subscriber(f"reader-{language}@example.be", language)
        with translation.override(language):
            subscribe = reverse("newsletter:subscribe")
            confirm = reverse("newsletter:confirm", args=[tokens.confirm_token(pending)])
            unsubscribe = reverse(
                "newsletter:unsubscribe", args=[tokens.unsubscribe_token(confirmed)]
            )
            states = {
                "thanks": reverse("newsletter:thanks"),
                "bad confirm link": reverse("newsletter:confirm", args=["bad-link"]),
                "bad unsubscribe link": reverse("newsletter:unsubscribe", args=["bad-link"]),
            }
        for label, path in states.items():
            page.goto(live_server.url + path)
            check(label)
        # The form with every error, then the full form opened from the footer.
        page.goto(live_server.url + subscribe)
        follow(page.locator("form.signup button[type=submit]"))
        check("form errors")
        page.locator("#footer-email").fill("someone@example.be")
        follow(page.locator(".footer-signup button"))
        check("from the footer")
        # Confirm, then the same link again (already used).
        page.goto(live_server.url + confirm)
        check("confirm")
        follow(page.locator("main form button"))
        check("confirmed")
        page.goto(live_server.url + confirm)
        check("link already used")
        # Unsubscribe, then the same link again (not subscribed).
        page.goto(live_server.url + unsubscribe)
        check("unsubscribe")
        follow(page.locator("main form button"))
        check("unsubscribed")
        page.goto(live_server.url + unsubscribe)
        check("not subscribed")
    assert failures == {}
