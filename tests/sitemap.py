"""The sitemap is the single list of public pages that the crawl tests visit."""

import re
import urllib.request
from urllib.parse import urlsplit

LOC = re.compile(r"<loc>([^<]+)</loc>")


def sitemap_urls(xml):
    return LOC.findall(xml)


def live_pages(live_server, *extra_paths):
    """Every URL the live server's sitemap lists, then `extra_paths` on the same server."""
    with urllib.request.urlopen(f"{live_server.url}/sitemap.xml") as response:  # noqa: S310
        urls = sitemap_urls(response.read().decode())
    return urls + [live_server.url + path for path in extra_paths]


def sitemap_paths(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    paths = []
    for url in sitemap_urls(response.content.decode()):
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths
