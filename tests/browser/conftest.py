"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import sync_playwright

from tests.factories import load_taxonomies_and_helplines, make_geography

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"],
    },
    "rules": {"target-size": {"enabled": True}},
}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-BE")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def live_data(transactional_db):
    make_geography()
    load_taxonomies_and_helplines()


def follow(locator):
    """Click a link or a submit button and wait for the page it leads to: a bare click can
    return before the new document has loaded, and what is read next (the URL, a heading,
    axe's scan) may then come from the old page or from a document being replaced."""
    with locator.page.expect_navigation(wait_until="load"):
        locator.click()


def axe_violations(page):
    """Run axe-core in the page (injected through the DevTools protocol, so the CSP holds)."""
    page.wait_for_load_state("load")
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def signed_in_page(browser, live_server, otp_login, settings, locale="en-GB"):
    """A browser page signed in to the admin as a verified superuser, collecting console
    errors and warnings (CSP reports among them)."""
    # The live server speaks plain HTTP: a __Host- cookie cannot be handed to the browser.
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.SESSION_COOKIE_SECURE = False
    from django.contrib.auth.models import User
    from django.test import Client

    user = User.objects.create_superuser("groups-editor", "editor@example.org", "x" * 16)
    client = Client()
    otp_login(client, user)
    context = browser.new_context(locale=locale)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else 0)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return context, page, problems


PASSWORD = "lantern orchard 7 mosaic"


@pytest.fixture
def editor(live_data, settings):
    """A staff user "lena" in the Editor group, with a confirmed TOTP device: (user, device)."""
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The live server speaks plain HTTP: keep the cookies usable there.
    settings.SESSION_COOKIE_NAME = "sessionid"
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    user = User.objects.create_user("lena", "lena@example.org", PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user, device


def editor_page(browser, live_server, editor, otp_login, settings, locale):
    """Lena (the `editor` fixture) signed in, in a browser of `locale`, 1280 px wide:
    (context, page, her session key)."""
    from django.test import Client

    user, _device = editor
    client = Client()
    otp_login(client, user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page, cookie.value


def current_code(device):
    from django_otp.oath import totp

    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def fill_sign_in(page, code, password=PASSWORD):
    page.fill("#id_username", "lena")
    page.fill("#id_password", password)
    page.fill("#id_otp_token", code)
    page.locator("#login-form input[type=submit]").click()
