"""An editor writes an article in the admin's rich-text editor, in a real browser."""

from articles.models import Article

from .conftest import signed_in_page


def test_editor_writes_a_body_in_the_rich_text_editor_under_the_csp(
    browser, live_server, live_data, otp_login, settings
):
    context, page, problems = signed_in_page(
        browser, live_server, otp_login, settings, locale="nl-BE"
    )
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    editor = page.locator(".prose-editor:has(#id_body_nl) .ProseMirror[contenteditable=true]")
    editor.wait_for()
    assert page.locator(".prose-editor").count() == 3  # one per language
    page.fill("#id_title_nl", "Een nieuwe gids")
    page.fill("#id_author_name", "Redactie")
    editor.click()
    page.keyboard.type("Eerste alinea van de gids.")
    page.select_option("#id_status", "published")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/articles/article/")
    article = Article.objects.get(title_nl="Een nieuwe gids")
    assert article.body_nl == "<p>Eerste alinea van de gids.</p>"
    assert article.is_public("nl")
    assert not [p for p in problems if "Content Security Policy" in p]
    context.close()
