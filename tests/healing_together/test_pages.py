import pytest

pytestmark = pytest.mark.django_db


def test_home_offers_a_first_step(client, reference):
    html = client.get("/fr/").content.decode()
    assert 'action="/fr/groupes/"' in html
    assert 'name="q"' in html
    assert 'name="postcode"' in html
    assert 'href="/fr/groupes/?audience=caregivers">Aidants proches</a>' in html
    assert 'href="/fr/groupes/?kind=therapy"' in html


@pytest.mark.parametrize(
    ("language", "path", "expected"),
    [
        ("nl", "/nl/privacy/", "Gegevensbeschermingsautoriteit"),
        ("fr", "/fr/vie-privee/", "Autorité de protection des données"),
        ("en", "/en/privacy/", "Data Protection Authority"),
        ("nl", "/nl/over-ons/", "Statbel"),
        ("fr", "/fr/a-propos/", "Statbel"),
        ("en", "/en/about/", "Statbel"),
    ],
)
def test_about_and_privacy_have_real_content(client, reference, language, path, expected):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert expected in html
    assert len(html) > 6000


def test_privacy_names_the_controller_and_contact(client, reference, settings):
    html = client.get("/en/privacy/").content.decode()
    assert settings.PRIVACY_CONTROLLER in html
    assert settings.CONTACT_EMAIL in html


@pytest.mark.parametrize(
    ("path", "numbers"),
    [
        ("/nl/", ["112", "1813", "106"]),
        ("/fr/", ["112", "0800 32 123", "107"]),
        ("/en/", ["112"]),
    ],
)
def test_every_page_shows_the_helpline_strip_for_its_language(client, reference, path, numbers):
    html = client.get(path).content.decode()
    strip = html.split('class="help-strip"', 1)[1].split("</div>\n</div>", 1)[0]
    assert 'class="help-now"' in strip
    for number in numbers:
        assert f"<strong>{number}</strong>" in strip


def test_the_strip_shows_a_helpline_changed_by_an_editor_on_the_next_page(client, reference):
    from directory.models import Helpline

    assert "<strong>1813</strong>" in client.get("/nl/").content.decode()  # rendered, kept
    line = Helpline.objects.get(number="1813")
    line.number = "1814"
    line.save()
    html = client.get("/nl/over-ons/").content.decode()
    assert "<strong>1814</strong>" in html
    assert "<strong>1813</strong>" not in html


def test_helplines_page_lists_every_line_with_its_source(client, reference):
    from directory.models import Helpline

    html = client.get("/en/help-now/").content.decode()
    for line in Helpline.objects.active():
        assert f'href="tel:{line.dial}"' in html
        assert line.source_url in html


def test_strip_falls_back_to_112_when_no_helpline_is_configured(client, reference):
    from directory.models import Helpline

    Helpline.objects.all().delete()
    html = client.get("/nl/over-ons/").content.decode()
    assert '<a href="tel:112">' in html


def test_robots_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


@pytest.mark.parametrize("path", ["/nl/over-ons/", "/fr/a-propos/", "/en/about/"])
def test_footer_data_credits_link_lands_on_the_sources_section(client, reference, path):
    html = client.get(path).content.decode()
    assert 'href="' + path + '#data"' in html
    assert '<section id="data">' in html
    assert "CC BY 4.0" in html


def test_home_title_names_the_site_once(client, reference):
    html = client.get("/en/").content.decode()
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.count("Healing Together") == 1


def test_home_shows_the_latest_articles_of_its_language(client, reference):
    from tests.factories import make_article

    dutch = make_article(languages=("nl",), title_nl="Alleen in het Nederlands")
    french = make_article(languages=("fr",), title_fr="Seulement en français")
    html = client.get("/nl/").content.decode()
    assert dutch.title_nl in html
    assert french.title_fr not in html
