"""The sitemap is the single list of public pages that the crawl tests visit."""

import re
from urllib.parse import urlsplit

LOC = re.compile(r"<loc>([^<]+)</loc>")


def sitemap_urls(xml):
    return LOC.findall(xml)


def sitemap_paths(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    paths = []
    for url in sitemap_urls(response.content.decode()):
        parts = urlsplit(url)
        paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths
