"""Unsubscribing: one click from the email or the mail program, no login, immediate erasure."""

from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from newsletter import emails, tokens
from newsletter.models import Subscriber
from tests.factories import make_subscriber

from .conftest import SITE, url

pytestmark = pytest.mark.django_db


def header_url(message):
    value = message.extra_headers["List-Unsubscribe"]
    assert value.startswith("<")
    assert value.endswith(">")
    return value[1:-1]


def test_one_click_post_to_the_header_url_erases_the_subscriber(reference, site_url):
    subscriber = make_subscriber(language="fr", regions=["04000"], audiences=["parents"])
    emails.already_subscribed(subscriber, emails.site_url()).send()
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = header_url(message)
    assert link.startswith(f"{SITE}/fr/")
    assert link in message.body
    # What a mail program sends (RFC 8058): a POST, no cookie, no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        urlsplit(link).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "Vous êtes désinscrit" in response.content.decode()
    assert not Subscriber.objects.filter(email=subscriber.email).exists()
    for field in ("regions", "provinces", "audiences"):
        assert not getattr(Subscriber, field).through.objects.exists()


def test_opening_the_link_changes_nothing_until_the_button(client, reference):
    subscriber = make_subscriber()
    path = url("newsletter:unsubscribe", token=tokens.unsubscribe_token(subscriber))
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post"' in html
    assert subscriber.email in html
    assert "csrfmiddlewaretoken" not in html
    assert not page.cookies
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()
    assert client.post(path).status_code == 200
    assert not Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_unsubscribing_twice_says_you_are_not_subscribed(client, reference):
    subscriber = make_subscriber()
    path = url("newsletter:unsubscribe", token=tokens.unsubscribe_token(subscriber))
    client.post(path)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 404
        assert "You are not subscribed" in response.content.decode()


def test_bad_unsubscribe_tokens_get_a_clear_message(client, reference):
    subscriber = make_subscriber()
    good = tokens.unsubscribe_token(subscriber)
    key, signature = good.split(":")
    bad_tokens = [
        f"{key}:{signature[::-1]}",
        f"other{key}:{signature}",
        key,
        "nothing",
        "x" * 1000,
        tokens.confirm_token(subscriber),
    ]
    for bad in bad_tokens:
        for method in (client.get, client.post):
            response = method(url("newsletter:unsubscribe", token=bad))
            assert response.status_code == 400, bad
            assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_a_pending_sign_up_can_be_deleted_from_the_confirmation_email(client, reference):
    subscriber = make_subscriber(confirmed=False)
    path = url("newsletter:unsubscribe", token=tokens.unsubscribe_token(subscriber))
    assert client.post(path).status_code == 200
    assert not Subscriber.objects.exists()


def test_unsubscribe_tokens_never_expire(client, reference, monkeypatch):
    import time

    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() - 3 * 365 * 86400)
    subscriber = make_subscriber()
    token = tokens.unsubscribe_token(subscriber)
    monkeypatch.setattr("django.core.signing.time.time", real_time)
    assert client.post(url("newsletter:unsubscribe", token=token)).status_code == 200
