"""The footer's sign-up form is on every page and keeps pages cookie-free and cacheable."""

import pytest

from tests.factories import make_group, make_network
from tests.sitemap import sitemap_paths

from .conftest import url

pytestmark = pytest.mark.django_db


def test_every_page_has_the_footer_form_and_only_form_pages_set_a_cookie(client, reference):
    make_group()
    make_network()
    paths = sitemap_paths(client)
    assert url("newsletter:subscribe", "fr") in paths
    for path in paths:
        response = client.get(path)
        html = response.content.decode()
        language = path.split("/")[1]
        assert f'action="{url("newsletter:start", language)}"' in html, path
        if "csrfmiddlewaretoken" not in html:
            assert not response.cookies, path
    newsletter_page = client.get(url("newsletter:subscribe"))
    assert "csrfmiddlewaretoken" in newsletter_page.content.decode()


@pytest.mark.parametrize(
    "name", ["newsletter:thanks", "newsletter:confirm", "newsletter:unsubscribe"]
)
def test_pages_reached_from_emails_are_not_indexed(client, reference, name):
    kwargs = {} if name == "newsletter:thanks" else {"token": "whatever"}
    html = client.get(url(name, **kwargs)).content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert '<link rel="alternate" hreflang' not in html


def test_token_pages_are_never_cached(client, reference):
    response = client.get(url("newsletter:confirm", token="whatever"))
    assert "no-store" in response["Cache-Control"]
