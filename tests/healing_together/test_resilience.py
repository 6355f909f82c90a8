"""The database goes down: visitors get a calm 503 page in their language, and the site comes
back by itself when the database does.

The first tests fail the database in-process (every query raises OperationalError, as when the
server refuses connections). One runs the real thing: gunicorn with production settings
on a throwaway PostgreSQL 15 cluster that the test stops and starts again.

Redis failing: the cache's circuit breaker, unit by unit and against a real redis-server that
the test freezes (SIGSTOP) and thaws.
"""

import contextlib
import os
import re
import signal
import time
from importlib import import_module
from unittest import mock

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from healing_together import middleware
from healing_together.cache_backend import CircuitBreaker, breaker_for
from healing_together.db_backend.base import BoundedConnection, ServerNotAnswering
from healing_together.middleware import (
    RETRY_AFTER_SECONDS,
    close_broken_connections,
    database_unavailable_response,
    reference_helplines,
)
from tests import servers

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'


@contextlib.contextmanager
def database_down():
    """Every query fails, as it does while the database server is stopped."""
    error = OperationalError(REFUSED)
    with (
        mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=error),
        mock.patch("django.db.backends.utils.CursorWrapper.executemany", side_effect=error),
    ):
        yield


class TouchUserMiddleware:
    """Reads request.user in middleware, as two-factor or lockout middlewares do: with a
    staff session cookie, that loads the session from the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.is_authenticated  # noqa: B018 (evaluates the lazy user)
        return self.get_response(request)


def html_lang(response):
    match = re.search(r'<html lang="([a-z-]+)"', response.content.decode())
    return match.group(1) if match else None


def assert_friendly_503(response, language):
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Language"] == language
    assert html_lang(response) == language
    html = response.content.decode()
    assert "<h1>" in html
    assert "tel:112" in html
    # Security headers, as on every other page.
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    # No inline script or style, and no cookie.
    assert "<script" not in html
    assert "style=" not in html
    assert not response.cookies


# --- In-process: the middleware -----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "language"),
    [
        ("/nl/groepen/", "nl"),
        ("/fr/groupes/", "fr"),
        ("/en/groups/?kind=support&region=04000", "en"),
        ("/fr/", "fr"),
        ("/nl/hulp-nu/", "nl"),
    ],
)
def test_a_page_is_a_friendly_503_in_its_language_when_the_database_is_down(client, path, language):
    with database_down():
        response = client.get(path, secure=True)
    assert_friendly_503(response, language)
    html = response.content.decode()
    # Links stay in the visitor's language, and "try again" is the same page and filters.
    assert f'href="/{language}/"' in html
    assert f'href="{path.replace("&", "&amp;")}"' in html
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_the_503_page_shows_each_language_s_helplines_from_the_reference_file(client):
    with database_down():
        dutch = client.get("/nl/groepen/").content.decode()
        french = client.get("/fr/groupes/").content.decode()
    assert "tel:1813" in dutch
    assert "Zelfmoordlijn" in dutch
    assert "tel:0800" not in dutch
    assert "tel:080032123" in french or "tel:0800 32 123" in french
    assert "tel:1813" not in french


def test_the_503_page_renders_without_a_single_query(django_assert_num_queries, db):
    request = RequestFactory().get("/fr/groupes/", {"q": "deuil"})
    with django_assert_num_queries(0):
        response = database_unavailable_response(request)
    assert response.status_code == 503
    assert 'href="/fr/groupes/?q=deuil"' in response.content.decode()


def test_a_protocol_relative_path_never_becomes_an_off_site_link(db):
    response = database_unavailable_response(RequestFactory().get("//evil.example/nl/"))
    assert 'href="//' not in response.content.decode()


@pytest.mark.django_db
def test_a_staff_session_that_cannot_be_loaded_in_middleware_gives_the_503_page():
    staff = get_user_model().objects.create_superuser("editor", "e@example.org", "x" * 16)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    touching = [
        *settings.MIDDLEWARE,
        "tests.healing_together.test_resilience.TouchUserMiddleware",
    ]
    with override_settings(MIDDLEWARE=touching), database_down():
        response = client.get("/en/groups/")
    assert_friendly_503(response, "en")


@pytest.mark.django_db
def test_the_admin_is_a_503_in_the_browser_s_language_when_the_database_is_down():
    staff = get_user_model().objects.create_superuser("editor", "e@example.org", "x" * 16)
    client = Client(raise_request_exception=False)
    client.force_login(staff)
    with database_down():
        response = client.get("/admin/", headers={"accept-language": "fr-BE,fr;q=0.9"})
    assert_friendly_503(response, "fr")


@pytest.mark.django_db
def test_health_checks_when_the_database_is_down(client):
    with database_down():
        ready = client.get("/readyz")
        alive = client.get("/healthz")
    assert ready.status_code == 503
    assert ready.json()["database"] == "failing"
    assert alive.status_code == 200


@pytest.mark.django_db
def test_the_site_answers_again_as_soon_as_the_database_does(client, reference):
    with database_down():
        assert client.get("/nl/groepen/").status_code == 503
    response = client.get("/nl/groepen/")
    assert response.status_code == 200
    assert html_lang(response) == "nl"


@pytest.mark.django_db
def test_errors_a_retry_will_not_fix_stay_500():
    client = Client(raise_request_exception=False)
    with mock.patch(
        "directory.views.GroupListView.get", side_effect=IntegrityError("duplicate key")
    ):
        response = client.get("/nl/groepen/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_broken_connections_are_closed_unless_a_transaction_owns_them():
    free = mock.Mock(in_atomic_block=False)
    owned = mock.Mock(in_atomic_block=True)
    with mock.patch.object(middleware.connections, "all", return_value=[free, owned]):
        close_broken_connections()
    free.close_if_unusable_or_obsolete.assert_called_once_with()
    owned.close_if_unusable_or_obsolete.assert_not_called()


def test_without_the_reference_file_the_503_page_still_shows_112(tmp_path):
    reference_helplines.cache_clear()
    try:
        with mock.patch.object(middleware, "HELPLINES_FILE", tmp_path / "missing.json"):
            lines = reference_helplines("nl")
    finally:
        reference_helplines.cache_clear()
    assert [line["number"] for line in lines] == ["112"]


# --- Against a real PostgreSQL that stops and starts --------------------------------------------


def test_gunicorn_survives_postgresql_stopping_and_starting_again(tmp_path):
    """gunicorn (the image's start command, production settings) on a throwaway PostgreSQL 15:
    pages → 200; cluster stopped → 503 pages in the right language, /readyz 503; cluster started
    again → 200 without restarting gunicorn."""
    with servers.throwaway_cluster() as cluster:
        database_url = cluster.create_database("healing_together")
        env = servers.production_env(database_url=database_url, REDIS_URL="")
        servers.manage(env, "migrate", "--no-input")
        servers.manage(env, "load_reference")
        # Groups to list: an empty list can be answered from the cache alone (its count and
        # options are cached), and the page must need the database to show the 503 page.
        servers.manage(env, "load_demo")
        # Two workers with two threads each: several persistent connections (CONN_MAX_AGE)
        # that the stop breaks.
        env.update(WEB_CONCURRENCY="2", GUNICORN_THREADS="2")
        with servers.gunicorn(env, tmp_path / "gunicorn.log") as server:
            for _ in range(8):
                status, _headers, body = server.get("/nl/groepen/")
                assert status == 200, server.explain(status, body)

            cluster.stop()
            for path, language in [("/nl/groepen/", "nl"), ("/fr/groupes/", "fr")] * 2:
                status, headers, body = server.get(path)
                assert status == 503, server.explain(status, body)
                assert headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
                assert "default-src 'none'" in headers["Content-Security-Policy"]
                assert headers["X-Content-Type-Options"] == "nosniff"
                assert f'<html lang="{language}">' in body.decode()
            status, _headers, body = server.get("/readyz")
            assert status == 503, body
            assert server.get("/healthz")[0] == 200

            cluster.start()
            for _ in range(8):
                status, _headers, body = server.get("/nl/groepen/")
                assert status == 200, server.explain(status, body)
            assert server.get("/readyz")[0] == 200
            assert server.process.poll() is None, "gunicorn restarted or exited"


@pytest.mark.django_db
def test_with_redis_down_pages_and_forms_still_answer(client, settings, reference):
    """A Redis that does not answer: pages render uncached, forms skip the rate limit."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "IGNORE_EXCEPTIONS": True},
        }
    }
    settings.PAGE_CACHE_SECONDS = 300
    for page in ("/nl/groepen/?audience=caregivers", "/fr/articles/", "/en/newsletter/"):
        assert client.get(page).status_code == 200, page
    assert client.get("/readyz").status_code == 503


# --- Redis failing: the cache's circuit breaker (healing_together.cache_backend) ---------------


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def breaker_warnings(caplog):
    return [r for r in caplog.records if r.name == "healing_together.cache_backend"]


def test_the_breaker_opens_on_a_failure_and_tries_again_once_after_its_delay(caplog):
    clock = FakeClock()
    breaker = CircuitBreaker("redis://cache/0", delay=30, clock=clock)
    assert breaker.allows()
    breaker.succeeded()
    assert not breaker.is_open

    breaker.failed(TimeoutError("Timeout reading from socket"))
    assert breaker.is_open
    clock.now += 29.9
    assert not breaker.allows()
    clock.now += 0.2
    assert breaker.allows()  # the one trial…
    assert not breaker.allows()  # …while the other calls still skip the cache
    breaker.failed(TimeoutError("again"))  # the trial fails: open for another delay
    clock.now += 29.9
    assert not breaker.allows()
    clock.now += 0.2
    assert breaker.allows()
    breaker.succeeded()
    assert not breaker.is_open
    assert breaker.allows()
    assert breaker.allows()

    records = breaker_warnings(caplog)
    assert [r.levelname for r in records] == ["WARNING", "INFO"]  # one per outage, not per call
    assert "Cache redis://cache/0 failed (Timeout reading from socket)" in records[0].getMessage()
    assert "skipped for 30 s" in records[0].getMessage()
    assert "answers again" in records[1].getMessage()


def test_the_breaker_never_logs_a_redis_password():
    breaker = breaker_for("redis://:s3cret@redis.internal:6379/0", 30)
    assert breaker.name == "redis://***@redis.internal:6379/0"


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_a_frozen_redis_costs_one_short_timeout_then_is_skipped_until_it_answers(settings, caplog):
    """A real redis-server, frozen with SIGSTOP: one call waits for the 100 ms timeout, the
    next ones skip Redis at once; thawed, it is used again after the breaker's delay."""
    with servers.throwaway_redis() as redis_server:
        settings.CACHES = servers.production_redis_cache(redis_server.url, breaker_seconds=1)
        cache.set("greeting", "hello")
        assert cache.get("greeting") == "hello"
        assert cache.make_key("greeting")  # local work, never refused

        os.kill(redis_server.process.pid, signal.SIGSTOP)
        try:
            value, first = timed(lambda: cache.get("greeting"))
            assert value is None
            assert first < 1  # the 100 ms socket timeout (the old settings: 2 s)
            results = [timed(lambda: cache.get("greeting", "missed")) for _ in range(20)]
            assert [value for value, _ in results] == ["missed"] * 20
            assert sum(seconds for _, seconds in results) < 0.5  # nothing waits on Redis
            assert cache.set("other", 1) is None
            assert cache.add("other", 1) is None
            assert cache.incr("counter") is None  # django-ratelimit's "could not count"
            assert cache.make_key("greeting")
        finally:
            os.kill(redis_server.process.pid, signal.SIGCONT)

        assert cache.get("greeting", "skipped") == "skipped"  # still within the delay
        deadline = time.monotonic() + 10
        while cache.get("greeting") != "hello":
            assert time.monotonic() < deadline, "the cache was not used again after its delay"
            time.sleep(0.2)
    records = breaker_warnings(caplog)
    assert [r.levelname for r in records] == ["WARNING", "INFO"]


# --- PostgreSQL slow or not answering: every wait is bounded (healing_together.db_backend) ----

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "healing_together.db_backend",
    reason="PostgreSQL only: run with DATABASE_URL=postgres://…",
)


def slow_query(request):
    """A statement the server cancels after 100 ms (as statement_timeout does for pages)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 100")
        cursor.execute("SELECT pg_sleep(5)")
    return HttpResponse("never")


# The site's URLs (the 503 page links to them) plus the slow view.
urlpatterns = [path("slow/", slow_query), *import_module(settings.ROOT_URLCONF).urlpatterns]


@postgresql_only
@pytest.mark.django_db
def test_the_settings_bound_every_statement_and_every_wait():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW tcp_user_timeout")  # the server's view of the client's socket
    raw = connection.connection
    assert isinstance(raw, BoundedConnection)
    assert raw.wait_timeout == 6  # a second after the server's own statement_timeout
    assert raw.info.get_parameters()["keepalives"] == "1"
    assert raw.info.get_parameters()["tcp_user_timeout"] == "6000"


@postgresql_only
@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_statement_the_server_cancels_is_the_503_page(client, caplog):
    response = client.get("/slow/", headers={"accept-language": "en"})
    assert_friendly_503(response, "en")
    assert "canceling statement due to statement timeout" in caplog.text


@postgresql_only
@pytest.mark.django_db
def test_a_server_that_does_not_answer_is_given_up_on_and_the_connection_closed():
    """pg_sleep with no statement_timeout stands for a frozen server: no answer comes."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.wait_timeout = 0.5
        raw.execute("SET statement_timeout = 0")
        started = time.monotonic()
        with pytest.raises(ServerNotAnswering, match="did not answer within 0.5 s"):
            raw.execute("SELECT pg_sleep(3)")
        assert time.monotonic() - started < 2
        assert raw.closed  # never used again mid-protocol
        # Through Django, that is an OperationalError: the 503 page.
        assert issubclass(ServerNotAnswering, psycopg.OperationalError)
    finally:
        raw.close()
