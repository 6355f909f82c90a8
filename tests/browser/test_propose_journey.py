"""An organiser proposes a group in French; an editor approves it; it is on the public list.

Everyone is in Chromium: the organiser and the visitor on the public site (axe-core on every
page they see), the editor in their own browser window, signing in to the admin with password
and authenticator code.
"""

from django.core import mail
from django.urls import reverse
from django.utils import translation

from directory.models import CorrectionReport, Group

from .conftest import axe_violations, current_code, fill_sign_in, follow


def fr(text):
    """The French wording of a UI string (the English one until the catalog has it)."""
    with translation.override("fr"):
        return translation.gettext(text)


def fr_url(name, **kwargs):
    with translation.override("fr"):
        return reverse(name, kwargs=kwargs)


def test_a_french_proposal_is_approved_and_listed(browser, page, live_server, editor):
    page.goto(live_server.url + fr_url("directory:propose"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []

    # Sent empty: the error summary is shown, focused, and links to the first field.
    follow(page.get_by_role("button", name=fr("Send my proposal")))
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert summary.evaluate("el => el === document.activeElement")
    assert page.title().startswith(fr("Error:"))
    assert axe_violations(page) == []
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_kind_0"

    form = page.locator("form.public-form")  # not the footer's newsletter sign-up
    form.get_by_label(fr("Support group"), exact=True).check()
    form.get_by_label(fr("Name of the group")).fill("Café des aidants Ixelles")
    form.get_by_label(fr("Short description")).fill(
        "Un moment chaleureux pour souffler entre aidants proches."
    )
    form.get_by_label(fr("A trained peer"), exact=True).check()
    form.get_by_label("Aidants proches", exact=True).check()
    form.get_by_label("Français", exact=True).check()
    form.get_by_label(fr("In person"), exact=True).check()
    form.get_by_label(fr("Postcode")).fill("1050")
    form.get_by_label(fr("Municipality")).fill("Ixelles")
    form.get_by_label(fr("When does the group meet?")).fill("Chaque mardi, de 19 h à 21 h.")
    form.get_by_label(fr("Every week"), exact=True).check()
    form.get_by_label(fr("Day"), exact=True).select_option("1")
    form.get_by_label(fr("Start time")).fill("19:00")
    form.get_by_label(fr("Free"), exact=True).check()
    form.locator("#id_registration_0").check()  # no registration: just come
    form.get_by_label(fr("Organisation that runs the group")).fill("Aidants Proches Bruxelles")
    form.get_by_label(fr("Your name")).fill("Camille Dupont")
    form.get_by_label(fr("Your email")).fill("camille@example.org")
    form.get_by_label(fr("I organise this group, or I am allowed to list it.")).check()
    follow(page.get_by_role("button", name=fr("Send my proposal")))

    assert page.url == live_server.url + fr_url("directory:propose_thanks")
    assert page.locator("h1").inner_text() == fr("Thank you for your proposal")
    assert axe_violations(page) == []

    group = Group.objects.get()
    assert group.published is False
    assert group.proposal_language == "fr"
    # The editor Lena is told at her own address (in Dutch, she never chose another language).
    assert [m.to for m in mail.outbox] == [["lena@example.org"], ["camille@example.org"]]
    # Not on the public list before an editor approves it.
    page.goto(live_server.url + fr_url("directory:group_list"))
    assert "Café des aidants Ixelles" not in page.locator("main").inner_text()

    # The editor, in their own browser window: password and authenticator code, then approve.
    _user, device = editor
    window = browser.new_context(locale="fr-BE")
    admin = window.new_page()
    admin.set_default_timeout(10_000)
    admin.goto(f"{live_server.url}/admin/directory/proposal/")
    fill_sign_in(admin, current_code(device))
    follow(admin.get_by_role("link", name="Café des aidants Ixelles"))
    follow(admin.get_by_role("link", name=fr("Approve and publish")))
    admin.get_by_role("button", name=fr("Approve and publish")).click()
    admin.wait_for_url("**/admin/directory/proposal/**")
    window.close()
    group.refresh_from_db()
    assert group.published is True
    assert "Café des aidants Ixelles" in mail.outbox[-1].subject

    page.goto(live_server.url + fr_url("directory:group_list"))
    follow(page.get_by_role("link", name="Café des aidants Ixelles"))
    assert page.locator("h1").inner_text() == "Café des aidants Ixelles"

    # A visitor reports a correction from the group's page.
    follow(page.get_by_role("link", name=fr("Report a correction")))
    assert page.url.endswith(fr_url("directory:group_correction", slug=group.slug_fr))
    assert axe_violations(page) == []
    page.locator("form.public-form").get_by_label(fr("What is wrong or out of date?")).fill(
        "Le groupe a lieu le jeudi."
    )
    follow(page.get_by_role("button", name=fr("Send"), exact=True))
    assert page.locator("h1").inner_text() == fr("Thank you for your report")
    assert axe_violations(page) == []
    assert CorrectionReport.objects.get().message == "Le groupe a lieu le jeudi."
