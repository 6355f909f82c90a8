"""Page weight, measured from the browser's network events: what a visitor's phone downloads."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from articles.models import Article
from tests.factories import make_group

pytestmark = pytest.mark.browser

PAGE_BUDGET = 100 * 1024
SCRIPT_BUDGET = 20 * 1024


def transfer(page, url):
    """Load `url` and return every request made, with the bytes that crossed the network."""
    requests, failed, finished = [], [], []
    page.on("request", lambda request: requests.append(request))
    page.on("requestfailed", lambda request: failed.append(request))
    page.on("requestfinished", lambda request: finished.append(request))
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    assert not failed, [request.url for request in failed]
    rows = []
    for request in finished:
        sizes = request.sizes()
        headers = request.response().headers if request.response() else {}
        rows.append(
            {
                "url": request.url,
                "type": request.resource_type,
                "bytes": sizes["responseHeadersSize"] + max(sizes["responseBodySize"], 0),
                "encoding": headers.get("content-encoding", ""),
            }
        )
    return requests, rows


def assert_light(live_server, requests, rows):
    summary = [(row["url"], row["type"], row["bytes"], row["encoding"]) for row in rows]
    hosts = {urlsplit(request.url).netloc for request in requests if "://" in request.url}
    assert hosts == {urlsplit(live_server.url).netloc}, hosts
    total = sum(row["bytes"] for row in rows)
    scripts = sum(row["bytes"] for row in rows if row["type"] == "script")
    print(f"{requests[0].url}: {total:,} bytes in {len(rows)} responses, scripts {scripts:,}")
    assert total < PAGE_BUDGET, summary
    assert scripts < SCRIPT_BUDGET, summary
    for row in rows:
        if row["type"] in ("stylesheet", "script"):
            # Static files travel compressed (WhiteNoise serves the precompressed copies).
            assert row["encoding"] in ("br", "gzip"), row
    return total


def test_group_list_weighs_under_100_kb(page, live_server, live_data):
    for _ in range(20):
        make_group(audiences=["caregivers", "parents"], topics=["grief"], languages=["nl", "fr"])
    requests, rows = transfer(page, f"{live_server.url}/nl/groepen/")
    assert any(row["type"] == "stylesheet" for row in rows)  # the page really loaded its CSS
    assert_light(live_server, requests, rows)


def test_article_page_weighs_under_100_kb(page, live_server, live_data):
    call_command("load_content", verbosity=0)  # the real guidance articles, with references
    article = Article.objects.public("nl").order_by("-pk").first()
    path = article.get_absolute_url("nl")
    requests, rows = transfer(page, f"{live_server.url}{path}")
    document = next(row for row in rows if row["type"] == "document")
    assert document["bytes"] > 5_000  # a real article, not an empty page
    assert_light(live_server, requests, rows)
