"""Writing comfort in the rich-text editor (issue 14 item 8): the spelling is checked in the
field's language, the writing area is tall, and a text pasted from Word keeps its headings,
lists and links, and nothing else."""

import re
from pathlib import Path

from articles.models import Article
from tests.factories import make_article

from .conftest import axe_violations, signed_in_page
from .test_admin_fit import BUILT

# What Word (Microsoft 365, Windows) puts on the clipboard as text/html, shortened: its
# conditional comments, its list paragraphs with typed markers, its styles and classes.
WORD_HTML = (Path(__file__).parent / "word_paste.html").read_text("utf-8")


EXPECTED = (
    "<h2>Rouw bij jongeren</h2>"
    "<p>Een <strong>warme</strong> groep, <em>elke maand</em>, met "
    '<a href="https://www.example.org/rouw">meer uitleg</a>.</p>'
    "<h3>Wat we doen</h3>"
    "<ul><li><p>Praten</p><ul><li><p>In kleine kring</p></li></ul></li>"
    "<li><p>Luisteren</p></li></ul>"
    "<p>Daarna:</p>"
    '<ol data-type="decimal"><li><p>Koffie</p></li><li><p>Naar huis</p></li></ol>'
)

PASTE = """([selector, html]) => {
    const area = document.querySelector(selector);
    area.focus();
    const data = new DataTransfer();
    data.setData("text/html", html);
    data.setData("text/plain", "Rouw bij jongeren");
    const options = {clipboardData: data, bubbles: true, cancelable: true};
    area.dispatchEvent(new ClipboardEvent("paste", options));
}"""


def area(code):
    return f".prose-editor:has(#id_body_{code}) .ProseMirror[contenteditable=true]"


def test_the_editor_checks_spelling_in_the_fields_language_and_is_tall(
    browser, live_server, live_data, otp_login, settings
):
    article = make_article()
    context, page, _problems = signed_in_page(browser, live_server, otp_login, settings, "fr-BE")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.wait_for_function(BUILT)
    for code in ("nl", "fr", "en"):
        editor = page.locator(area(code))
        editor.wait_for(state="attached")
        assert editor.get_attribute("spellcheck") == "true"
        assert editor.get_attribute("lang") == code
    page.locator(".ui-tabs:has(#id_body_fr)").get_by_role("tab", name="FR").click()
    box = page.locator(area("fr")).bounding_box()
    rem = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert 18 * rem <= box["height"] < 768 - 200  # tall, and the toolbar and buttons still fit
    assert axe_violations(page) == []
    context.close()


def test_a_text_pasted_from_word_keeps_headings_lists_and_links_only(
    browser, live_server, live_data, otp_login, settings
):
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings, "nl-BE")
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator(area("nl")).wait_for()
    page.evaluate(PASTE, [area("nl"), WORD_HTML])
    html = page.locator("#id_body_nl").input_value()
    assert html == EXPECTED
    assert not re.search(r"mso|class=|style=|o:p|·|&nbsp;", html)
    # Saved, the text keeps its structure through the server's sanitising.
    page.fill("#id_title_nl", "Rouw bij jongeren")
    page.fill("#id_author_name", "Redactie")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/articles/article/")
    body = Article.objects.get(title_nl="Rouw bij jongeren").body_nl
    for part in ("<h2>Rouw", "<h3>Wat", "<ul><li><p>Praten", "<ol", "<li><p>Koffie", 'href="https'):
        assert part in body, body
    assert not [p for p in problems if "Content Security Policy" in p]
    context.close()


def test_the_language_of_my_emails_page_is_accessible(
    browser, live_server, live_data, otp_login, settings
):
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings, "fr-BE")
    page.goto(f"{live_server.url}/admin/")
    page.get_by_role("link", name="Langue de mes e-mails").click()
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    page.get_by_label("Français").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.locator(".messagelist .success").wait_for()
    assert page.get_by_label("Français").is_checked()
    assert not [p for p in problems if "Content Security Policy" in p]
    context.close()


def test_the_preview_opens_in_a_new_tab_and_leads_back_to_editing(
    browser, live_server, live_data, otp_login, settings
):
    article = make_article(status=Article.Status.DRAFT)
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings, "nl-BE")
    form = f"/admin/articles/article/{article.pk}/change/"
    page.goto(live_server.url + form)
    with context.expect_page() as opened:
        page.get_by_role("link", name="FR (opent in een nieuw tabblad)").click()
    preview = opened.value
    preview.wait_for_load_state("load")
    assert page.url == live_server.url + form  # the form stays open in its own tab
    assert "/fr/" in preview.url
    assert axe_violations(preview) == []
    preview.get_by_role("link", name="Retour à l’édition").click()
    preview.wait_for_url(live_server.url + form)
    assert not [p for p in problems if "Content Security Policy" in p]
    context.close()
