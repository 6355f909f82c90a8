import re
import xml.etree.ElementTree as ET  # our own feed, not untrusted input

import pytest

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_feed_per_language_has_only_that_languages_public_articles(client, reference):
    both = make_article(languages=("nl", "fr"))
    make_article(languages=("nl",))
    make_article(languages=("fr",), status=Article.Status.DRAFT)
    response = client.get("/fr/articles/feed.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [both.title_fr]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link == f"http://testserver{both.get_absolute_url('fr')}"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


def test_feed_is_announced_in_every_page_head(client, reference):
    html = client.get("/en/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/en/articles/feed.xml"' in html


def test_sitemap_lists_articles_with_alternates_of_existing_translations(client, reference):
    full = make_article()
    partial = make_article(languages=("fr", "en"))
    make_article(status=Article.Status.DRAFT)
    xml = client.get("/sitemap.xml").content.decode()
    urls = re.findall(r"<loc>([^<]+)</loc>", xml)
    for code in ("nl", "fr", "en"):
        assert f"http://testserver{full.get_absolute_url(code)}" in urls
    assert f"http://testserver{partial.get_absolute_url('fr')}" in urls
    assert not any(partial.title_fr in u for u in urls)
    block = xml.split(f"<loc>http://testserver{partial.get_absolute_url('fr')}</loc>")[1]
    block = block.split("</url>")[0]
    assert 'hreflang="en"' in block
    assert 'hreflang="fr"' in block
    assert 'hreflang="nl"' not in block
    assert "http://testserver/nl/artikelen/" in urls
    assert sum(1 for u in urls if "/artikelen/" in u or "/articles/" in u) == 3 + 3 + 2


def test_robots_txt_points_to_the_sitemap(client):
    assert "Sitemap: http://testserver/sitemap.xml" in client.get("/robots.txt").content.decode()
