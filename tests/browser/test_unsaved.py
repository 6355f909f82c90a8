"""An editor in a Dutch browser never loses what she typed (issue 14 item 4): a draft kept in
the browser and offered back, a warning before the session ends, and a save after it ended
kept through the sign-in. Server side: tests/healing_together/test_unsaved.py."""

import os
import time

from django.contrib.sessions.backends.db import SessionStore

from healing_together import admin_site
from tests.factories import make_group

from .conftest import axe_violations, current_code, editor_page, fill_sign_in, follow

SCREENSHOTS = os.environ.get("HT_SCREENSHOTS")  # a folder: save what the test saw, to look at


def look(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"unsaved-{name}.png"), full_page=False)


def test_a_draft_is_kept_in_the_browser_and_offered_back(
    browser, live_server, editor, otp_login, settings
):
    from directory.models import Audience

    group = make_group(name_nl="Praatgroep Gent", audiences=["parents"])
    caregivers = str(Audience.objects.get(slug="caregivers").pk)
    context, page, _key = editor_page(browser, live_server, editor, otp_login, settings, "nl-BE")
    form_url = f"{live_server.url}/admin/directory/group/{group.pk}/change/"
    page.goto(form_url)
    page.fill("#id_name_nl", "Praatgroep Gent-Centrum")
    # A code chosen in the audiences picker (its arrow button moves it; no change event).
    page.select_option("#id_audiences_from", caregivers)
    page.click("#id_audiences_add")
    page.wait_for_timeout(1200)  # the draft is written after a short pause in typing
    page.goto(f"{live_server.url}/admin/")  # away without saving

    page.goto(form_url)
    offer = page.locator(".ht-draft-offer")
    offer.wait_for()
    assert "niet opgeslagen" in offer.inner_text()
    assert page.locator("#id_name_nl").input_value() == "Praatgroep Gent"
    assert axe_violations(page) == []
    look(page, "draft-offer")
    assert page.locator("#id_audiences_to option").count() == 1
    offer.get_by_role("button", name="Terugzetten").click()
    assert page.locator("#id_name_nl").input_value() == "Praatgroep Gent-Centrum"
    assert page.locator(f"#id_audiences_to option[value='{caregivers}']").count() == 1
    assert page.locator("#id_audiences_to option").count() == 2

    follow(page.locator("input[name=_save]"))
    group.refresh_from_db()
    assert group.name_nl == "Praatgroep Gent-Centrum"
    assert set(group.audiences.values_list("slug", flat=True)) == {"parents", "caregivers"}
    page.goto(form_url)  # saved: no draft is offered any more
    page.locator("#id_name_nl").wait_for()
    assert page.locator(".ht-draft-offer").count() == 0
    context.close()


def test_a_warning_comes_before_the_session_ends_and_a_click_keeps_it(
    browser, live_server, editor, otp_login, settings
):
    context, page, _key = editor_page(browser, live_server, editor, otp_login, settings, "nl-BE")
    page.clock.install()
    page.goto(f"{live_server.url}/admin/")
    notice = page.locator(".ht-session-notice")
    assert notice.is_hidden()
    # An hour and 56 minutes without touching anything.
    page.clock.fast_forward("01:56:00")
    notice.wait_for(state="visible")
    assert "afgemeld" in notice.inner_text()
    look(page, "idle-warning")
    assert axe_violations(page) == []
    with page.expect_response("**/admin/keepalive/") as answer:
        notice.get_by_role("button", name="Aangemeld blijven").click()
    assert answer.value.status == 200
    notice.wait_for(state="hidden")
    context.close()


def test_a_save_after_the_session_ended_keeps_the_typing_through_the_sign_in(
    browser, live_server, editor, otp_login, settings
):
    group = make_group(name_nl="Praatgroep Gent")
    context, page, key = editor_page(browser, live_server, editor, otp_login, settings, "nl-BE")
    page.goto(f"{live_server.url}/admin/directory/group/{group.pk}/change/")
    page.fill("#id_name_nl", "Praatgroep Gent, elke maandag")

    # Lena went to lunch: two hours and more without activity.
    session = SessionStore(session_key=key)
    session[admin_site.SESSION_LAST_SEEN] = int(time.time()) - 2 * 3600 - 60
    session.save()

    follow(page.locator("input[name=_save]"))
    assert "/admin/login/" in page.url
    assert "niet verloren" in page.locator(".messagelist").inner_text()
    group.refresh_from_db()
    assert group.name_nl == "Praatgroep Gent"

    fill_sign_in(page, current_code(editor[1]))
    page.wait_for_url("**/admin/unsaved/")
    assert "Praatgroep Gent" in page.locator("#content-main").inner_text()
    assert axe_violations(page) == []
    look(page, "kept-changes")
    follow(page.get_by_role("button", name="Mijn wijzigingen nu opslaan"))
    page.locator(".messagelist .success").wait_for()
    group.refresh_from_db()
    assert group.name_nl == "Praatgroep Gent, elke maandag"
    context.close()
