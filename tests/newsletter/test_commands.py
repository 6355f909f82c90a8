"""The cleanup command and the data-request command."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from newsletter import consent
from newsletter.models import Subscriber
from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_purge_deletes_sign_ups_unconfirmed_after_seven_days(reference):
    now = timezone.now()
    stale = make_subscriber(
        "stale@example.be", confirmed=False, asked_at=now - datetime.timedelta(days=7, minutes=1)
    )
    stale.audiences.set([1])
    recent = make_subscriber(
        "recent@example.be", confirmed=False, asked_at=now - datetime.timedelta(days=6, hours=23)
    )
    old_but_confirmed = make_subscriber(
        "loyal@example.be", asked_at=now - datetime.timedelta(days=400)
    )
    assert "Would delete 1 unconfirmed" in run("purge_unconfirmed", "--dry-run")
    assert Subscriber.objects.count() == 3
    assert "Deleted 1 unconfirmed sign-ups" in run("purge_unconfirmed")
    assert set(Subscriber.objects.values_list("pk", flat=True)) == {
        recent.pk,
        old_but_confirmed.pk,
    }
    assert not Subscriber.audiences.through.objects.filter(subscriber_id=stale.pk).exists()
    assert "Deleted 0 unconfirmed sign-ups" in run("purge_unconfirmed")


def test_export_prints_everything_held_about_an_address(reference):
    subscriber = make_subscriber(
        "Anna@example.be", language="fr", regions=["04000"], audiences=["parents"]
    )
    data = json.loads(run("subscriber_data", "export", "anna@EXAMPLE.be"))
    assert data["email"] == "Anna@example.be"
    assert data["status"] == "confirmed"
    assert data["language"] == "fr"
    assert data["interests"]["regions"] == [
        {"code": "04000", "name": "Région de Bruxelles-Capitale"}
    ]
    assert data["interests"]["provinces"] == []
    assert data["interests"]["audiences"][0]["code"] == "parents"
    assert data["consent"]["version"] == consent.CURRENT
    assert data["consent"]["text"]
    assert data["consent"]["asked_at"] == subscriber.asked_at.isoformat()
    assert data["consent"]["confirmed_at"] == subscriber.confirmed_at.isoformat()
    assert data["last_digest_at"] is None


def test_erase_deletes_the_subscriber_at_once(reference):
    make_subscriber("anna@example.be", regions=["04000"])
    keep = make_subscriber("bob@example.be")
    assert "Erased the newsletter data" in run("subscriber_data", "erase", " anna@example.be ")
    assert list(Subscriber.objects.all()) == [keep]
    assert Subscriber.regions.through.objects.count() == 0


@pytest.mark.parametrize("action", ["export", "erase"])
def test_an_unknown_address_is_a_clear_error(reference, action):
    make_subscriber("anna@example.be")
    with pytest.raises(CommandError, match="holds no data"):
        run("subscriber_data", action, "nobody@example.be")
    assert Subscriber.objects.count() == 1
