"""Issue 14, done when: an Editor in a Dutch and one in a French browser work through a day in
the admin — write and publish an article in three languages, edit a group, read its history (no
HTML, no English), restore a version, delete and undelete, export the groups' CSV and import it
back with "0 changed", and let the session expire with the typing kept — with axe at 0 on every
admin page on the way and no sideways scrolling at 1280 and 768 px."""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore

from articles.models import Article
from directory.models import Group
from healing_together import admin_site
from tests.factories import make_group
from tests.healing_together.test_admin_language import english_words, visible_text

from .conftest import axe_violations, current_code, editor_page, fill_sign_in, follow
from .test_admin_fit import BUILT

WORDS = {
    "nl": {
        "save_changes": "Mijn wijzigingen nu opslaan",
        "recently_deleted": "Onlangs verwijderd",
        "sure": "Ja, ik weet het zeker",
        "restore": "Ja, herstellen",
        "changed": "0 gewijzigd",
        "import": "Controleren en importeren",
        "language_name": "Nederlands",
    },
    "fr": {
        "save_changes": "Enregistrer mes modifications maintenant",
        "recently_deleted": "Récemment supprimés",
        "sure": "Oui, je suis sûr",
        "restore": "Oui, le restaurer",
        "changed": "0 modifiée(s)",
        "import": "Vérifier et importer",
        "language_name": "Français",
    },
}


# The elements that stick out of the window, for the message of a failing check.
WIDE = """() => [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 8).map(e => e.tagName + "#" + e.id + "." + e.className + " "
        + Math.round(e.getBoundingClientRect().right))"""


class Walk:
    """The pages visited, each checked for axe and sideways scrolling as it is reached."""

    def __init__(self, page, language):
        self.page = page
        self.language = language
        self.seen = []

    def check(self, name):
        page = self.page
        page.wait_for_load_state("load")
        page.wait_for_function(BUILT)
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        wide = page.evaluate(WIDE) if width > inner else []
        assert width <= inner, (name, width, inner, wide)
        assert axe_violations(page) == [], name
        if page.url not in self.seen:
            self.seen.append(page.url)

    def no_english(self, name):
        text = visible_text(self.page.content())
        assert english_words(text, self.language) == [], name

    def at_768(self):
        self.page.set_viewport_size({"width": 768, "height": 1024})
        for url in self.seen:
            if "/unsaved/" in url or re.search(r"/recently-deleted/.+/", url):
                continue  # one-time pages
            self.page.goto(url)
            self.check(f"768 px: {url}")


@pytest.mark.parametrize(("language", "locale"), [("nl", "nl-BE"), ("fr", "fr-BE")])
def test_an_editor_works_through_a_day_in_the_admin(
    browser, live_server, editor, otp_login, settings, language, locale, tmp_path
):
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.CSRF_COOKIE_SECURE = False
    words = WORDS[language]
    group = make_group(name_nl="Zonnebloem", name_fr="Zonnebloem", name_en="Sunflower circle")
    name = f"#id_name_{language}"  # the field of the editor's language, on its open tab
    context, page, key = editor_page(browser, live_server, editor, otp_login, settings, locale)
    walk = Walk(page, language)
    admin = f"{live_server.url}/admin"

    # 1. An article in three languages, published.
    page.goto(f"{admin}/articles/article/add/")
    walk.check("article form")
    page.fill("#id_author_name", "Lena")
    for code, title in (("nl", "Samen wandelen"), ("fr", "Marcher ensemble"), ("en", "Walk")):
        tabs = page.locator(f".ui-tabs:has(#id_title_{code})")
        tabs.get_by_role("tab", name=code.upper()).click()
        page.fill(f"#id_title_{code}", title)
        page.locator(f".ui-tabs:has(#id_body_{code})").get_by_role("tab", name=code.upper()).click()
        body = page.locator(f".prose-editor:has(#id_body_{code}) .ProseMirror[contenteditable]")
        body.click()
        page.keyboard.type(f"{title}: een eerste alinea.")
    page.select_option("#id_status", "published")
    follow(page.locator("input[name=_save]"))
    article = Article.objects.get(title_nl="Samen wandelen")
    assert all(article.is_public(code) for code in ("nl", "fr", "en"))
    walk.check("article list")

    # 2. A group edited, with a change note.
    page.goto(f"{admin}/directory/group/{group.pk}/change/")
    walk.check("group form")
    page.fill(name, "Zonnebloem Gent")
    page.fill("#id_change_reason", "Nieuwe naam")
    follow(page.locator("input[name=_save]"))
    group.refresh_from_db()
    assert getattr(group, f"name_{language}") == "Zonnebloem Gent"

    # 3. Its history reads like a person wrote it.
    page.goto(f"{admin}/directory/group/{group.pk}/history/")
    walk.check("history")
    walk.no_english("history")
    history = page.locator("#content-main").inner_text()
    # "Naam [nl]: Zonnebloem → (wordt) Zonnebloem Gent"
    assert re.search(r"Zonnebloem\s*→\s*\w+\s+Zonnebloem Gent", history), history
    assert "<p>" not in history

    # 4. The version before the edit restored.
    follow(page.locator("#content-main table tbody tr").nth(1).locator("a").first)
    walk.check("revert form")
    follow(page.locator("input[name=_save]"))
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()
    group.refresh_from_db()
    assert getattr(group, f"name_{language}") == "Zonnebloem"

    # 5. Deleted, then undeleted.
    page.goto(f"{admin}/directory/group/{group.pk}/delete/")
    walk.check("delete")
    follow(page.get_by_role("button", name=words["sure"]))
    assert not Group.objects.filter(pk=group.pk).exists()
    page.goto(f"{admin}/")
    walk.check("home")
    walk.no_english("home")
    follow(page.get_by_role("link", name=words["recently_deleted"]))
    walk.check("recently deleted")
    follow(page.locator("#content-main td a[href*='/recently-deleted/directory/group/']").first)
    walk.check("restore")
    follow(page.get_by_role("button", name=words["restore"]))
    assert Group.objects.filter(pk=group.pk).exists()

    # 6. The groups' CSV exported and imported back: nothing changes.
    page.goto(f"{admin}/directory/group/")
    walk.check("group list")
    with page.expect_download() as download:
        page.locator("a[href*='/directory/group/export/']").first.click()
    exported = tmp_path / "groups.csv"
    download.value.save_as(exported)
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    page.goto(f"{admin}/directory/group/import/")
    walk.check("import")
    page.set_input_files("input[type=file]", str(exported))
    follow(page.locator("input[type=submit]"))
    message = page.locator(".messagelist").inner_text()
    assert words["changed"] in message, message

    # 7. The session ends while typing; the typing is kept through the sign-in.
    page.goto(f"{admin}/directory/group/{group.pk}/change/")
    page.fill(name, "Zonnebloem, elke maandag")
    session = SessionStore(session_key=key)
    session[admin_site.SESSION_LAST_SEEN] = int(time.time()) - 2 * 3600 - 60
    session.save()
    follow(page.locator("input[name=_save]"))
    assert "/admin/login/" in page.url
    walk.check("sign-in")
    fill_sign_in(page, current_code(editor[1]))
    page.wait_for_url("**/admin/unsaved/")
    walk.check("kept changes")
    follow(page.get_by_role("button", name=words["save_changes"]))
    group.refresh_from_db()
    assert getattr(group, f"name_{language}") == "Zonnebloem, elke maandag"

    walk.at_768()
    context.close()
