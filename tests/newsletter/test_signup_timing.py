"""The sign-up does the same work in the request for every address (newsletter/signup.py).

A confirmed subscriber was answered faster than a new address (no new row, no interests to
write), which told who reads the newsletter. These tests run the view as the WSGI server does:
first the request (whose statements and mail calls must be identical on every path), then the
response's close(), where the address-dependent work now happens.
"""

from collections import Counter
from unittest import mock

import pytest
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from newsletter import emails
from newsletter.models import Subscriber
from newsletter.views import SubscribeView
from tests.factories import make_subscriber

from .conftest import signup_data, url

pytestmark = pytest.mark.django_db

PATHS = ("new", "pending", "confirmed", "unsubscribed")


def address(path):
    email = f"{path}@example.be"
    if path == "pending":
        make_subscriber(email, confirmed=False)
    elif path == "confirmed":
        make_subscriber(email, language="nl", regions=["02000"])
    elif path == "unsubscribed":
        make_subscriber(email).delete()  # unsubscribing erases the row
    return email


def close(response):
    """What the WSGI server does once the body is sent (keeping the test's database
    connection open, as Django's test client does)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def sign_up(email, number):
    """(statements, send calls, mails) in the request, then the same after close()."""
    request = RequestFactory().post(
        url("newsletter:subscribe"),
        signup_data(email=email, region=["04000"], audience=["parents"]),
        REMOTE_ADDR=f"10.0.1.{number}",
    )
    with (
        mock.patch.object(emails, "send_signup_mail", wraps=emails.send_signup_mail) as send,
        CaptureQueriesContext(connection) as queries,
    ):
        response = SubscribeView.as_view()(request)
        during = {
            "statements": [query["sql"] for query in queries.captured_queries],
            "sends": send.call_count,
            "mails": len(mail.outbox),
        }
        close(response)
        after = {"sends": send.call_count, "mails": [m.to for m in mail.outbox]}
    mail.outbox.clear()
    return response, during, after


def test_every_address_gets_the_same_work_in_the_request(reference):
    results = {path: sign_up(address(path), n) for n, path in enumerate(PATHS)}
    requests = {path: during for path, (_response, during, _after) in results.items()}
    # The same SQL, statement for statement (the form's choices only: no write at all), and
    # no email sent while the visitor waits.
    first = requests["new"]
    for path in PATHS:
        assert requests[path] == first, path
    kinds = Counter(sql.split()[0].upper() for sql in first["statements"])
    assert set(kinds) == {"SELECT"}
    assert (first["sends"], first["mails"]) == (0, 0)
    # The same answer.
    answers = {(r.status_code, r["Location"], r.content) for r, _during, _after in results.values()}
    assert len(answers) == 1
    # After the answer: one send and one email for each, to that address.
    for path in PATHS:
        assert results[path][2] == {"sends": 1, "mails": [[f"{path}@example.be"]]}, path


def test_after_the_answer_the_sign_up_is_recorded_and_mailed(reference):
    results = {path: sign_up(address(path), n) for n, path in enumerate(PATHS)}
    assert all(after["sends"] == 1 for _r, _d, after in results.values())
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "new@example.be": "pending",
        "pending@example.be": "pending",
        "confirmed@example.be": "confirmed",
        "unsubscribed@example.be": "pending",
    }
    confirmed = Subscriber.objects.get(email="confirmed@example.be")
    assert confirmed.language == "nl"  # a sign-up never changes a confirmed subscription


def test_a_failure_after_the_answer_is_logged(reference, caplog):
    with mock.patch.object(Subscriber.objects, "sign_up", side_effect=RuntimeError("db down")):
        response, during, after = sign_up("anna@example.be", 9)
    assert response.status_code == 302
    assert after["mails"] == []
    assert "could not be recorded" in caplog.text
