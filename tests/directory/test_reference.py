import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from directory.models import Helpline, Municipality, Network, PostalCode, Province, Region
from tests.factories import remove_reference_data

REFERENCE = Path(settings.BASE_DIR) / "fixtures" / "reference"


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference", verbosity=0)
        yield
        remove_reference_data()


@pytest.mark.django_db
def test_geography_is_complete(loaded):
    assert Region.objects.count() == 3
    assert Province.objects.count() == 10
    assert Municipality.objects.count() == 565
    assert Municipality.objects.filter(region__slug="brussels").count() == 19
    assert set(
        Municipality.objects.filter(postal_codes__code="1050").values_list("code", flat=True)
    ) == {"21004", "21009"}
    assert Municipality.objects.get(code="21009").name_fr == "Ixelles"
    assert Province.objects.get(code="20002").name_en == "Walloon Brabant"
    assert not Municipality.objects.filter(source_url="").exists()


@pytest.mark.django_db
def test_loading_twice_changes_nothing(loaded):
    before = (Municipality.objects.count(), PostalCode.objects.count(), Network.objects.count())
    call_command("load_reference", verbosity=0)
    assert (
        Municipality.objects.count(),
        PostalCode.objects.count(),
        Network.objects.count(),
    ) == before


@pytest.mark.django_db
def test_editors_changes_survive_a_reload(loaded):
    line = Helpline.objects.get(dial="112")
    line.hours_en = "Edited by an editor"
    line.save()
    call_command("load_reference", verbosity=0)
    assert Helpline.objects.get(dial="112").hours_en == "Edited by an editor"


@pytest.mark.django_db
def test_every_adult_network_municipality_exists_once(loaded):
    counts = Counter(
        Network.objects.filter(kind="adult").values_list("municipalities__code", flat=True)
    )
    assert counts, "no adult network loaded"
    assert max(counts.values()) == 1


@pytest.mark.django_db
def test_postcode_1050_is_covered_by_brussels_networks(loaded):
    ixelles = Municipality.objects.filter(postal_codes__code="1050")
    kinds = set(Network.objects.covering(ixelles).values_list("kind", flat=True))
    assert kinds == {"adult", "youth"}


@pytest.mark.parametrize("name", ["helplines.json", "platforms.json", "networks.json"])
def test_reference_records_carry_a_source(name):
    data = json.loads((REFERENCE / name).read_text("utf-8"))
    records = next(
        value for key, value in data.items() if isinstance(value, list) and key != "left_out"
    )
    assert records
    for record in records:
        assert record["source_url"].startswith(("https://", "http://")), record


def test_required_helplines_are_there():
    data = json.loads((REFERENCE / "helplines.json").read_text("utf-8"))
    numbers = {line["dial"]: line for line in data["helplines"]}
    for dial in ("112", "1813", "080032123", "106", "107"):
        assert dial in numbers, dial
    assert "nl" in numbers["1813"]["strip_languages"]
    assert "fr" in numbers["080032123"]["strip_languages"]
    assert {"nl", "fr", "en"} <= set(numbers["112"]["strip_languages"])
