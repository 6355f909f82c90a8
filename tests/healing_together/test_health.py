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
