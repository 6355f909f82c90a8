"""The public forms' shared parts: the per-address rate limit (and what it does when the cache
cannot count) and the visitor's address behind the proxy."""

import logging
from unittest import mock

import pytest
from django.test import RequestFactory

from directory.models import CorrectionReport, Group
from healing_together.public_forms import client_ip, over_rate_limit
from newsletter.models import Subscriber
from tests import servers
from tests.directory.test_corrections import correction_url
from tests.directory.test_proposals import post as post_proposal
from tests.factories import make_group
from tests.newsletter.conftest import signup_data, url


def test_rate_limit_counts_per_address(settings):
    factory = RequestFactory()
    request = factory.post("/", REMOTE_ADDR="192.0.2.7")
    assert [over_rate_limit(request, "test-form", "2/h") for _ in range(3)] == [False, False, True]
    other = factory.post("/", REMOTE_ADDR="192.0.2.8")
    assert over_rate_limit(other, "test-form", "2/h") is False


def test_rate_limit_counts_one_ipv6_network_as_one_address():
    """Hopping between the addresses of one /64 does not buy more tries; another /64 is apart."""
    factory = RequestFactory()
    hops = [factory.post("/", REMOTE_ADDR=f"2001:db8:9:1::{n:x}") for n in range(1, 4)]
    assert [over_rate_limit(r, "test-form-v6", "2/h") for r in hops] == [False, False, True]
    other = factory.post("/", REMOTE_ADDR="2001:db8:9:2::1")
    assert over_rate_limit(other, "test-form-v6", "2/h") is False


def test_a_cache_that_raises_lets_visitors_through_instead_of_failing(caplog):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9")
    with mock.patch("django_ratelimit.core.caches") as caches:
        caches.__getitem__.return_value.add.side_effect = ConnectionError("down")
        assert over_rate_limit(request, "test-form", "1/h") is False
    assert "cache is unavailable" in caplog.text


@pytest.fixture
def redis_down(settings):
    """The production cache, on a port where no Redis listens (connections refused)."""
    settings.CACHES = servers.production_redis_cache(f"redis://127.0.0.1:{servers.free_port()}/0")
    settings.PAGE_CACHE_SECONDS = 0


def test_with_a_working_redis_the_limit_holds(settings):
    with servers.throwaway_redis() as redis:
        settings.CACHES = servers.production_redis_cache(redis.url)
        request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.10")
        counted = [over_rate_limit(request, "test-form", "2/h") for _ in range(3)]
    assert counted == [False, False, True]


def test_with_redis_down_the_limit_lets_visitors_through_and_says_so(redis_down, caplog):
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.11")
    with caplog.at_level(logging.WARNING, logger="healing_together.public_forms"):
        counted = [over_rate_limit(request, "test-form", "2/h") for _ in range(3)]
    assert counted == [False, False, False]
    warnings = [r for r in caplog.records if r.name == "healing_together.public_forms"]
    assert len(warnings) == 3
    assert all("Rate limit test-form not counted" in r.getMessage() for r in warnings)


# Every public form, posted more often than its limit (5 an hour) allows.
POSTS = 7


def send_proposals(client):
    return [post_proposal(client, "en", name=f"Group {n}").status_code for n in range(POSTS)]


def send_corrections(client):
    group = make_group(name_en="Grief group")
    path = correction_url(group, "en")
    return [client.post(path, {"message": f"Fix {n}"}).status_code for n in range(POSTS)]


def send_signups(client):
    path = url("newsletter:subscribe")
    return [
        client.post(path, signup_data(email=f"p{n}@example.be")).status_code for n in range(POSTS)
    ]


FORMS = {
    "propose": (send_proposals, lambda: Group.objects.count(), "directory.propose"),
    "correction": (
        send_corrections,
        lambda: CorrectionReport.objects.count(),
        "directory.correction",
    ),
    "newsletter": (send_signups, lambda: Subscriber.objects.count(), "newsletter.subscribe"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_with_redis_down_no_public_form_answers_429(
    form, redis_down, client, reference, settings, caplog
):
    settings.EDITORS_EMAIL = "editors@example.org"
    settings.NEWSLETTER = {**settings.NEWSLETTER, "SIGNUP_RATE": "5/h"}
    send, saved, group = FORMS[form]
    with caplog.at_level(logging.WARNING, logger="healing_together.public_forms"):
        statuses = send(client)
    assert statuses == [302] * POSTS
    assert saved() == POSTS
    assert f"Rate limit {group} not counted: the cache is unavailable." in caplog.messages


@pytest.mark.django_db
@pytest.mark.parametrize("form", FORMS)
def test_with_a_working_cache_every_public_form_still_answers_429(
    form, client, reference, settings
):
    settings.EDITORS_EMAIL = "editors@example.org"
    settings.NEWSLETTER = {**settings.NEWSLETTER, "SIGNUP_RATE": "5/h"}
    send, saved, _group = FORMS[form]
    assert send(client) == [302] * 5 + [429] * (POSTS - 5)
    assert saved() == 5


def test_behind_the_proxy_the_appended_address_counts(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1")
    assert client_ip(request) == "198.51.100.1"
    settings.SECURE_PROXY_SSL_HEADER = None
    assert client_ip(request) == "127.0.0.1"
