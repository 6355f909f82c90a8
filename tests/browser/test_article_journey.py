"""Reading an article in a real browser, and switching language."""

from tests.factories import make_article

from .conftest import follow


def test_dutch_article_switched_to_french_lands_on_the_french_slug(page, live_server, live_data):
    article = make_article(
        title_nl="Samen minder alleen",
        title_fr="Ensemble, moins seul",
        title_en="Together, less alone",
        audiences=["older-adults"],
        references=1,
    )
    page.goto(f"{live_server.url}/nl/artikelen/")
    follow(page.get_by_role("link", name="Samen minder alleen"))
    assert page.url.endswith(article.get_absolute_url("nl"))
    follow(page.locator(".language-switcher").get_by_role("link", name="français"))
    assert page.url.endswith(f"/fr/articles/{article.slug_fr}/")
    assert page.locator("h1").inner_text() == "Ensemble, moins seul"
    assert page.locator("html").get_attribute("lang") == "fr"


def test_article_without_english_switched_to_english_lands_on_the_list_with_a_notice(
    page, live_server, live_data
):
    article = make_article(languages=("nl", "fr"), title_fr="Seulement en français et néerlandais")
    english = make_article(languages=("en",), title_en="Only in English")
    page.goto(live_server.url + article.get_absolute_url("fr"))
    follow(page.locator(".language-switcher").get_by_role("link", name="English"))
    assert page.url.endswith("/en/articles/?untranslated=1")
    notice = page.get_by_role("status").filter(has_text="not been translated")
    assert notice.is_visible()
    assert page.get_by_role("link", name=english.title_en).is_visible()
