"""A body the site cannot decode is a 400 in the site's style, never a 500.

Django refuses a form that is not UTF-8 with BadRequest; its default 400 view then re-ran the
CSRF check, which read the body again and raised once more: a 500 (healing_together.views
.bad_request has no such decorator).
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.factories import make_group

pytestmark = pytest.mark.django_db

TOKEN = "a" * 32  # a CSRF secret, as cookie and as field: the check gets as far as the body

BODIES = {
    "utf-7": f"csrfmiddlewaretoken={TOKEN}&email=+ADw-script+AD4-@example.be&name=+ADw-x".encode(),
    "latin-1": f"csrfmiddlewaretoken={TOKEN}&email=caf\xe9@example.be&name=\xff".encode("latin-1"),
    "iso-8859-1": f"csrfmiddlewaretoken={TOKEN}&name=\xe9\xff".encode("latin-1"),
}


def form_paths():
    group = make_group()
    with translation.override("fr"):
        return {
            "propose": reverse("directory:propose"),
            "newsletter": reverse("newsletter:subscribe"),
            "correction": reverse("directory:group_correction", kwargs={"slug": group.slug_fr}),
            "admin login": "/admin/login/",
        }


@pytest.fixture
def browser():
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    return client


@pytest.mark.parametrize("charset", sorted(BODIES))
def test_a_form_in_a_charset_other_than_utf8_gets_the_sites_400(reference, browser, charset):
    for name, path in form_paths().items():
        response = browser.generic(
            "POST",
            path,
            BODIES[charset],
            content_type=f"application/x-www-form-urlencoded; charset={charset}",
        )
        assert response.status_code == 400, (name, path)
        html = response.content.decode()
        assert '<html lang="fr"' in html or name == "admin login", name
        assert "Healing Together" in html, name


def test_the_400_page_is_in_the_visitors_language(reference, browser):
    for language in ("nl", "fr", "en"):
        response = browser.generic(
            "POST",
            f"/{language}/",
            BODIES["utf-7"],
            content_type="application/x-www-form-urlencoded; charset=utf-7",
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert f'<html lang="{language}"' in html
        with translation.override(language):
            assert translation.gettext("We could not understand this request") in html


def test_a_bogus_charset_is_read_as_utf8(reference, browser):
    response = browser.generic(
        "POST",
        form_paths()["newsletter"],
        f"csrfmiddlewaretoken={TOKEN}&email=x".encode(),
        content_type="application/x-www-form-urlencoded; charset=no-such-charset",
    )
    assert response.status_code == 200  # the form again, with its message


def test_a_refused_host_gets_a_plain_400(reference):
    """The 400 page's links come from the Host header: for a refused one, plain text."""
    response = Client().get("/fr/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "Nous n’avons pas pu lire cette demande" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "status"),
    [("/fr/groupes/", 400), ("/fr/groupes/data.json", 400), ("/fr/pas-de-page/", 404)],
)
def test_a_query_with_too_many_keys_gets_the_sites_error_page(reference, path, status):
    """Django refuses more keys than DATA_UPLOAD_MAX_NUMBER_FIELDS; the error page's language
    switcher read the query again and raised once more (a 500, found by test_fuzz)."""
    query = "&".join(["page=1"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client().get(f"{path}?{query}")
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert 'href="/nl/groepen/"' in html or path != "/fr/groupes/"  # the switcher, no query


def test_a_post_with_too_many_query_keys_and_no_csrf_token_gets_the_sites_400(reference):
    """The CSRF failure page reads the query too (its language switcher)."""
    query = "&".join(["q=x"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client(enforce_csrf_checks=True).post(f"/fr/groupes/?{query}", {"q": "x"})
    assert response.status_code in (400, 403)
    assert '<html lang="fr"' in response.content.decode()
