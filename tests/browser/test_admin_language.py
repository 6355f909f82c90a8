"""What the admin's scripts write, in the editor's language: the rich-text editor's toolbar and
link dialog, and the pickers (audiences, topics…), in a Dutch and in a French browser."""

import pytest

from tests.healing_together.test_admin_language import english_words, visible_text

from .conftest import signed_in_page

EXPECTED = {
    "nl": {
        "bold": "Vet",
        "heading": "Kop 2",
        "paragraph": "Alinea",
        "dialog": ["Link bewerken", "Webadres", "Titel", "Toepassen", "Annuleren"],
        "picker": "Kies doelgroepen door ze te selecteren",
    },
    "fr": {
        "bold": "Gras",
        "heading": "Titre 2",
        "paragraph": "Paragraphe",
        "dialog": ["Modifier le lien", "Adresse web", "Titre", "Appliquer", "Annuler"],
        "picker": "Choisissez des publics en les sélectionnant",
    },
}


@pytest.mark.parametrize(("language", "locale"), [("nl", "nl-BE"), ("fr", "fr-BE")])
def test_the_group_forms_scripts_speak_the_editors_language(
    browser, live_server, live_data, otp_login, settings, language, locale
):
    expected = EXPECTED[language]
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings, locale)
    page.goto(f"{live_server.url}/admin/directory/group/add/")
    page.locator(".ui-tabs:has(#id_description_nl)").get_by_role("tab", name="NL").click()
    menu = page.locator(".prose-editor:has(#id_description_nl) .prose-menubar")
    menu.wait_for()

    # The toolbar's tooltips and the names screen readers give its buttons.
    bold = menu.locator(".prose-menubar__button[title]", has_text="format_bold")
    assert bold.get_attribute("title") == expected["bold"]
    assert bold.get_attribute("aria-label") == expected["bold"]
    picker_texts = menu.locator(".prose-menubar__picker").evaluate_all(
        "pickers => pickers.map(picker => picker.textContent)"
    )
    assert any(expected["heading"] in text for text in picker_texts), picker_texts
    assert any(expected["paragraph"] in text for text in picker_texts), picker_texts
    titles = menu.locator("[title]").evaluate_all(
        "buttons => buttons.map(button => button.title + ' ' + button.ariaLabel)"
    )
    assert english_words(" ".join(titles), language) == []

    # The link dialog (django-prose-editor asks the JavaScript catalog for its texts).
    editor = page.locator(".prose-editor:has(#id_description_nl) > .tiptap")
    editor.click()
    page.keyboard.type("Trefpunt")
    page.keyboard.press("Shift+Home")
    menu.locator(".prose-menubar__button", has_text="insert_link").click()
    dialog = page.locator("dialog[open]")
    dialog.wait_for()
    dialog_text = visible_text(dialog.evaluate("dialog => dialog.outerHTML"))
    for text in expected["dialog"]:
        assert text in dialog_text, dialog_text
    assert english_words(dialog_text, language) == []
    dialog.get_by_role("button", name=expected["dialog"][-1]).click()

    # The pickers (Django's SelectFilter2), built by script from the same catalog.
    picker = page.locator(".selector:has(#id_audiences_from)")
    picker.wait_for()
    picker_text = visible_text(picker.evaluate("picker => picker.outerHTML"))
    assert expected["picker"] in picker_text, picker_text
    assert english_words(picker_text, language) == []
    assert not [p for p in problems if "Refused" in p or "Content Security Policy" in p]
    context.close()
