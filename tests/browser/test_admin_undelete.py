"""Undo a delete in a real browser, in Dutch (issue 14 item 3): an editor deletes a group,
finds it under "Onlangs verwijderd" from the admin home, and restores it. axe finds nothing on
the delete page (which says where to undo it), the home, the list and the confirmation page,
and the CSP refuses nothing."""

from directory.models import Group
from tests.factories import make_group

from .conftest import axe_violations, follow, signed_in_page
from .test_admin_editing import csp_problems


def test_delete_then_restore_a_group(browser, live_server, live_data, otp_login, settings):
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.CSRF_COOKIE_SECURE = False
    group = make_group(name_nl="Praatgroep Terugkeer", topics=["grief"])
    topics = set(group.topics.values_list("pk", flat=True))
    context, page, problems = signed_in_page(
        browser, live_server, otp_login, settings, locale="nl-BE"
    )
    page.goto(f"{live_server.url}/admin/directory/group/{group.pk}/delete/")
    assert page.get_by_text("U kunt dit achteraf ongedaan maken onder").is_visible()
    assert axe_violations(page) == []
    follow(page.get_by_role("button", name="Ja, ik weet het zeker"))
    assert not Group.objects.filter(pk=group.pk).exists()

    page.goto(f"{live_server.url}/admin/")
    assert axe_violations(page) == []
    follow(page.get_by_role("link", name="Onlangs verwijderd"))
    assert page.get_by_role("heading", name="Onlangs verwijderd").is_visible()
    assert page.get_by_role("rowheader", name="Praatgroep Terugkeer").is_visible()
    assert axe_violations(page) == []

    follow(page.get_by_role("link", name="Herstellen Praatgroep Terugkeer"))
    assert page.get_by_role("heading", name="“Praatgroep Terugkeer” herstellen?").is_visible()
    assert axe_violations(page) == []
    follow(page.get_by_role("button", name="Ja, herstellen"))

    message = page.locator(".messagelist .success")
    assert "“Praatgroep Terugkeer” (groep) is terug." in message.inner_text()
    assert page.get_by_text("Niets verwijderd om te herstellen.").is_visible()
    restored = Group.objects.get(pk=group.pk)
    assert set(restored.topics.values_list("pk", flat=True)) == topics
    follow(message.get_by_role("link", name="Openen"))
    assert page.locator("#id_name_nl").input_value() == "Praatgroep Terugkeer"
    assert not csp_problems(problems), problems
    context.close()
