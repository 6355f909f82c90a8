"""Staff security: two-factor sign-in, lockout after failed sign-ins, password rules and short
sessions (the create_editor command: test_create_editor.py)."""

import re
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from healing_together import admin_site
from tests.factories import set_staff_session_times
from tests.healing_together.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = STAFF_PASSWORD


@pytest.fixture
def client():
    """A browser that prefers English, so these tests read the messages' source text."""
    return Client(headers={"accept-language": "en"})


@pytest.fixture
def admin_client(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


def code(device, offset=0):
    """The code the device's app shows now (or `offset` steps away)."""
    device.refresh_from_db()
    value = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset)
    return f"{value:0{device.digits}d}"


def wrong_code(device):
    right = {code(device, offset) for offset in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def sign_in(client, username="anna", password=PASSWORD, otp_token="", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password, "otp_token": otp_token}, **extra
    )


def signed_in(client):
    return SESSION_KEY in client.session


# --- Test fixtures for other engineers -------------------------------------------------------


def test_admin_client_fixture_reaches_the_admin(admin_client):
    assert admin_client.get("/admin/").status_code == 200


def test_otp_admin_client_is_verified_by_a_confirmed_totp_device(otp_admin_client, admin_user):
    device = admin_user.totpdevice_set.get()
    assert device.confirmed
    assert otp_admin_client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id


# --- Two-factor sign-in ----------------------------------------------------------------------


def test_the_admin_sends_strangers_to_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_sign_in_page_asks_for_username_password_and_code(client):
    html = client.get(LOGIN).content.decode()
    for name in ("username", "password", "otp_token"):
        assert f'<label for="id_{name}"' in html
        assert f'id="id_{name}"' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert 'aria-describedby="id_otp_token_helptext"' in html
    assert 'id="id_otp_token_helptext"' in html
    assert "<h1" in html
    assert "Healing Together editors" in html


def test_sign_in_page_speaks_the_admins_language(client):
    html = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr"' in html


def test_a_valid_code_lets_staff_in(client, device):
    response = sign_in(client, otp_token=code(device))
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/admin/").status_code == 200


def test_a_code_with_a_space_in_the_middle_is_accepted(client, device):
    token = code(device)
    response = sign_in(client, otp_token=f"{token[:3]} {token[3:]}")
    assert response.status_code == 302
    assert signed_in(client)


def test_the_right_password_without_a_code_is_refused(client, device):
    response = sign_in(client, otp_token="")
    assert response.status_code == 200
    assert not signed_in(client)
    html = response.content.decode()
    assert "Enter the 6-digit code" in html
    # The error is tied to its field for screen readers.
    assert 'id="id_otp_token_error"' in html
    assert 'aria-invalid="true"' in html
    assert re.search(r'aria-describedby="[^"]*id_otp_token_error', html)


def test_a_missing_code_says_nothing_about_the_password(client, device):
    right = sign_in(client, otp_token="").content.decode()
    wrong = sign_in(client, password="not the password", otp_token="").content.decode()
    token = 'name="csrfmiddlewaretoken" value="'

    def without_tokens(html):
        return re.sub(re.escape(token) + r'[^"]*"', "", html)

    assert without_tokens(right).replace(PASSWORD, "") == without_tokens(wrong).replace(
        "not the password", ""
    )
    assert AccessAttempt.objects.count() == 0  # no password was checked


def test_a_wrong_code_is_refused_like_a_wrong_password(client, device):
    bad_code = sign_in(client, otp_token=wrong_code(device))
    assert bad_code.status_code == 200
    assert not signed_in(client)
    bad_password = sign_in(client, password="not the password", otp_token=code(device))
    message = "The username, password or code is not right."
    assert message in bad_code.content.decode()
    assert message in bad_password.content.decode()


def test_a_code_cannot_be_used_twice(client, device):
    token = code(device)
    assert sign_in(client, otp_token=token).status_code == 302
    other = Client(headers={"accept-language": "en"})
    response = sign_in(other, otp_token=token)
    assert response.status_code == 200
    assert not signed_in(other)


def test_a_code_of_another_users_device_is_refused(client, device):
    other = User.objects.create_user("bob", "bob@example.org", PASSWORD, is_staff=True)
    TOTPDevice.objects.create(user=other, name="bob's phone", confirmed=True)
    response = sign_in(client, username="bob", otp_token=code(device))
    assert response.status_code == 200
    assert not signed_in(client)


def test_staff_without_a_device_are_refused_like_a_wrong_password(client, staff, device):
    """The right password of an account with no authenticator gets the wrong-code answer, and
    counts towards the lockout: the answer never tells a stranger the password was right."""
    wrong = sign_in(client, otp_token=wrong_code(device)).content.decode()
    device.delete()
    AccessAttempt.objects.all().delete()
    response = sign_in(client, otp_token="123456")
    assert response.status_code == 200
    assert not signed_in(client)
    page = response.content.decode()
    assert "The username, password or code is not right" in page
    assert "two-factor" not in page
    assert error_list(page) == error_list(wrong)
    assert AccessAttempt.objects.get(username="anna").failures_since_start == 1


def test_an_unconfirmed_device_does_not_count(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=False)
    for _attempt in range(4):
        response = sign_in(client, otp_token=code(device))
        assert response.status_code == 200
        assert not signed_in(client)
        assert "The username, password or code is not right" in response.content.decode()
    assert sign_in(client, otp_token=code(device)).status_code == 429


def error_list(page):
    """The sign-in page's error messages."""
    return re.findall(
        r'id="login-errors">(.*?)</div>|class="errorlist[^"]*">(.*?)</ul>', page, re.S
    )


def test_a_password_only_session_does_not_open_the_admin(client, staff):
    """A session signed in without a second factor (force_login) is not enough."""
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_people_who_are_not_staff_are_refused(client):
    user = User.objects.create_user("visitor", "v@example.org", PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    response = sign_in(client, username="visitor", otp_token=code(device))
    assert response.status_code == 200
    assert not signed_in(client)


# --- Lockout ---------------------------------------------------------------------------------


def test_five_failed_sign_ins_lock_the_account_for_an_hour(client, device):
    for _attempt in range(4):
        response = sign_in(client, password="guess", otp_token=code(device))
        assert response.status_code == 200
    response = sign_in(client, password="guess", otp_token=code(device))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Sign-in blocked for now" in html
    assert "5 unsuccessful attempts" in html
    assert "60 minutes" in html
    retry_at = timezone.localtime(timezone.now() + timedelta(hours=1))
    assert f'<time datetime="{retry_at:%Y-%m-%dT%H}' in html
    assert 'href="/admin/login/"' in html
    assert '<html lang="' in html
    # Locked: even the right password and code are refused now.
    response = sign_in(client, otp_token=code(device))
    assert response.status_code == 429
    assert not signed_in(client)


def test_wrong_codes_count_towards_the_lockout(client, device):
    for _attempt in range(4):
        assert sign_in(client, otp_token=wrong_code(device)).status_code == 200
    assert sign_in(client, otp_token=wrong_code(device)).status_code == 429
    assert sign_in(client, otp_token=code(device)).status_code == 429


def test_the_count_is_kept_in_the_database(client, device):
    for _attempt in range(3):
        sign_in(client, password="guess", otp_token=code(device))
    attempt = AccessAttempt.objects.get(username="anna")
    assert attempt.failures_since_start == 3
    assert "guess" not in attempt.post_data
    assert "otp_token=****" in attempt.post_data


def test_the_lockout_page_speaks_the_admins_language(client, device):
    for _attempt in range(5):
        response = sign_in(
            client, password="guess", otp_token=code(device), HTTP_ACCEPT_LANGUAGE="fr"
        )
    assert response.status_code == 429
    assert '<html lang="fr"' in response.content.decode()


def test_another_address_is_not_locked_out(client, device):
    for _attempt in range(5):
        sign_in(client, password="guess", otp_token=code(device), REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, otp_token=code(device), REMOTE_ADDR="198.51.100.7").status_code == 302


def test_one_ipv6_network_counts_as_one_address(client, device):
    """A client picks any address of its /64 at will: the count is per /64, not per address."""
    for host in range(1, 6):
        sign_in(
            client, password="guess", otp_token=code(device), REMOTE_ADDR=f"2001:db8:7:1::{host}"
        )
    assert (
        sign_in(client, otp_token=code(device), REMOTE_ADDR="2001:db8:7:1:ab::9").status_code == 429
    )
    other_network = sign_in(client, otp_token=code(device), REMOTE_ADDR="2001:db8:7:2::1")
    assert other_network.status_code == 302


def test_sign_in_works_again_after_the_hour(client, device):
    for _attempt in range(5):
        sign_in(client, password="guess", otp_token=code(device))
    assert sign_in(client, otp_token=code(device)).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    assert sign_in(client, otp_token=code(device)).status_code == 302
    assert signed_in(client)


def test_a_successful_sign_in_resets_the_count(client, device):
    for _attempt in range(4):
        sign_in(client, password="guess", otp_token=code(device))
    assert sign_in(client, otp_token=code(device)).status_code == 302
    assert not AccessAttempt.objects.exists()


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(rf, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = rf.post(
        "/admin/login/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5", REMOTE_ADDR="10.0.0.2"
    )
    assert admin_site.client_ip_address(request) == "203.0.113.5"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert admin_site.client_ip_address(request) == "10.0.0.2"


@pytest.mark.parametrize(
    ("address", "block"),
    [
        ("203.0.113.5", "203.0.113.5"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::"),
        ("::ffff:203.0.113.5", "203.0.113.5"),
        ("not an address", "not an address"),
    ],
)
def test_the_lockout_counts_per_ipv4_address_or_ipv6_network(rf, address, block):
    assert admin_site.client_ip_address(rf.post("/admin/login/", REMOTE_ADDR=address)) == block


def test_a_refused_next_address_lands_on_the_admin_home(client, device):
    response = client.post(
        "/admin/login/?next=https://evil.example/",
        {"username": "anna", "password": PASSWORD, "otp_token": code(device)},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# --- Passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    [
        "Sh0rt!pass",  # 10 characters
        "elevenchars",  # 11 characters
        "password1234",  # common
        "1qaz2wsx3edc4rfv",  # common
        "493817265093",  # only digits
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password, User(username="anna", email="anna@example.org"))


def test_a_password_like_the_username_is_refused():
    with pytest.raises(ValidationError):
        validate_password("annavandenbroeck", User(username="annavandenbroeck"))


def test_a_long_uncommon_password_is_accepted():
    validate_password("lantern orchard 7 mosaic", User(username="anna"))


def test_the_admin_password_change_applies_the_rules(admin_client):
    response = admin_client.post(
        "/admin/password_change/",
        {"old_password": "password", "new_password1": "short1", "new_password2": "short1"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()


# --- Sessions --------------------------------------------------------------------------------


def test_staff_sessions_end_with_the_browser(admin_client):
    """A staff session that somehow carries a lifetime (older code, another sign-in path) is
    made to end with the browser on the next admin page."""
    session = admin_client.session
    session.set_expiry(3600)
    session.save()
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert admin_client.session.get_expire_at_browser_close()


def test_the_sign_in_cookie_ends_with_the_browser(client, device):
    """Already on the answer to the sign-in, not only from the first admin page on."""
    response = sign_in(client, otp_token=code(device))
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert (cookie["max-age"], cookie["expires"]) == ("", "")
    assert client.session[admin_site.SESSION_SIGNED_IN_AT] >= int(time.time()) - 5


def test_an_active_session_stays_open(admin_client):
    now = time.time()
    set_staff_session_times(admin_client, now - 3 * 3600, now - 90 * 60)
    assert admin_client.get("/admin/").status_code == 200
    assert admin_client.session[admin_site.SESSION_LAST_SEEN] >= int(now)


def test_two_hours_without_activity_sign_staff_out(admin_client):
    now = time.time()
    set_staff_session_times(admin_client, now - 3 * 3600, now - 2 * 3600 - 5)
    response = admin_client.get("/admin/directory/group/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/directory/group/"
    assert not signed_in(admin_client)
    page = admin_client.get(response["Location"]).content.decode()
    assert "You were signed out to protect your account" in page


def test_sessions_end_after_a_working_day_even_when_active(admin_client):
    now = time.time()
    set_staff_session_times(admin_client, now - 8 * 3600 - 5, now - 60)
    assert admin_client.get("/admin/").status_code == 302
    assert not signed_in(admin_client)
