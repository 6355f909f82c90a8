"""On a phone the results come before the filters, which stay one link away (no JavaScript)."""

from tests.factories import make_group

from .conftest import follow


def test_on_a_phone_the_first_result_is_on_the_first_screen_and_filters_a_link_away(
    browser, live_server, live_data
):
    for _ in range(3):
        make_group(audiences=["caregivers", "parents"], topics=["grief"])
    context = browser.new_context(
        java_script_enabled=False, locale="fr-BE", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/fr/groupes/?audience=caregivers&audience=parents")
        first_card = page.locator(".group-card").first.bounding_box()
        assert first_card["y"] < 844
        chips = page.locator(".active-filters a.chip")
        assert chips.first.get_attribute("href").endswith("?audience=parents")
        # The "Filters (n)" link jumps to the form, whose apply button is at hand.
        link = page.get_by_role("link", name="Filtres (2)")
        link.click()
        assert page.evaluate("location.hash") == "#filters"
        page.get_by_label("Deuil", exact=False).first.check()
        apply = page.get_by_role("button", name="Appliquer les filtres")
        box = apply.bounding_box()
        # It sticks to the bottom of the screen, in view while ticking boxes.
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= 844
        follow(apply)
        assert "topic=grief" in page.url
        follow(page.get_by_role("link", name="Retirer le filtre : Aidants proches"))
        assert "audience=caregivers" not in page.url
        assert "audience=parents" in page.url
    finally:
        context.close()
