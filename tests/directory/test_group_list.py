import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from directory.models import Group, Municipality
from healing_together.cache import content_version
from tests.factories import make_group, make_network

pytestmark = pytest.mark.django_db

URL = "/en/groups/"


def result_names(response):
    return [g.name for g in response.context["page_obj"].object_list]


def test_filters_combine_and_repeat(client, reference):
    caregivers = make_group(
        name_en="Caregivers café", audiences=["caregivers"], topics=["caregiving"]
    )
    parents = make_group(name_en="Parents circle", audiences=["parents"])
    make_group(name_en="Grief group", audiences=["bereaved"])
    response = client.get(URL, {"audience": ["caregivers", "parents"]})
    assert sorted(result_names(response)) == sorted([caregivers.name, parents.name])
    response = client.get(URL, {"audience": "caregivers", "topic": "caregiving"})
    assert result_names(response) == [caregivers.name]


def test_a_group_matching_several_chosen_values_is_listed_and_counted_once(client, reference):
    both = make_group(
        name_en="Family circle", audiences=["caregivers", "parents"], languages=["nl", "fr"]
    )
    response = client.get(URL, {"audience": ["caregivers", "parents"], "language": ["nl", "fr"]})
    assert result_names(response) == [both.name]
    assert response.context["page_obj"].paginator.count == 1


def test_kind_region_language_attendance_cost_facilitation_open(client, reference):
    target = make_group(
        kind="therapy",
        languages=["ar", "fr"],
        cost="amount",
        cost_amount="10.00",
        facilitation="professional",
        attendance="hybrid",
    )
    make_group(kind="therapy", status="full")
    make_group(
        municipality=Municipality.objects.get(code="11002"), postal_code="2000", kind="therapy"
    )
    query = {
        "kind": "therapy",
        "region": "brussels",
        "language": "ar",
        "attendance": "hybrid",
        "cost": "amount",
        "facilitation": "professional",
        "open": "1",
    }
    assert result_names(client.get(URL, query)) == [target.name]


def test_province_filter_uses_refnis_codes(client, reference):
    antwerp = make_group(municipality=Municipality.objects.get(code="11002"), postal_code="2000")
    make_group()
    assert result_names(client.get(URL, {"province": "10000"})) == [antwerp.name]


def test_postcode_lists_nearest_first_then_online_labelled(client, reference):
    """Nearest first by measured distance (Antwerp, 42 km, is now listed: no distance was
    chosen), then online groups serving the area; the heading names the nearest distance."""
    online = make_group(name_en="Online circle", attendance="online")
    ixelles = make_group(
        name_en="Ixelles group",
        municipality=Municipality.objects.get(code="21009"),
        postal_code="1050",
    )
    antwerp = make_group(
        name_en="Antwerp group",
        municipality=Municipality.objects.get(code="11002"),
        postal_code="2000",
    )
    response = client.get(URL, {"postcode": "1050"})
    assert result_names(response) == [ixelles.name, antwerp.name, online.name]
    html = response.content.decode()
    assert "serves your area" in html
    assert "the nearest ≈ 1 km from City of Brussels, Ixelles" in html
    assert "≈ 42 km" in html  # from the centre of the postcode's two municipalities


def test_text_search_in_french_finds_accented_words(client, reference):
    match = make_group(name_fr="Thérapie de groupe", name_en="Group therapy")
    make_group()
    response = client.get("/fr/groupes/", {"q": "therapie"})
    assert result_names(response) == [match.name_fr]


def test_option_counts_exclude_their_own_facet(client, reference):
    make_group(audiences=["caregivers"], kind="support")
    make_group(audiences=["parents"], kind="support")
    make_group(audiences=["parents"], kind="therapy")
    response = client.get(URL, {"audience": "parents"})
    facets = {
        f["name"]: {o["value"]: o["count"] for o in f["options"]}
        for f in response.context["facets"]
    }
    assert facets["audience"] == {"caregivers": 1, "parents": 2}
    assert facets["kind"] == {"support": 1, "therapy": 1}


def test_result_count_is_announced(client, reference):
    make_group()
    html = client.get(URL).content.decode()
    assert re.search(
        r'<div role="status" aria-live="polite"[^>]*>\s*<h2 id="results-count">\s*1 group found',
        html,
    )


@pytest.mark.parametrize("sort", ["relevance", "next", "nearest", "newest"])
def test_every_sort_works(client, reference, sort):
    make_group()
    make_group(frequency="continuous", weekday=None)
    assert len(result_names(client.get(URL, {"sort": sort, "postcode": "1000"}))) == 2


def test_unknown_values_are_dropped_with_a_note(client, reference):
    make_group(audiences=["parents"])
    response = client.get(
        URL, {"audience": ["parents", "martians"], "postcode": "12", "page": "-4"}
    )
    assert response.status_code == 200
    assert len(result_names(response)) == 1
    notes = " ".join(str(n) for n in response.context["notes"])
    assert "martians" in notes
    assert "four digits" in notes


def test_empty_result_suggests_what_to_drop_and_names_networks(client, reference):
    network = make_network(name="Brussels network", municipality_codes=["21004", "21009"])
    response = client.get(URL, {"postcode": "1050", "audience": "parents"})
    html = response.content.decode()
    assert response.context["total"] == 0
    assert "?postcode=1050" in html  # the link that removes the audience filter
    assert "attendance=online" in html
    assert network.name in html


def test_demo_groups_are_marked(client, reference):
    make_group(is_demo=True)
    assert "Demo listing, not a real group" in client.get(URL).content.decode()


def test_pagination_clamps_out_of_range_pages(client, reference, settings):
    for _ in range(settings.GROUPS_PER_PAGE + 1):
        make_group()
    assert client.get(URL, {"page": "99999"}).context["page_obj"].number == 2
    assert client.get(URL, {"page": "abc"}).context["page_obj"].number == 1


def count_queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {
            "audience": "caregivers",
            "kind": "support",
            "language": "nl",
            "q": "praat",
            "postcode": "1050",
        },
    ],
)
def test_query_count_does_not_grow_with_results(
    client, reference, params, django_assert_num_queries
):
    make_group(audiences=["caregivers"], name_nl="Praatgroep een")
    client.get(URL, params)  # warm the option cache
    content_version.bump()  # the option counts are computed again, as after any change
    with_one = count_queries(client, params)
    for n in range(99):
        make_group(
            audiences=["caregivers", "parents"],
            topics=["grief"],
            languages=["nl", "fr"],
            name_nl=f"Praatgroep {n}",
        )
    with django_assert_num_queries(with_one):
        client.get(URL, params)


def test_paging_a_filtered_list_reuses_its_option_counts(client, reference):
    make_group(audiences=["caregivers"])
    client.get(URL)  # the options themselves are cached apart
    content_version.bump()  # counts, cards and helplines read afresh, as after any change
    first = count_queries(client, {"audience": "caregivers"})
    again = count_queries(client, {"audience": "caregivers", "page": "2", "sort": "newest"})
    assert again < first
    make_group(audiences=["caregivers"])  # any change to the directory: counted afresh
    assert count_queries(client, {"audience": "caregivers"}) == first


def test_query_count_does_not_grow_with_filters(client, reference):
    make_group(audiences=["caregivers"], topics=["grief"])
    client.get(URL)
    few = count_queries(client, {"kind": "support"})
    many = count_queries(
        client,
        {
            "kind": "support",
            "audience": ["caregivers", "parents"],
            "topic": "grief",
            "language": "nl",
            "attendance": "in_person",
            "cost": "free",
            "facilitation": "peer",
            "region": "brussels",
            "open": "1",
            "q": "groep",
        },
    )
    assert many == few


KEYS = [
    "q",
    "kind",
    "region",
    "province",
    "postcode",
    "audience",
    "topic",
    "language",
    "attendance",
    "cost",
    "facilitation",
    "open",
    "within",
    "sort",
    "page",
    "modified_after",
    "x",
]
nasty_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "'; DROP TABLE directory_group; --",
            "<script>alert(1)</script>",
            "\x00",
            "1050",
            "-1",
            "99999999999999999999",
            "caregivers",
            "brussels",
            "%00",
            "ü" * 5000,
        ]
    ),
)


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.lists(st.tuples(st.sampled_from(KEYS), nasty_text), max_size=12),
    language=st.sampled_from(
        [
            "/nl/groepen/",
            "/fr/groupes/",
            "/en/groups/",
            "/en/groups/data.json",
            "/en/groups/data.csv",
        ]
    ),
)
def test_any_query_string_gives_a_page_never_a_500(client, reference_once, params, language):
    from urllib.parse import urlencode

    response = client.get(f"{language}?{urlencode(params)}")
    assert response.status_code in {200, 301, 302, 400, 404}


@pytest.fixture
def reference_once(reference):
    make_group(audiences=["caregivers"])
    make_group(attendance=Group.Attendance.ONLINE)


def test_sort_by_newest_and_next_session(client, reference):
    import datetime

    later = make_group(name_en="Later", weekday=6, frequency="weekly")
    sooner = make_group(name_en="Sooner", frequency="continuous", weekday=None)
    Group.objects.filter(pk=later.pk).update(next_session_on=datetime.date(2030, 1, 1))
    Group.objects.filter(pk=sooner.pk).update(next_session_on=datetime.date(2029, 1, 1))
    assert result_names(client.get(URL, {"sort": "newest"})) == ["Sooner", "Later"]
    assert result_names(client.get(URL, {"sort": "next"})) == ["Sooner", "Later"]
    html = client.get(URL, {"sort": "next"}).content.decode()
    assert '<option value="next" selected>' in html


def test_one_filterset_is_built_for_the_list_and_its_option_counts(client, reference, monkeypatch):
    from directory.filters import GroupFilterSet

    built = []
    original_init = GroupFilterSet.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(GroupFilterSet, "__init__", counting_init)
    make_group(audiences=["caregivers"], name_en="Caregivers café")
    content_version.bump()  # no cached counts: every facet is counted in this request
    response = client.get(
        URL, {"postcode": "1050", "audience": ["caregivers", "martians"], "sort": "nearest"}
    )
    assert response.status_code == 200
    assert response.context["facets"]  # the counts were computed, from the same filterset
    assert len(built) == 1


def test_the_postcode_is_resolved_once_per_request(client, reference):
    make_group(audiences=["caregivers"], name_en="Caregivers café")
    content_version.bump()
    with CaptureQueriesContext(connection) as queries:
        client.get(URL, {"postcode": "1050", "audience": "caregivers"})
    lookups = [q["sql"] for q in queries.captured_queries if "postalcode" in q["sql"].lower()]
    assert len(lookups) == 1, lookups


def chip_links(response):
    """[(accessible name, href)] of the active-filter chips above the results."""
    html = response.content.decode()
    chips = re.findall(r'<a class="chip" href="([^"]*)">(.*?)</a>', html)
    return [(re.sub(r"<[^>]+>|×", "", text).split(), href) for href, text in chips]


def test_each_active_filter_value_is_a_chip_that_removes_just_that_value(client, reference):
    make_group(audiences=["caregivers", "parents"], topics=["grief"])
    response = client.get(
        URL,
        {
            "audience": ["caregivers", "parents", "nobody"],
            "topic": "grief",
            "q": "circle",
            "page": "2",
        },
    )
    chips = chip_links(response)
    names = [" ".join(words) for words, _href in chips]
    assert names == [
        "Remove filter: Words to look for: circle",
        "Remove filter: Caregivers",
        "Remove filter: Parents",
        "Remove filter: Grief",
    ]
    hrefs = dict(zip(names, (href.replace("&amp;", "&") for _w, href in chips), strict=True))
    # Only that value goes; the unknown value is not carried along, nor is the page.
    assert hrefs["Remove filter: Caregivers"] == f"{URL}?audience=parents&topic=grief&q=circle"
    assert hrefs["Remove filter: Words to look for: circle"] == (
        f"{URL}?audience=caregivers&audience=parents&topic=grief"
    )
    assert "Filters (4)" in response.content.decode()


def test_no_chip_without_filters_and_the_count_says_so(client, reference):
    response = client.get(URL, {"audience": "nobody"})
    assert chip_links(response) == []
    assert "Filters (0)" in response.content.decode()


def test_the_results_come_before_the_filter_form(client, reference):
    make_group()
    html = client.get(URL).content.decode()
    assert html.index('id="results-count"') < html.index('<form class="filters"')
    assert 'href="#filters"' in html
    assert 'id="filters"' in html


def test_page_2_says_it_is_page_2_in_the_title_and_the_count(client, reference, settings):
    for _ in range(settings.GROUPS_PER_PAGE + 1):
        make_group()
    html = client.get("/fr/groupes/", {"page": "2"}).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "page 2 sur 2" in title
    count = re.search(r'<h2 id="results-count">(.*?)</h2>', html, re.S).group(1)
    assert "page 2 sur 2" in count
    first = client.get("/fr/groupes/").content.decode()
    assert "page 1 sur" not in re.search(r"<title>(.*?)</title>", first, re.S).group(1)


def test_filter_forms_share_no_field_state_they_could_change(reference):
    """Forms copy their fields shallowly (healing_together.filtering.ShallowCopiedFields):
    a change to one form's field, widget or messages never reaches another form."""
    from directory.filters import GroupFilterSet

    first = GroupFilterSet({"kind": ["support"]}).form
    first.fields["kind"].widget.attrs["data-x"] = "1"
    first.fields["kind"].error_messages["invalid_choice"] = "changed"
    first.fields["kind"].validators.append(lambda value: None)
    first.fields["kind"].label = "changed"
    second = GroupFilterSet({}).form
    assert first.fields["kind"] is not second.fields["kind"]
    assert "data-x" not in second.fields["kind"].widget.attrs
    assert second.fields["kind"].error_messages["invalid_choice"] != "changed"
    assert second.fields["kind"].validators == GroupFilterSet({}).form.fields["kind"].validators
    assert second.fields["kind"].label != "changed"
    assert list(second.fields["kind"].choices) == list(first.fields["kind"].choices)
