"""Onboarding without a server: a superuser invites a colleague, who sets a password and an
authenticator app from the emailed link; a lost phone gets a new link; the authenticator apps'
admin shows no secrets (healing_together/onboarding.py, onboarding_views.py, users_admin.py)."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, User
from django.core import mail, signing
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from healing_together import onboarding
from tests.healing_together.conftest import STAFF_PASSWORD
from tests.healing_together.test_staff_security import code, sign_in, wrong_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "quiet river 42 lantern"
INVITE = "/admin/auth/user/invite/"


@pytest.fixture
def admin_client(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def invite(client, language="fr", email="sophie.martin@example.org", **extra):
    editor = Group.objects.get(name="Editor")
    data = {
        "email": email,
        "first_name": "Sophie",
        "last_name": "Martin",
        "groups": [editor.pk],
        "language": language,
        **extra,
    }
    return client.post(INVITE, data)


def link_in(message):
    return re.search(r"https?://\S+/admin/welcome/[^/\s]+/", message.body).group(0)


def path_of(url):
    return urlsplit(url).path


def pending(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


# --- Inviting ----------------------------------------------------------------------------------


def test_invitation_makes_a_staff_account_without_password_and_mails_a_link_in_its_language(
    admin_client, settings
):
    settings.SITE_URL = "https://healing-together.be"
    response = invite(admin_client, language="fr")
    user = User.objects.get(email="sophie.martin@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/auth/user/{user.pk}/change/"
    assert user.is_staff
    assert not user.is_superuser
    assert user.username == "sophie.martin"
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Editor"]
    assert not TOTPDevice.objects.filter(user=user).exists()

    [message] = mail.outbox
    assert message.to == ["sophie.martin@example.org"]
    assert message.subject == "Votre compte de rédaction pour Healing Together"
    assert "Bonjour Sophie," in message.body
    assert "sophie.martin" in message.body
    assert link_in(message).startswith("https://healing-together.be/admin/welcome/")
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert f'href="{link_in(message)}"' in html


def test_invitation_in_dutch_says_u(admin_client):
    invite(admin_client, language="nl")
    [message] = mail.outbox
    assert "Open deze link om uw wachtwoord te kiezen" in message.body


def test_the_invite_form_names_the_roles_in_the_editors_language(admin_client):
    page = admin_client.get(INVITE, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Redacteur" in page
    assert "Gegevens van abonnees" in page
    assert ">Editor<" not in page.replace(" ", "")


def test_the_invite_button_is_on_the_user_list_for_superusers(admin_client):
    page = admin_client.get("/admin/auth/user/").content.decode()
    assert f'href="{INVITE}"' in page


def test_an_address_that_already_has_an_account_is_refused(admin_client, staff):
    response = invite(admin_client, email="ANNA@example.org")
    assert response.status_code == 200
    assert "Someone already has an account with this address" in response.content.decode()
    assert mail.outbox == []


def test_a_taken_username_gets_a_number(admin_client):
    User.objects.create_user("sophie.martin", "other@example.org")
    invite(admin_client)
    assert User.objects.filter(username="sophie.martin2").exists()


def test_only_superusers_may_invite_or_reset(editor_client, editor_user, staff):
    editor_user.user_permissions.add(*_user_permissions())
    assert editor_client.get(INVITE).status_code == 403
    assert invite(editor_client).status_code == 403
    assert (
        editor_client.post(
            f"/admin/auth/user/{staff.pk}/new-authenticator/", {"language": "nl"}
        ).status_code
        == 403
    )
    assert not User.objects.filter(email="sophie.martin@example.org").exists()
    assert mail.outbox == []


def _user_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="auth", codename__endswith="_user")


# --- The enrolment page ------------------------------------------------------------------------


def test_the_whole_invitation_signs_the_colleague_in(admin_client):
    invite(admin_client, language="fr")
    user = User.objects.get(email="sophie.martin@example.org")
    url = path_of(link_in(mail.outbox[0]))
    browser = Client(headers={"accept-language": "en"})

    step1 = browser.get(url)
    assert step1.status_code == 200
    assert step1["Cache-Control"].startswith("max-age=0")
    page = step1.content.decode()
    assert '<html lang="fr"' in page
    assert "Étape 1 sur 2" in page
    assert 'name="new_password1"' in page
    assert "ht-qr" not in page

    weak = browser.post(url, {"new_password1": "short", "new_password2": "short"})
    assert weak.status_code == 200
    assert "trop court" in weak.content.decode()
    done = browser.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)

    step2 = browser.get(url).content.decode()
    device = pending(user)
    assert "Étape 2 sur 2" in step2
    assert 'class="ht-qr"' in step2
    assert onboarding.grouped_key(device) in step2
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", onboarding.grouped_key(device))

    refused = browser.post(url, {"otp_token": wrong_code(device)})
    assert refused.status_code == 200
    assert "Ce code n’est pas correct" in refused.content.decode()
    assert not browser.session.get(SESSION_KEY)

    # django_otp makes the next try wait a moment; the page says so.
    too_soon = browser.post(url, {"otp_token": code(device)})
    assert "Trop de codes erronés d’affilée : attendez 1 seconde" in too_soon.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=5)
    )

    confirmed = browser.post(url, {"otp_token": code(device)})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/admin/"
    device.refresh_from_db()
    assert device.confirmed
    assert browser.session[SESSION_KEY] == str(user.pk)
    assert browser.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    home = browser.get("/admin/")
    assert home.status_code == 200
    assert "Bienvenue, Sophie" in home.content.decode()

    # The link is used: no QR code any more, a clear page.
    again = Client().get(url)
    assert again.status_code == 410
    assert "ht-qr" not in again.content.decode()
    assert "déjà été utilisé" in again.content.decode()


def test_a_link_opened_again_after_the_password_asks_for_the_password_at_sign_in(admin_client):
    invite(admin_client, language="en")
    user = User.objects.get(email="sophie.martin@example.org")
    url = path_of(link_in(mail.outbox[0]))
    Client().post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    other_browser = Client(headers={"accept-language": "en"})
    other_browser.get(url)
    device = pending(user)
    response = other_browser.post(url, {"otp_token": code(device)})
    assert response["Location"] == "/admin/login/"
    assert SESSION_KEY not in other_browser.session
    # With the password and the new app, the colleague gets in.
    assert sign_in(other_browser, user.username, NEW_PASSWORD, code(device, 1)).status_code == 302


def test_the_code_step_is_rate_limited(admin_client, settings):
    settings.STAFF_ENROLMENT_CODE_RATE = "3/h"
    invite(admin_client, language="en")
    user = User.objects.get(email="sophie.martin@example.org")
    url = path_of(link_in(mail.outbox[0]))
    browser = Client()
    browser.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    browser.get(url)
    device = pending(user)
    for _try in range(3):
        browser.post(url, {"otp_token": wrong_code(device)})
    blocked = browser.post(url, {"otp_token": code(device)})
    assert blocked.status_code == 200
    assert "Too many tries" in blocked.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_the_pages_need_the_csrf_token(admin_client):
    invite(admin_client)
    url = path_of(link_in(mail.outbox[0]))
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "mangle", [lambda t: t[:-3] + "abc", lambda t: t[:10], lambda t: "x" * 500, lambda t: "a:b:c"]
)
def test_a_tampered_link_gets_a_clear_404(admin_client, mangle):
    invite(admin_client)
    token = path_of(link_in(mail.outbox[0])).split("/")[-2]
    response = Client(headers={"accept-language": "nl"}).get(f"/admin/welcome/{mangle(token)}/")
    assert response.status_code == 404
    assert "Deze link is niet volledig of niet juist" in response.content.decode()


def test_an_expired_link_gets_a_clear_410_in_its_language(admin_client, settings, monkeypatch):
    invite(admin_client, language="nl")
    url = path_of(link_in(mail.outbox[0]))
    monkeypatch.setattr(signing.time, "time", lambda: 10**10)
    response = Client(headers={"accept-language": "fr"}).get(url)
    assert response.status_code == 410
    assert "Deze link is verlopen" in response.content.decode()


def test_a_link_for_a_deleted_account_is_refused(admin_client):
    invite(admin_client)
    url = path_of(link_in(mail.outbox[0]))
    User.objects.filter(email="sophie.martin@example.org").delete()
    assert Client().get(url).status_code == 404


def test_a_token_with_a_foreign_payload_is_refused():
    token = signing.dumps(["not", "a", "dict"], salt=onboarding.SALT)
    assert onboarding.read_token(token).problem == onboarding.Problem.INVALID
    token = signing.dumps({"u": 1, "k": "root", "l": "nl", "f": ""}, salt=onboarding.SALT)
    assert onboarding.read_token(token).problem == onboarding.Problem.INVALID


# --- Lost phone --------------------------------------------------------------------------------


def test_lost_phone_removes_the_apps_and_mails_a_link_to_set_up_a_new_one(admin_client, device):
    staff = device.user
    page = admin_client.get(f"/admin/auth/user/{staff.pk}/change/").content.decode()
    assert f'href="/admin/auth/user/{staff.pk}/new-authenticator/"' in page
    form = admin_client.get(f"/admin/auth/user/{staff.pk}/new-authenticator/")
    assert "has 1 authenticator app" in form.content.decode()

    response = admin_client.post(
        f"/admin/auth/user/{staff.pk}/new-authenticator/", {"language": "nl"}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=staff).exists()
    [message] = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "uw wachtwoord is niet gewijzigd" in message.body

    url = path_of(link_in(message))
    browser = Client(headers={"accept-language": "en"})
    page = browser.get(url).content.decode()
    assert 'name="new_password1"' not in page  # the password is kept
    assert 'class="ht-qr"' in page
    new_device = pending(staff)
    response = browser.post(url, {"otp_token": code(new_device)})
    assert response["Location"] == "/admin/login/"
    assert SESSION_KEY not in browser.session
    staff.refresh_from_db()
    assert staff.check_password(STAFF_PASSWORD)
    assert sign_in(browser, "anna", STAFF_PASSWORD, code(new_device, 1)).status_code == 302
    assert Client().get(url).status_code == 410


def test_a_new_link_for_an_unfinished_invitation_asks_for_the_password_again(admin_client):
    invite(admin_client, language="en")
    user = User.objects.get(email="sophie.martin@example.org")
    mail.outbox.clear()
    admin_client.post(f"/admin/auth/user/{user.pk}/new-authenticator/", {"language": "en"})
    [message] = mail.outbox
    assert message.subject == "Your editor account for Healing Together"
    page = Client().get(urlsplit(link_in(message)).path).content.decode()
    assert 'name="new_password1"' in page


def test_a_superuser_cannot_reset_their_own_app_here(admin_client, admin_user):
    response = admin_client.post(
        f"/admin/auth/user/{admin_user.pk}/new-authenticator/", {"language": "en"}
    )
    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=admin_user).exists()
    assert mail.outbox == []


# --- The authenticator apps' admin ---------------------------------------------------------------


def test_the_device_admin_shows_no_secret_and_no_qr_code(admin_client, device):
    listing = admin_client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert "anna" in listing
    assert "qrcode" not in listing.lower()
    detail = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert detail.status_code == 200
    page = detail.content.decode()
    for secret in (device.key, onboarding.secret_key(device)):
        assert secret not in page
    for field in ("key", "t0", "drift", "step", "digits", "tolerance"):
        assert f'name="{field}"' not in page
    # django_otp's own pages for the setup link and its QR code are gone.
    for view in ("config", "qrcode"):
        response = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/{view}/", follow=True)
        assert response["Content-Type"].startswith("text/html")
        assert onboarding.secret_key(device) not in response.content.decode()
        assert "otpauth://" not in response.content.decode()
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_a_device_can_still_be_deleted(admin_client, device):
    response = admin_client.post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
