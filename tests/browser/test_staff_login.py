"""An editor signs in to the admin with password and authenticator code, in a real browser."""

from axes.models import AccessAttempt

from .conftest import PASSWORD, axe_violations, current_code, fill_sign_in


def watch_console(page):
    """Errors in the browser's console: blocked by the CSP, missing files, script errors.

    The admin pages other than sign-in declare no icon, so the browser asks for /favicon.ico,
    which does not exist: that one is left out.
    """
    problems = []

    def on_console(message):
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(f"{message.text} {message.location['url']}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return problems


def test_editor_signs_in_with_password_and_code(page, live_server, editor):
    _user, device = editor
    problems = watch_console(page)
    page.goto(f"{live_server.url}/admin/")
    assert "/admin/login/" in page.url
    assert page.locator("html").get_attribute("lang") == "fr"
    assert axe_violations(page) == []

    fill_sign_in(page, current_code(device))
    page.wait_for_url(f"{live_server.url}/admin/")
    assert page.locator("#user-tools").is_visible()
    # Editors see their content, not the user accounts.
    assert page.locator('a[href="/admin/directory/group/"]').count() >= 1
    assert page.locator('a[href="/admin/auth/user/"]').count() == 0
    assert problems == []


def test_a_wrong_code_shows_an_accessible_error(page, live_server, editor):
    problems = watch_console(page)
    page.goto(f"{live_server.url}/admin/login/")
    fill_sign_in(page, "000000" if current_code(editor[1]) != "000000" else "111111")
    assert "/admin/login/" in page.url
    assert page.locator(".errornote").is_visible()
    assert page.title().startswith("Erreur")
    # The code field still has its label and help, linked for screen readers.
    token = page.locator("#id_otp_token")
    assert token.get_attribute("aria-describedby") == "id_otp_token_helptext"
    assert axe_violations(page) == []

    page.fill("#id_otp_token", "12ab")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    assert token.get_attribute("aria-invalid") == "true"
    assert "id_otp_token_error" in token.get_attribute("aria-describedby")
    assert page.locator("#id_otp_token_error").is_visible()
    assert axe_violations(page) == []
    assert problems == []


def test_the_lockout_page_is_clear_and_accessible(page, live_server, editor):
    for _attempt in range(5):
        page.goto(f"{live_server.url}/admin/login/")
        fill_sign_in(page, current_code(editor[1]), password="a wrong guess")
    assert AccessAttempt.objects.get(username="lena").failures_since_start == 5
    assert page.locator("h1").inner_text() == "Connexion bloquée pour le moment"
    assert page.locator("time").count() == 1
    assert axe_violations(page) == []
