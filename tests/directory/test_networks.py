import pytest

from tests.factories import make_network

pytestmark = pytest.mark.django_db


def test_postcode_1050_finds_the_brussels_networks(client, reference):
    adult = make_network(name="Brussels adults", municipality_codes=["21004", "21009"])
    youth = make_network(name="Brussels youth", kind="youth", municipality_codes=["21004", "21009"])
    make_network(name="Antwerp adults", municipality_codes=["11002"])
    response = client.get("/en/networks/", {"postcode": "1050"})
    found = list(response.context["found"])
    assert found == [adult, youth]
    html = response.content.decode()
    assert "Networks for City of Brussels, Ixelles" in html


@pytest.mark.parametrize("query", ["elsene", "Ixelles", "IXELLES"])
def test_find_by_municipality_name_in_any_language(client, reference, query):
    network = make_network(municipality_codes=["21009"])
    assert list(client.get("/nl/netwerken/", {"postcode": query}).context["found"]) == [network]


@pytest.mark.parametrize("query", ["0000", "x", "<script>", "\x00", "9" * 500])
def test_unknown_place_gets_a_clear_answer(client, reference, query):
    response = client.get("/en/networks/", {"postcode": query})
    assert response.status_code == 200
    assert "We found no network" in response.content.decode()


def test_network_page_lists_municipalities_and_source(client, reference):
    network = make_network(website="https://example.org", phone="+32 2 000 00 00")
    html = client.get(f"/fr/reseaux/{network.slug}/").content.decode()
    assert "Ixelles" in html
    assert "Bruxelles" in html
    assert network.source_url in html
    assert "2 communes" in html or "2 municipalities" in html or "2 " in html


def test_networks_list_by_region(client, reference, django_assert_max_num_queries):
    make_network()
    with django_assert_max_num_queries(6):
        response = client.get("/en/networks/")
    assert [region.slug for region, _networks in response.context["networks_by_region"]] == [
        "brussels"
    ]
