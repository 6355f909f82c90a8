import json
import re

import pytest
from icalendar import Calendar

from directory.models import Group
from tests.factories import make_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(reference):
    return make_group(
        name_nl="Rouwgroep Elsene",
        name_fr="Groupe deuil Ixelles",
        name_en="Grief group Ixelles",
        kind="therapy",
        facilitation="professional",
        audiences=["bereaved"],
        topics=["grief"],
        frequency="monthly",
        weekday=1,
        week_of_month=2,
        cost="amount",
        cost_amount="12.00",
        registration="email",
        registration_email="info@example.org",
        venue="Maison des Aînés",
        street_address="Rue Gray 1",
        postal_code="1050",
        min_age=18,
        max_age=30,
    )


def test_group_page_shows_every_fact(client, group):
    response = client.get(f"/en/groups/{group.slug_en}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Grief group Ixelles",
        "Group therapy",
        "A professional",
        "Bereaved people",
        "Grief",
        "€ 12.00",
        "info@example.org",
        "Maison des Aînés",
        "Rue Gray 1",
        "18 to 30 years",
        "Last verified on",
        "Report a correction",
        "Next sessions",
        "the second Tuesday of the month",
    ):
        assert text in html, text


def test_slug_of_another_language_redirects_to_this_languages_slug(client, group):
    response = client.get(f"/en/groups/{group.slug_fr}/")
    assert response.status_code == 301
    assert response["Location"] == f"/en/groups/{group.slug_en}/"


@pytest.mark.parametrize("fields", [{"published": False}, {"status": "ended"}])
def test_unpublished_and_ended_groups_are_404(client, reference, fields):
    group = make_group(**fields)
    assert client.get(f"/en/groups/{group.slug_en}/").status_code == 404


def test_unknown_slug_is_a_404_in_the_visitors_language(client, reference):
    response = client.get("/fr/groupes/nexiste-pas/")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()


def test_json_ld_describes_the_event(client, group):
    html = client.get(f"/en/groups/{group.slug_en}/").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "Event"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["location"]["address"]["postalCode"] == "1050"
    assert data["organizer"]["name"] == group.organisation.name
    assert data["offers"]["price"] == "12.00"
    assert data["eventSchedule"]["repeatFrequency"] == "P1M"
    assert data["eventSchedule"]["byMonthWeek"] == 2


def test_json_ld_cannot_break_out_of_its_script(client, reference):
    group = make_group(name_en="</script><script>alert(1)</script>")
    html = client.get(f"/en/groups/{group.slug_en}/").content.decode()
    assert "<script>alert(1)" not in html


def test_online_group_has_a_virtual_location(client, reference):
    group = make_group(attendance="online")
    html = client.get(f"/en/groups/{group.slug_en}/").content.decode()
    assert '"@type": "VirtualLocation"' in html


def test_ical_file_has_the_recurrence_rule(client, group):
    response = client.get(f"/en/groups/{group.slug_en}/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    event = calendar.walk("VEVENT")[0]
    assert event["SUMMARY"] == "Grief group Ixelles"
    assert event["RRULE"]["FREQ"] == ["MONTHLY"]
    assert event["RRULE"]["BYDAY"] == ["2TU"]
    assert str(event["DTSTART"].dt.tzinfo) == "Europe/Brussels"
    assert "Rue Gray 1" in str(event["LOCATION"])
    assert b"\r\n" in response.content  # RFC 5545 line endings


def test_group_detail_query_count_is_constant(client, group, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(f"/en/groups/{group.slug_en}/")


def test_demo_group_page_warns(client, reference):
    group = make_group(is_demo=True)
    html = client.get(f"/nl/groepen/{group.slug_nl}/").content.decode()
    assert "Demo" in html or "demo" in html
    assert Group.objects.get(pk=group.pk).is_demo


def test_no_map_and_no_third_party_request_by_default(client, reference):
    group = make_group(latitude="50.83300", longitude="4.36700")
    html = client.get(f"/en/groups/{group.slug_en}/").content.decode()
    assert 'class="map"' not in html


def test_map_when_an_operator_sets_a_tile_server(client, reference, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    group = make_group(latitude="50.83300", longitude="4.36700")
    html = client.get(f"/en/groups/{group.slug_en}/").content.decode()
    # Zoom 16 tile of that point in Ixelles: x = 33562, y = 21988.
    assert 'href="https://tiles.example.org/16/33562/21988.png"' in html
    assert "<circle cx=" in html


def test_a_group_written_in_one_language_is_shown_in_the_others_marked_with_lang(client, reference):
    group = make_group(name_nl="", name_fr="Cercle de parole", name_en="", summary_fr="Un cercle.")
    listing = client.get("/nl/groepen/").content.decode()
    assert 'lang="fr">Cercle de parole</a>' in listing
    page = client.get(group.get_absolute_url())
    assert page.status_code == 200
    assert "Cercle de parole" in page.content.decode()
