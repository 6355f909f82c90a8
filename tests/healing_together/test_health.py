from unittest import mock

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_database_or_host_check(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database_and_cache(client):
    response = client.get("/readyz", headers={"host": "10.1.2.3"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"] == "no-store"


def test_readyz_is_503_when_the_database_fails(client):
    with mock.patch(
        "healing_together.middleware.connection.ensure_connection",
        side_effect=Exception("connection refused"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"


def test_readyz_is_503_when_the_cache_fails(client):
    with mock.patch("healing_together.middleware.cache.set", side_effect=ConnectionError):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing"


def test_healthz_touches_neither_database_nor_cache_nor_session(client, settings):
    """A frozen database or Redis must not make the load balancer drop a healthy server."""
    refuse = AssertionError("/healthz must not touch the database or the cache")
    cache_class = "django.core.cache.backends.locmem.LocMemCache"
    with (
        mock.patch(
            "django.db.backends.base.base.BaseDatabaseWrapper.ensure_connection",
            side_effect=refuse,
        ),
        mock.patch(f"{cache_class}.get", side_effect=refuse),
        mock.patch(f"{cache_class}.get_many", side_effect=refuse),
        mock.patch(f"{cache_class}.set", side_effect=refuse),
        mock.patch(f"{cache_class}.add", side_effect=refuse),
    ):
        response = client.get("/healthz", headers={"cookie": "sessionid=abc; csrftoken=x"})
    assert response.status_code == 200
    middleware = settings.MIDDLEWARE
    health = middleware.index("healing_together.middleware.HealthCheckMiddleware")
    assert health < middleware.index("django.contrib.sessions.middleware.SessionMiddleware")
    assert health < middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert health < middleware.index("healing_together.page_cache.PageCacheMiddleware")
