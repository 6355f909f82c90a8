from unittest import mock

from django.test import RequestFactory

from healing_together.public_forms import client_ip, over_rate_limit


def test_rate_limit_counts_per_address(settings):
    factory = RequestFactory()
    request = factory.post("/", REMOTE_ADDR="192.0.2.7")
    assert [over_rate_limit(request, "test-form", "2/h") for _ in range(3)] == [False, False, True]
    other = factory.post("/", REMOTE_ADDR="192.0.2.8")
    assert over_rate_limit(other, "test-form", "2/h") is False


def test_a_cache_outage_lets_visitors_through_instead_of_failing(caplog):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
    with mock.patch(
        "healing_together.public_forms.is_ratelimited", side_effect=ConnectionError("down")
    ):
        assert over_rate_limit(request, "test-form", "1/h") is False
    assert "cache is unavailable" in caplog.text


def test_behind_the_proxy_the_appended_address_counts(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    assert client_ip(request) == "198.51.100.1"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "127.0.0.1"
