"""Two app servers on one PostgreSQL and one Redis behave as one site.

Two gunicorn processes (the image's start command, production settings) on two ports share a
throwaway database on the machine's PostgreSQL (127.0.0.1:5432) and one Redis database
(127.0.0.1:6379/13, flushed before and after). A load balancer may send each request to either:
- a rate limit counted on one holds on the other (the newsletter sign-up: 5 per hour per IP,
  counted in Redis through healing_together.public_forms.over_rate_limit);
- a staff member signed in on one is signed in on the other, and signing out on one signs out
  on both (sessions live in the database);
- a graceful reload of one (gunicorn HUP) while clients keep requesting loses no request.
"""

import html
import os
import re
import secrets
import signal
import threading
import time

import pytest
import redis
from django.urls import reverse
from django.utils import translation

from tests import servers

REDIS_URL = f"{servers.LOCAL_REDIS}/13"
PASSWORD = "a-long-test-only-password-" + secrets.token_hex(4)

# Run inside `manage.py shell` on the shared database: a superuser, and the confirmed TOTP
# device two-factor sign-in needs when django-otp guards the admin. Prints the device's key.
MAKE_STAFF = """
from django.apps import apps
from django.contrib.auth import get_user_model
user = get_user_model().objects.create_superuser("editor", "editor@example.org", {password!r})
if apps.is_installed("django_otp.plugins.otp_totp"):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
    print("TOTP-KEY", device.key)
"""


def form_token(body):
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    assert match, "no CSRF token in the form"
    return match.group(1).decode()


def current_totp(key_hex):
    from django_otp.oath import totp  # noqa: PLC0415 (only when the admin asks for a code)

    return f"{totp(bytes.fromhex(key_hex)):06d}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(server A, server B, output of MAKE_STAFF), sharing one database and one Redis."""
    servers.require_local_postgres()
    cache = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        cache.flushdb()
    except redis.ConnectionError as error:
        pytest.fail(f"These tests need Redis on 127.0.0.1:6379: {error}")
    tmp = tmp_path_factory.mktemp("two-servers")
    try:
        with servers.throwaway_database("ht_two_servers") as database_url:
            env = servers.production_env(
                database_url,
                REDIS_URL=REDIS_URL,
                CACHE_KEY_PREFIX=f"ht-two-{secrets.token_hex(3)}",
                EMAIL_FILE_PATH=str(tmp / "mail"),
            )
            servers.manage(env, "migrate", "--no-input")
            servers.manage(env, "load_reference")
            staff = servers.manage(env, "shell", "-c", MAKE_STAFF.format(password=PASSWORD))
            with (
                servers.gunicorn(env, tmp / "a.log") as server_a,
                servers.gunicorn(env, tmp / "b.log") as server_b,
            ):
                assert server_a.port != server_b.port
                yield server_a, server_b, staff.stdout
    finally:
        cache.flushdb()


def test_a_rate_limit_counted_on_one_server_holds_on_the_other(site):
    server_a, server_b, _staff = site
    with translation.override("en"):
        path = reverse("newsletter:subscribe")

    status, headers, body = server_a.get(path)
    assert status == 200, server_a.explain(status, body)
    cookies = servers.set_cookies(headers)
    token = form_token(body)

    def sign_up(server, n):
        data = {
            "csrfmiddlewaretoken": token,
            "email": f"reader{n}-{secrets.token_hex(3)}@example.org",
            "language": "en",
            "consent": "on",
        }
        return server.post(path, data, cookies=cookies)

    # Five sign-ups from one address, spread over both servers: neither alone reaches 5.
    for n, server in enumerate([server_a, server_b, server_a, server_b, server_a]):
        status, headers, body = sign_up(server, n)
        assert status == 302, server.explain(status, body)
    # The sixth is refused, on either server.
    for server in (server_b, server_a):
        status, _headers, body = sign_up(server, 6)
        assert status == 429, server.explain(status, body)


def test_a_staff_session_works_on_both_servers(site):
    server_a, server_b, staff = site

    # Sign in on A through the admin's own form (with the current two-factor code when the
    # admin asks for one).
    status, headers, body = server_a.get("/admin/login/?next=/admin/")
    assert status == 200, server_a.explain(status, body)
    cookies = servers.set_cookies(headers)
    data = {
        "csrfmiddlewaretoken": form_token(body),
        "username": "editor",
        "password": PASSWORD,
        "next": "/admin/",
    }
    if b'name="otp_token"' in body:
        key = re.search(r"TOTP-KEY ([0-9a-f]+)", staff)
        assert key, f"the admin asks for a code but no TOTP device was made:\n{staff}"
        data["otp_token"] = current_totp(key.group(1))
    status, headers, body = server_a.post("/admin/login/", data, cookies=cookies)
    assert status == 302, server_a.explain(status, body)
    assert headers["Location"] == "/admin/"
    cookies.update(servers.set_cookies(headers))
    assert "sessionid" in cookies

    # The same cookie is a signed-in staff member on B, and still on A.
    for server in (server_b, server_a):
        status, _headers, body = server.get("/admin/", cookies=cookies)
        assert status == 200, server.explain(status, body)
        assert b"editor" in body
        assert b'action="/admin/logout/"' in body

    # Signing out on B signs out on A too.
    status, _headers, body = server_b.get("/admin/", cookies=cookies)
    logout_token = form_token(body)
    status, headers, body = server_b.post(
        "/admin/logout/", {"csrfmiddlewaretoken": logout_token}, cookies=cookies
    )
    assert status in (200, 302), server_b.explain(status, body)
    status, headers, body = server_a.get("/admin/", cookies=cookies)
    assert status == 302, server_a.explain(status, body)
    assert html.unescape(headers["Location"]).startswith("/admin/login/")


def test_a_graceful_reload_during_traffic_loses_no_request(site):
    """gunicorn's HUP (new workers, old ones finish their requests) while two clients keep
    requesting pages: every request gets its page, none is refused or cut."""
    server_a, _server_b, _staff = site
    paths = ["/nl/groepen/", "/fr/groupes/?kind=support", "/en/", "/nl/hulp-nu/"]
    results = []
    stop_at = time.monotonic() + 6  # bounded: two clients for six seconds

    def client(offset):
        n = offset
        while time.monotonic() < stop_at:
            path = paths[n % len(paths)]
            try:
                status = server_a.get(path, timeout=10)[0]
            except OSError as error:  # refused, reset, timed out
                status = repr(error)
            results.append((path, status))
            n += 1

    threads = [threading.Thread(target=client, args=(offset,)) for offset in (0, 1)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    os.kill(server_a.process.pid, signal.SIGHUP)
    for thread in threads:
        thread.join(timeout=30)

    failures = [(path, status) for path, status in results if status != 200]
    assert not failures, f"{len(failures)} of {len(results)} requests failed: {failures[:5]}"
    assert len(results) > 20
    assert server_a.process.poll() is None
    log = server_a.log()
    assert "Handling signal: hup" in log
    assert log.count("Booting worker") >= 2, log  # the first worker, and its replacement
