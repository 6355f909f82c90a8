"""What the group list keeps in the cache between requests, and that it is never stale.

The result cards' group-only parts (directory/cards.py): an edit shows at once, each language
has its own cards, query-dependent words are never cached, and a "Next:" date is dropped once
that session has started. The number of results, cached with the option counts.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, timezone, translation

from directory.models import Audience, Group, Municipality, Organisation, SpokenLanguage
from healing_together.cache import content_version
from tests.directory.test_csv_io import errors_of, new_row, to_csv, upload
from tests.factories import make_group

pytestmark = pytest.mark.django_db

URL = "/en/groups/"


def cards(response):
    """The html of the result cards, in order."""
    assert response.status_code == 200
    return re.findall(r'<article class="group-card">.*?</article>', response.content.decode(), re.S)


def test_a_renamed_group_shows_its_new_name_at_once(client, reference):
    group = make_group(name_en="Old name", summary_en="Old summary")
    assert "Old name" in cards(client.get(URL))[0]
    assert "Old name" in cards(client.get(URL))[0]  # now from the cache
    group.name_en = "New name"
    group.summary_en = "New summary"
    group.save()
    [card] = cards(client.get(URL))
    assert "New name" in card
    assert "New summary" in card
    assert "Old" not in card


def test_terms_languages_and_places_edited_show_on_the_cards(client, reference):
    make_group(audiences=["caregivers"], languages=["nl"])
    client.get(URL)
    audience = Audience.objects.get(slug="caregivers")
    audience.name_en = "Family carers"
    audience.save()
    assert "Family carers" in cards(client.get(URL))[0]
    dutch = SpokenLanguage.objects.get(code="nl")
    dutch.name_en = "Flemish and Dutch"
    dutch.save()
    assert "Flemish and Dutch" in cards(client.get(URL))[0]
    place = Municipality.objects.get(code="21004")
    place.name_en = "Brussels City"
    place.save()
    assert "Brussels City" in cards(client.get(URL))[0]


def test_a_group_given_other_terms_shows_them(client, reference):
    group = make_group(audiences=["caregivers"])
    client.get(URL)
    group.audiences.set(Audience.objects.filter(slug="parents"))
    card = cards(client.get(URL))[0]
    assert Audience.objects.get(slug="parents").name_en in card
    assert Audience.objects.get(slug="caregivers").name_en not in card


def test_an_edited_organisation_makes_its_cards_fresh(client, reference):
    group = make_group(name_en="Circle")
    client.get(URL)
    Organisation.objects.filter(pk=group.organisation_id).first().save()
    group.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        client.get(URL)
    # The card is rendered again: its terms and languages are read.
    assert any("directory_group_languages" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("first", ["/en/groups/", "/fr/groupes/", "/nl/groepen/"])
def test_a_card_is_never_shared_across_languages(client, reference, first):
    make_group(
        name_en="Talking circle",
        name_fr="Cercle de parole",
        name_nl="Praatcirkel",
        audiences=["caregivers"],
        cost="free",
    )
    client.get(first)  # the first language's card is cached
    expected = {
        "/en/groups/": ("Talking circle", "Languages", "Dutch"),
        "/fr/groupes/": ("Cercle de parole", "Langues", "néerlandais"),
        "/nl/groepen/": ("Praatcirkel", "Talen", "Nederlands"),
    }
    for path, words in expected.items():
        [card] = cards(client.get(path))
        for word in words:
            assert word.lower() in card.lower(), (path, word, card)
        others = {w[0] for p, w in expected.items() if p != path}
        assert not any(name in card for name in others), (path, card)


def test_serves_your_area_follows_the_query_not_the_cached_card(client, reference):
    make_group(name_en="Online circle", attendance="online")
    client.get(URL)  # cached without a postcode
    assert "serves your area" in cards(client.get(URL, {"postcode": "1000"}))[0]
    assert "serves your area" not in cards(client.get(URL))[0]
    assert "serves your area" in cards(client.get(URL, {"postcode": "1000"}))[0]


def next_line(group, after=None):
    nxt = timezone.localtime(group.next_session(after))
    with translation.override("en"):
        return f"Next: {dateformat.format(nxt, 'l j F')} at {nxt:%H:%M}"


def test_a_cached_next_session_is_dropped_once_it_has_started(client, reference, monkeypatch):
    group = make_group(frequency="weekly", weekday=1, start_time=datetime.time(19, 0))
    first = group.next_session()
    assert next_line(group) in cards(client.get(URL))[0]
    assert next_line(group) in cards(client.get(URL))[0]  # from the cache
    later = first + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    following = next_line(group, later)
    assert following != next_line(group, first - datetime.timedelta(minutes=1))
    assert following in cards(client.get(URL))[0]


def test_cached_cards_read_no_terms_and_the_queries_stay_few(client, reference):
    for _n in range(25):
        make_group(audiences=["caregivers"], topics=["grief"], languages=["nl", "ar"])
    first = client.get(URL)  # filter options and counts cached, page 1's cards too
    with CaptureQueriesContext(connection) as cold_cards:
        assert len(cards(client.get(URL, {"page": "2"}))) == 5  # cards not cached yet
    assert len(cold_cards.captured_queries) <= 8
    with CaptureQueriesContext(connection) as warm:
        again = client.get(URL)
    sql = [q["sql"] for q in warm.captured_queries]
    assert not [q for q in sql if "_audiences" in q or "_languages" in q]
    # The places come from this process's copy of the municipalities, not from a join.
    assert not [q for q in sql if '"directory_municipality"' in q]
    assert len(warm.captured_queries) == 1
    assert len(warm.captured_queries) < len(cold_cards.captured_queries)
    assert again.content == first.content


def heading(response):
    return re.search(r'<h2 id="results-count">\s*(.*?)\s*</h2>', response.content.decode(), re.S)[1]


def test_the_number_of_results_is_cached_and_follows_changes(client, reference):
    make_group(audiences=["caregivers"])
    make_group(audiences=["parents"])
    assert heading(client.get(URL, {"audience": "caregivers"})).startswith("1 group found")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"audience": "caregivers", "page": "1"})
    assert heading(response).startswith("1 group found")
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    make_group(audiences=["caregivers"])
    assert heading(client.get(URL, {"audience": "caregivers"})).startswith("2 groups found")
    assert response.context["paginator"].count == 1


def test_the_filter_checkboxes_keep_their_labels_and_escape_names(client, reference):
    audience = Audience.objects.get(slug="caregivers")
    audience.name_en = 'Carers <b>&</b> "friends"'
    audience.save()
    make_group(audiences=["caregivers"])
    html = client.get(URL, {"audience": "caregivers"}).content.decode()
    assert (
        '<input type="checkbox" name="audience" value="caregivers" id="f-audience-caregivers"'
        " checked>"
    ) in html
    assert (
        '<label for="f-audience-caregivers">Carers &lt;b&gt;&amp;&lt;/b&gt; &quot;friends&quot;'
        ' <span class="count">(1)</span></label>'
    ) in html
    assert "<legend>For whom</legend>" in html


def test_a_bump_from_another_process_makes_this_process_s_copies_unreachable(client, reference):
    group = make_group(name_en="Before")
    assert "Before" in cards(client.get(URL))[0]
    assert "Before" in cards(client.get(URL))[0]  # this process's copy of the card
    # Another app server saved the group: no signal here, only the shared counter moved.
    Group.objects.filter(pk=group.pk).update(name_en="After")
    content_version.bump()
    assert "After" in cards(client.get(URL))[0]


def test_the_filter_options_are_kept_per_language(client, reference):
    make_group(audiences=["caregivers"], languages=["ar"])
    client.get("/en/groups/", {"audience": "caregivers"})
    html = client.get("/fr/groupes/", {"audience": "caregivers"}).content.decode()
    assert "<legend>Pour qui</legend>" in html
    assert "<legend>For whom</legend>" not in html
    assert '<span lang="ar" dir="rtl">العربية</span> — arabe' in html.lower()


def test_an_import_shows_on_the_public_list_at_once(admin_client, client, reference):
    """Bulk writes send no signals: the import bumps the content version itself, so neither
    the page cache nor the cached result cards keep the old text."""
    existing = make_group(name_nl="Oude naam", languages=["nl"])
    assert "Oude naam" in client.get("/nl/groepen/").content.decode()
    content = to_csv(
        [
            new_row(
                id=str(existing.pk),
                name_nl="Nieuwe naam",
                organization_name=existing.organisation.name,
            )
        ]
    )
    response = upload(admin_client, content)
    assert response.status_code == 302, errors_of(response)
    html = client.get("/nl/groepen/").content.decode()
    assert "Nieuwe naam" in html
    assert "Oude naam" not in html
