"""Typing is never lost: the session kept alive, its time left, a save after expiry kept through
the sign-in (healing_together/unsaved.py). The browser's own draft: tests/browser/test_unsaved.py.
"""

import re
import time
from html import unescape

import pytest
from django.contrib.auth.models import User
from django.test import Client

from healing_together import admin_site
from healing_together.unsaved import SESSION_KEPT_POST
from tests.directory.test_admin import form_data
from tests.factories import make_group, set_staff_session_times

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]


def idle_too_long(client):
    now = time.time()
    set_staff_session_times(client, now - 3 * 3600, now - 2 * 3600 - 5)


def hidden_fields(html):
    """[(name, value)] of the kept-changes page's hidden inputs, as a browser would post them."""
    return [
        (unescape(name), unescape(value))
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', html)
        if name != "csrfmiddlewaretoken"
    ]


def post_group_change(client, group, **changes):
    url = f"/admin/directory/group/{group.pk}/change/"
    data = form_data(client.get(url).context["adminform"].form, **changes)
    return url, data


def test_a_save_after_the_session_ended_is_kept_through_the_sign_in(
    admin_client, admin_user, reference, otp_login
):
    group = make_group(name_nl="Oude naam", name_fr="Ancien nom", name_en="Old name")
    url, data = post_group_change(
        admin_client, group, name_nl="Nieuwe naam", summary_nl="Een lange zin\nover twee regels."
    )
    idle_too_long(admin_client)

    response = admin_client.post(url, {**data, "_save": "Save"})

    # Nothing saved, the editor is sent to the sign-in page, then to the kept changes.
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/unsaved/"
    group.refresh_from_db()
    assert group.name_nl == "Oude naam"
    assert admin_client.session[SESSION_KEPT_POST]["path"] == url
    login_page = admin_client.get(response["Location"]).content.decode()
    assert "What you typed was not lost" in login_page

    otp_login(admin_client, admin_user)  # signing in keeps the session's data
    page = admin_client.get("/admin/unsaved/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Old name" in html  # the group, named as it is saved now (in English here)
    fields = hidden_fields(html)
    assert ("name_nl", "Nieuwe naam") in fields
    assert ("summary_nl", "Een lange zin\nover twee regels.") in fields

    # "Save my changes now" posts them to the form again, with a fresh token.
    saved = admin_client.post(url, dict_of_lists(fields))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    group.refresh_from_db()
    assert group.name_nl == "Nieuwe naam"
    assert group.summary_nl == "Een lange zin\nover twee regels."
    assert SESSION_KEPT_POST not in admin_client.session


def dict_of_lists(pairs):
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def test_kept_changes_are_only_given_back_to_the_person_who_typed_them(
    admin_client, reference, otp_login
):
    group = make_group(name_nl="Oude naam")
    url, data = post_group_change(admin_client, group, name_nl="Geheime wijziging")
    idle_too_long(admin_client)
    admin_client.post(url, data)

    someone_else = User.objects.create_superuser("colleague", "c@example.org", "x" * 16)
    otp_login(admin_client, someone_else)
    response = admin_client.get("/admin/unsaved/", follow=True)
    assert "Geheime wijziging" not in response.content.decode()
    assert "There are no unsaved changes waiting for you" in response.content.decode()


def test_a_form_posted_after_the_browser_was_closed_is_kept_too(admin_user, reference, otp_login):
    group = make_group(name_nl="Oude naam")
    editor = Client()
    otp_login(editor, admin_user)
    url, data = post_group_change(editor, group, name_nl="Na het sluiten")
    closed = Client()  # no session cookie any more; the CSRF check is off in the test client
    response = closed.post(url, data)
    assert response["Location"] == "/admin/login/?next=/admin/unsaved/"
    otp_login(closed, admin_user)
    assert ("name_nl", "Na het sluiten") in hidden_fields(
        closed.get("/admin/unsaved/").content.decode()
    )


def test_kept_changes_can_be_discarded(admin_client, admin_user, reference, otp_login):
    group = make_group(name_nl="Oude naam")
    url, data = post_group_change(admin_client, group, name_nl="Toch niet")
    idle_too_long(admin_client)
    admin_client.post(url, data)
    otp_login(admin_client, admin_user)
    response = admin_client.post("/admin/unsaved/")
    assert response["Location"] == url
    assert SESSION_KEPT_POST not in admin_client.session
    group.refresh_from_db()
    assert group.name_nl == "Oude naam"


def test_signing_out_on_purpose_keeps_nothing(admin_client):
    idle_too_long(admin_client)
    admin_client.post("/admin/logout/")
    assert SESSION_KEPT_POST not in admin_client.session


def test_keepalive_counts_as_activity_and_says_how_long_is_left(admin_client, settings):
    now = time.time()
    set_staff_session_times(admin_client, now - 3 * 3600, now - 30 * 60)
    response = admin_client.post("/admin/keepalive/")
    assert response.status_code == 200
    left = response.json()
    assert left["idle"] >= settings.STAFF_SESSION_IDLE_SECONDS - 5
    assert 0 < left["total"] <= settings.STAFF_SESSION_MAX_SECONDS - 3 * 3600
    assert admin_client.session[admin_site.SESSION_LAST_SEEN] >= int(now)


def test_keepalive_after_the_session_ended_answers_401_and_keeps_nothing(admin_client):
    idle_too_long(admin_client)
    response = admin_client.post("/admin/keepalive/")
    assert response.status_code == 401
    assert response.json() == {"idle": 0, "total": 0}
    assert SESSION_KEPT_POST not in admin_client.session


def test_keepalive_refuses_get(admin_client):
    assert admin_client.get("/admin/keepalive/").status_code == 405


def test_admin_pages_carry_the_session_times_for_the_warning(admin_client):
    html = admin_client.get("/admin/").content.decode()
    meta = re.search(r'<meta name="ht-session"[^>]*>', html)
    assert meta, "signed-in pages tell the script how long the session has left"
    assert 'data-keepalive="/admin/keepalive/"' in meta.group(0)
    assert re.search(r'data-idle="\d+"', meta.group(0))
    assert "admin-ext/unsaved" in html


def test_the_sign_in_page_has_no_session_script(client):
    html = client.get("/admin/login/").content.decode()
    assert 'name="ht-session"' not in html
