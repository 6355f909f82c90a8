"""Double opt-in: the confirmation link, its expiry, tampering and replay."""

import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from newsletter import tokens
from newsletter.models import Subscriber
from tests.factories import make_subscriber

from .conftest import confirm_link, only_mail, signup_data, url

pytestmark = pytest.mark.django_db


def sign_up(client, **data):
    response = client.post(url("newsletter:subscribe"), signup_data(**data))
    assert response.status_code == 302
    return urlsplit(confirm_link(mail.outbox[-1])).path


def test_the_link_shows_a_button_and_only_the_button_confirms(client, reference):
    path = sign_up(client, language="fr")
    assert path.startswith("/fr/")
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'method="post"' in html
    assert "anna@example.be" in html
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING  # GET changes nothing
    # The button posts without a CSRF token: the signed link is the secret.
    confirmed = Client(enforce_csrf_checks=True).post(path)
    assert confirmed.status_code == 200
    assert "Vous êtes inscrit" in confirmed.content.decode()
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at >= subscriber.asked_at
    assert subscriber.language == "fr"


def test_replaying_a_confirmation_link_is_refused_clearly(client, reference):
    path = sign_up(client)
    assert client.post(path).status_code == 200
    confirmed_at = Subscriber.objects.get().confirmed_at
    for method in (client.get, client.post):
        again = method(path)
        assert again.status_code == 410
        assert "This link has already been used" in again.content.decode()
    assert Subscriber.objects.get().confirmed_at == confirmed_at


def test_an_expired_link_is_refused_and_the_sign_up_can_start_again(client, reference, monkeypatch):
    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() - 49 * 3600)
    path = sign_up(client)
    monkeypatch.setattr("django.core.signing.time.time", real_time)
    for method in (client.get, client.post):
        response = method(path)
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    fresh = sign_up(client)
    assert client.post(fresh).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_a_link_still_works_just_before_48_hours(client, reference, monkeypatch):
    real_time = time.time
    monkeypatch.setattr("django.core.signing.time.time", lambda: real_time() - 47 * 3600)
    path = sign_up(client)
    monkeypatch.setattr("django.core.signing.time.time", real_time)
    assert client.post(path).status_code == 200


def tampered_versions(token):
    key, stamp, signature = token.split(":")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    return [
        f"{key}:{stamp}:{flipped}",
        f"{key}x:{stamp}:{signature}",
        f"{key}:{stamp}",
        key,
        "not-a-token",
        ":::",
        "a" * 5000,
    ]


def test_tampered_links_are_refused_clearly(client, reference):
    sign_up(client)
    subscriber = Subscriber.objects.get()
    token = tokens.confirm_token(subscriber)
    for bad in [*tampered_versions(token), tokens.unsubscribe_token(subscriber)]:
        for method in (client.get, client.post):
            response = method(url("newsletter:confirm", token=bad))
            assert response.status_code == 400, bad
            assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_a_link_for_a_deleted_sign_up_says_so(client, reference):
    path = sign_up(client)
    Subscriber.objects.all().delete()
    response = client.get(path)
    assert response.status_code == 404
    assert "This sign-up no longer exists" in response.content.decode()


def test_after_unsubscribing_a_new_sign_up_needs_a_new_confirmation(client, reference):
    first_link = sign_up(client)
    client.post(first_link)
    subscriber = Subscriber.objects.get()
    client.post(url("newsletter:unsubscribe", token=tokens.unsubscribe_token(subscriber)))
    assert Subscriber.objects.count() == 0
    mail.outbox.clear()
    second_link = sign_up(client)
    renewed = Subscriber.objects.get()
    assert renewed.status == Subscriber.Status.PENDING
    assert renewed.key != subscriber.key
    assert client.post(first_link).status_code == 404  # the old link does not confirm it
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    assert client.post(second_link).status_code == 200
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_confirmation_email_is_in_the_chosen_language_with_both_parts(client, reference):
    sign_up(client, language="nl")
    message = only_mail()
    html = message.alternatives[0][0]
    assert '<html lang="nl">' in html
    assert confirm_link(message) in html
    # It lets someone who never asked delete the address at once.
    assert url("newsletter:unsubscribe", "nl", token="T").rsplit("T/", 1)[0] in message.body
    assert "List-Unsubscribe" not in message.extra_headers  # not a newsletter yet


def test_confirming_a_subscriber_twice_at_once_counts_once(reference):
    subscriber = make_subscriber(confirmed=False)
    same = Subscriber.objects.get(pk=subscriber.pk)
    assert subscriber.confirm() is True
    assert same.confirm() is False
