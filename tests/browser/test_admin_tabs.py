"""The language tabs mark the empty ones, in words and with a sign (issue 14, item 7)."""

from tests.factories import make_group

from .conftest import signed_in_page


def test_empty_language_tabs_are_marked_and_the_mark_follows_typing(
    browser, live_server, live_data, otp_login, settings
):
    group = make_group(name_fr="", summary_fr="")
    context, page, _problems = signed_in_page(browser, live_server, otp_login, settings, "nl-BE")
    page.goto(f"{live_server.url}/admin/directory/group/{group.pk}/change/")
    tabs = page.locator(".ui-tabs:has(#id_name_nl) .ui-tabs-nav a")
    tabs.first.wait_for()
    page.wait_for_load_state("load")
    marked = page.locator(".ui-tabs:has(#id_name_nl) .ui-tabs-nav a.ht-tab-is-empty")
    assert marked.count() == 1
    assert marked.first.get_attribute("data-ht-panel") == "tab_id_name_fr"
    assert marked.first.text_content() == "fr ∅ (leeg)"  # shown in capitals
    page.locator(".ui-tabs:has(#id_name_nl)").get_by_role("tab", name="FR").click()
    page.locator("#id_name_fr").fill("Groupe de parole")
    assert marked.count() == 0
    context.close()
