from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import make_group

LOCALE = Path(settings.BASE_DIR) / "locale"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("fr-BE,fr;q=0.9,en;q=0.5", "/fr/"),
        ("en-GB,en;q=0.8", "/en/"),
        ("nl-BE", "/nl/"),
        ("fr-BE", "/fr/"),
        ("en-US", "/en/"),
        # Only languages the site lacks: English, the likeliest to be read.
        ("ar", "/en/"),
        ("uk", "/en/"),
        ("tr;q=1", "/en/"),
        ("de-DE,de;q=0.9", "/en/"),
        # A language the site has wins over the fallback, even with a lower q.
        ("ar, fr;q=0.5", "/fr/"),
        ("uk-UA,uk;q=0.9,ru;q=0.8,nl;q=0.3", "/nl/"),
        ("nl;q=0, ar", "/en/"),
        # Nothing asked for (or anything): the default language.
        ("", "/nl/"),
        ("*", "/nl/"),
        ("ar, *;q=0.5", "/nl/"),
    ],
)
def test_root_sends_visitor_to_preferred_language(client, accept, expected):
    response = client.get("/", headers={"accept-language": accept})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


def test_root_without_accept_language_is_dutch(client):
    response = client.get("/")
    assert response["Location"] == "/nl/"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    ("accept", "expected"), [("ar", "/en/groups/"), ("fr-BE", "/fr/groups/"), ("", "/nl/groups/")]
)
def test_a_path_without_prefix_follows_the_same_rule(client, reference, accept, expected):
    # LocaleMiddleware adds the browser's language to a path it can resolve in that language.
    response = client.get("/groups/", headers={"accept-language": accept})
    if expected == "/en/groups/":
        assert response.status_code == 302
        assert response["Location"] == expected
        assert "Accept-Language" in response["Vary"]
    else:
        assert response.status_code == 404  # /fr/groups/ and /nl/groups/ do not exist


def test_the_admin_speaks_english_to_a_browser_in_another_language(client):
    html = client.get("/admin/login/", headers={"accept-language": "ar"}).content.decode()
    assert 'lang="en"' in html


@pytest.mark.parametrize(
    ("name", "paths"),
    [
        ("home", ("/nl/", "/fr/", "/en/")),
        ("about", ("/nl/over-ons/", "/fr/a-propos/", "/en/about/")),
        ("privacy", ("/nl/privacy/", "/fr/vie-privee/", "/en/privacy/")),
        ("directory:group_list", ("/nl/groepen/", "/fr/groupes/", "/en/groups/")),
        ("directory:network_list", ("/nl/netwerken/", "/fr/reseaux/", "/en/networks/")),
        ("directory:platform_list", ("/nl/platformen/", "/fr/plateformes/", "/en/platforms/")),
        ("directory:helplines", ("/nl/hulp-nu/", "/fr/aide-urgente/", "/en/help-now/")),
        ("articles:list", ("/nl/artikelen/", "/fr/articles/", "/en/articles/")),
        ("newsletter:subscribe", ("/nl/nieuwsbrief/", "/fr/newsletter/", "/en/newsletter/")),
        (
            "directory:propose",
            ("/nl/groep-voorstellen/", "/fr/proposer-un-groupe/", "/en/propose-a-group/"),
        ),
    ],
)
def test_paths_are_translated(name, paths):
    for language, path in zip(("nl", "fr", "en"), paths, strict=True):
        with translation.override(language):
            assert reverse(name) == path


def test_switcher_keeps_page_and_filters(client, reference):
    response = client.get("/fr/groupes/?audience=caregivers&region=brussels")
    html = response.content.decode()
    assert 'href="/nl/groepen/?audience=caregivers&amp;region=brussels"' in html
    assert 'href="/en/groups/?audience=caregivers&amp;region=brussels"' in html
    assert 'aria-current="true" lang="fr"' in html


def test_hreflang_alternates_and_x_default(client, reference):
    html = client.get("/en/networks/").content.decode()
    for language, path in (
        ("nl", "/nl/netwerken/"),
        ("fr", "/fr/reseaux/"),
        ("en", "/en/networks/"),
    ):
        assert (
            f'<link rel="alternate" hreflang="{language}" href="http://testserver{path}">' in html
        )
    assert (
        '<link rel="alternate" hreflang="x-default" href="http://testserver/nl/netwerken/">' in html
    )
    assert '<html lang="en">' in html


def test_group_switcher_uses_each_languages_slug(client, reference):
    group = make_group(
        name_nl="Rouwgroep Elsene", name_fr="Groupe deuil Ixelles", name_en="Grief group"
    )
    html = client.get(f"/fr/groupes/{group.slug_fr}/").content.decode()
    assert f'href="/nl/groepen/{group.slug_nl}/"' in html
    assert f'href="/en/groups/{group.slug_en}/"' in html


def test_set_language_translates_the_next_url(client, reference):
    response = client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/nl/groepen/?kind=support"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/fr/groupes/?kind=support"
    assert not response.cookies  # the language lives in the URL, not in a cookie


@pytest.mark.parametrize(
    "data",
    [
        {"language": "xx", "next": "/nl/groepen/"},
        {"language": "fr", "next": "https://evil.example/"},
        {"language": "fr", "next": "//evil.example/"},
        {"language": "fr"},
        {},
    ],
)
def test_set_language_ignores_bad_input_safely(client, reference, data):
    response = client.post("/i18n/setlang/", data)
    assert response.status_code == 302
    assert response["Location"].startswith("/")
    assert not response["Location"].startswith("//")


def test_unknown_language_prefix_is_a_404_in_the_browser_s_language(client, reference):
    response = client.get("/de/gruppen/", headers={"accept-language": "fr"})
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(("accept", "language"), [("", "nl"), ("ar", "en"), ("de", "en")])
def test_unknown_language_prefix_falls_back_like_the_root(client, reference, accept, language):
    response = client.get("/de/gruppen/", headers={"accept-language": accept})
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    if language == "nl":
        assert "We konden deze pagina niet vinden" in html


def test_unknown_path_is_a_404_in_its_language(client, reference):
    response = client.get("/fr/nulle-part/")
    assert response.status_code == 404
    assert '<html lang="fr">' in response.content.decode()


def test_bad_host_header_is_a_400(client):
    response = client.get("/nl/", headers={"host": "evil.example"})
    assert response.status_code == 400


OVERRIDES = Path(settings.BASE_DIR) / "locale_overrides"


def catalogs():
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def every_catalog():
    """Ours (server and JavaScript texts) and our translations of the packages' texts."""
    return sorted(
        [*LOCALE.glob("*/LC_MESSAGES/*.po"), *OVERRIDES.glob("*/LC_MESSAGES/*.po")],
    )


def catalog_id(path):
    return "/".join((path.parts[-4], path.parts[-3], path.stem))


def test_every_language_has_a_catalog():
    languages = {path.parts[-3] for path in catalogs()}
    assert languages == {code for code, _name in settings.LANGUAGES}
    javascript = {path.parts[-3] for path in LOCALE.glob("*/LC_MESSAGES/djangojs.po")}
    assert javascript == languages


def test_package_overrides_come_after_our_catalog_and_before_the_packages():
    assert [Path(path) for path in settings.LOCALE_PATHS] == [LOCALE, OVERRIDES]


@pytest.mark.parametrize("path", catalogs(), ids=lambda p: p.parts[-3])
def test_catalogs_hold_the_sites_texts(path):
    assert len(polib.pofile(str(path)).translated_entries()) > 100


@pytest.mark.parametrize("path", every_catalog(), ids=catalog_id)
def test_catalogs_have_no_untranslated_or_fuzzy_entry(path):
    catalog = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalog.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalog.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []
