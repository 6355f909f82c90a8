"""A superuser invites a colleague in French; the colleague sets a password and an authenticator
app from the emailed link, in a real browser, and lands signed in on the admin's home. Every
step passes axe."""

import re

from django.core import mail

from .conftest import axe_violations, current_code, follow, signed_in_page

NEW_PASSWORD = "quiet river 42 lantern"


def test_an_invitation_walked_in_french_is_accessible_at_every_step(
    browser, live_server, live_data, otp_login, settings
):
    settings.CSRF_COOKIE_NAME = "csrftoken"
    settings.CSRF_COOKIE_SECURE = False
    settings.SITE_URL = live_server.url
    # (Its console list is not read: axe's own scan sets inline styles, which the CSP reports.)
    context, admin_page, _problems = signed_in_page(
        browser, live_server, otp_login, settings, locale="fr-BE"
    )
    admin_page.goto(f"{live_server.url}/admin/auth/user/")
    follow(admin_page.get_by_role("link", name="Inviter un ou une collègue"))
    assert admin_page.locator("h1").inner_text() == "Inviter un ou une collègue"
    assert axe_violations(admin_page) == []
    admin_page.get_by_label("Adresse e-mail").fill("sophie.martin@example.org")
    admin_page.get_by_label("Prénom").fill("Sophie")
    admin_page.get_by_label("Français").check()
    follow(admin_page.get_by_role("button", name="Envoyer l’invitation"))
    assert "/admin/auth/user/" in admin_page.url
    assert "sophie.martin@example.org" in admin_page.locator(".messagelist").inner_text()
    context.close()

    [message] = mail.outbox
    link = re.search(r"http://\S+/admin/welcome/[^/\s]+/", message.body).group(0)
    invitee = browser.new_context(locale="en-GB")  # the link's language wins
    page = invitee.new_page()
    page.set_default_timeout(10_000)
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Étape 1 sur 2" in page.locator("#content-main").inner_text()
    assert axe_violations(page) == []

    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    follow(page.get_by_role("button", name="Enregistrer mon mot de passe"))
    assert page.locator(".ht-qr").is_visible()
    assert page.get_by_role("img", name="Code QR à scanner").count() == 1
    assert axe_violations(page) == []

    page.fill("#id_otp_token", "12ab")
    follow(page.get_by_role("button", name="Confirmer le code"))
    assert page.locator("#id_otp_token").get_attribute("aria-invalid") == "true"
    assert axe_violations(page) == []

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(user__username="sophie.martin", confirmed=False)
    page.fill("#id_otp_token", current_code(device))
    follow(page.get_by_role("button", name="Confirmer le code"))
    assert page.url == f"{live_server.url}/admin/"
    assert "Bienvenue, Sophie" in page.locator(".messagelist").inner_text()
    assert page.locator("#user-tools").is_visible()
    assert axe_violations(page) == []

    page.goto(link)
    assert page.locator("h1").inner_text() == "Ce lien ne peut pas être utilisé"
    assert page.locator(".ht-qr").count() == 0
    assert axe_violations(page) == []
    invitee.close()
