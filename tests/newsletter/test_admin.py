"""Subscribers in the admin: only with the subscriber-data permissions; counts; CSV export."""

import csv
import io

import pytest
from django.contrib.auth.models import Permission, User

from tests.factories import make_subscriber

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/newsletter/subscriber/"
EXPORT = "/admin/newsletter/subscriber/export.csv"


@pytest.fixture
def staff(db):
    return User.objects.create_user(
        "staff", "staff@example.org", "a long passphrase", is_staff=True
    )


@pytest.fixture
def subscribers(reference):
    return [
        make_subscriber("anna@example.be", language="fr", regions=["04000"], audiences=["parents"]),
        make_subscriber("=cmd|' /C calc'!A0@example.be", language="nl"),
        make_subscriber("bob@example.be", language="nl", provinces=["10000"]),
        make_subscriber("waiting@example.be", confirmed=False),
    ]


def test_staff_without_subscriber_permissions_sees_nothing(client, staff, otp_login, subscribers):
    otp_login(client, staff)
    for path in (CHANGELIST, EXPORT, f"{CHANGELIST}{subscribers[0].pk}/change/"):
        response = client.get(path)
        assert response.status_code == 403, path
    index = client.get("/admin/").content.decode()
    assert "/admin/newsletter/" not in index


def test_editors_cannot_see_subscribers(editor_client, subscribers):
    assert editor_client.get(CHANGELIST).status_code == 403
    assert editor_client.get(EXPORT).status_code == 403


def test_view_permission_shows_the_list_with_counts(client, staff, otp_login, subscribers):
    staff.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    otp_login(client, staff)
    response = client.get(CHANGELIST, headers={"accept-language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 confirmed subscribers" in html
    assert "1 waiting for confirmation" in html
    assert "Français: 1" in html
    assert "Nederlands: 2" in html
    assert "Brussels-Capital Region: 1" in html
    assert "Antwerp: 1" in html
    assert "anna@example.be" in html
    # Nobody adds or edits a subscriber by hand: a record is a person's proof of consent.
    assert client.get(f"{CHANGELIST}add/").status_code == 403
    detail = client.get(f"{CHANGELIST}{subscribers[0].pk}/change/")
    assert detail.status_code == 200
    assert 'name="email"' not in detail.content.decode()


def test_filters_by_status_and_language(admin_client, subscribers):
    html = admin_client.get(f"{CHANGELIST}?status__exact=pending").content.decode()
    assert "waiting@example.be" in html
    assert "anna@example.be" not in html
    html = admin_client.get(f"{CHANGELIST}?language__exact=fr").content.decode()
    assert "anna@example.be" in html
    assert "bob@example.be" not in html


def test_csv_export_has_confirmed_subscribers_only(admin_client, subscribers):
    response = admin_client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    emails = [row["email"] for row in rows]
    assert "waiting@example.be" not in emails
    assert sorted(emails) == sorted(
        ["anna@example.be", "'=cmd|' /C calc'!A0@example.be", "bob@example.be"]
    )
    anna = next(row for row in rows if row["email"] == "anna@example.be")
    assert anna["language"] == "fr"
    assert anna["regions"] == "04000"
    assert anna["audiences"] == "parents"
    assert anna["confirmed_at"]


def test_deleting_in_the_admin_leaves_no_address_in_its_log(admin_client, subscribers):
    from django.contrib.admin.models import LogEntry

    anna = subscribers[0]
    response = admin_client.post(f"{CHANGELIST}{anna.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not LogEntry.objects.filter(object_repr__contains="anna").exists()
