"""An editor opens the group form in a real browser: tabs, rich text, nothing the CSP refuses."""

from directory.models import Group
from tests.factories import make_group

from .conftest import signed_in_page


def csp_problems(problems):
    return [p for p in problems if "Content Security Policy" in p or "Refused" in p]


def test_group_form_tabs_and_rich_text_work_under_the_csp(
    browser, live_server, live_data, otp_login, settings
):
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings)
    page.goto(f"{live_server.url}/admin/directory/group/add/")

    # NL/FR/EN tabs: one language's field is shown at a time, and the tabs switch it.
    name_tabs = page.locator(".ui-tabs:has(#id_name_nl)")
    name_tabs.wait_for()
    # Each tab reads its language, then (on this empty form) "∅ (empty)".
    tab_texts = name_tabs.locator(".ui-tabs-nav a").all_inner_texts()
    assert [text.split()[0] for text in tab_texts] == ["NL", "FR", "EN"]
    name_tabs.get_by_role("tab", name="FR").click()
    assert page.locator("#id_name_fr").is_visible()
    assert not page.locator("#id_name_nl").is_visible()
    name_tabs.get_by_role("tab", name="NL").click()
    assert page.locator("#id_name_nl").is_visible()
    assert not page.locator("#id_name_fr").is_visible()

    # The description of every language gets the rich-text editor.
    page.locator(".ui-tabs:has(#id_description_nl)").get_by_role("tab", name="NL").click()
    editor = page.locator(".prose-editor:has(#id_description_nl) > .tiptap[contenteditable=true]")
    editor.wait_for()
    assert page.locator(".prose-editor > .tiptap").count() == 3

    # Typing in the editor writes HTML into the form field.
    editor.click()
    page.keyboard.type("Een warme groep.")
    assert page.locator("#id_description_nl").input_value() == "<p>Een warme groep.</p>"

    assert not csp_problems(problems), problems
    context.close()


def test_group_change_and_list_pages_have_no_csp_violation(
    browser, live_server, live_data, otp_login, settings
):
    group = make_group(description_nl="Eerste alinea.\n\nTweede alinea.")
    versions = Group.history.filter(id=group.pk).count()
    context, page, problems = signed_in_page(browser, live_server, otp_login, settings)
    page.goto(f"{live_server.url}/admin/directory/group/{group.pk}/change/")
    page.locator(".ui-tabs:has(#id_description_nl)").get_by_role("tab", name="NL").click()
    editor = page.locator(".prose-editor:has(#id_description_nl) > .tiptap")
    editor.wait_for()
    # An older plain-text description keeps its paragraphs in the editor.
    assert editor.locator("p").count() == 2
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()
    group.refresh_from_db()
    # Saved as HTML from now on, paragraphs kept.
    assert group.description_nl.replace("\n", "") == "<p>Eerste alinea.</p><p>Tweede alinea.</p>"
    for path in (
        "",
        "directory/group/",
        "directory/group/import/",
        f"directory/group/{group.pk}/history/",
    ):
        page.goto(f"{live_server.url}/admin/{path}")
        page.wait_for_load_state("load")
    assert Group.history.filter(id=group.pk).count() == versions + 1
    assert not csp_problems(problems), problems
    context.close()
