"""A group's history and two of its versions side by side, in a real browser, in Dutch:
axe finds nothing, the CSP refuses nothing, the compare link leads to the table."""

from tests.factories import make_group

from .conftest import axe_violations, follow, signed_in_page
from .test_admin_editing import csp_problems


def test_history_and_side_by_side_pass_axe(browser, live_server, live_data, otp_login, settings):
    group = make_group(weekday=0, description_nl="<p>Eerste tekst.</p>")
    group.weekday = 2
    group.description_nl = "<p>Tweede tekst.</p>"
    group.save()
    context, page, problems = signed_in_page(
        browser, live_server, otp_login, settings, locale="nl-BE"
    )
    page.goto(f"{live_server.url}/admin/directory/group/{group.pk}/history/")
    assert axe_violations(page) == []
    follow(page.get_by_role("link", name="Vergelijken met de vorige versie").first)
    assert page.get_by_role("columnheader", name="Veld").is_visible()
    assert page.get_by_role("rowheader", name="Dag (gewijzigd)").is_visible()
    assert axe_violations(page) == []
    assert not csp_problems(problems), problems
    context.close()
