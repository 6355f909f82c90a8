"""The newsletter in a real browser: sign up from the footer, confirm from the email, receive a
digest, unsubscribe through the List-Unsubscribe header as a mail program does."""

import re
import urllib.request

import pytest
from django.core import mail
from django.core.management import call_command

from newsletter.models import Subscriber
from tests.factories import make_group

from .conftest import follow

pytestmark = pytest.mark.django_db(transaction=True)


def links(message):
    return re.findall(r"https?://\S+", message.body)


def test_sign_up_confirm_receive_a_digest_and_unsubscribe(page, live_server, live_data, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()

    # The footer's short form leads to the full form, with the address already filled in.
    page.goto(f"{live_server.url}/en/")
    footer = page.locator(".site-footer")
    footer.get_by_label("Your email address").fill("mila@example.be")
    follow(footer.get_by_role("button", name="Sign up"))
    form = page.locator("form.signup")
    assert form.get_by_label("Your email address").input_value() == "mila@example.be"
    assert form.get_by_label("English").is_checked()
    assert Subscriber.objects.count() == 0  # the footer form changed nothing

    form.get_by_label("Brussels-Capital Region").check()
    form.get_by_label(re.compile("^Caregivers")).check()
    follow(form.get_by_role("button", name="Sign up"))
    # Without consent, the form comes back with the reason.
    assert page.get_by_role("alert").get_by_text("Tick the box to agree").is_visible()
    assert form.get_by_label("Your email address").input_value() == "mila@example.be"
    assert form.get_by_label("Brussels-Capital Region").is_checked()
    form.get_by_label(re.compile("^I agree to receive")).check()
    follow(form.get_by_role("button", name="Sign up"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"

    # The confirmation email: open the link, press the button.
    assert len(mail.outbox) == 1
    confirmation = mail.outbox[0]
    assert confirmation.to == ["mila@example.be"]
    confirm_url = next(link for link in links(confirmation) if "/confirm/" in link)
    assert confirm_url.startswith(live_server.url)
    page.goto(confirm_url)
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
    follow(page.get_by_role("button", name="Yes, confirm my subscription"))
    assert page.get_by_role("heading", level=1).inner_text() == "You are subscribed"
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED

    # A new group in Brussels for caregivers appears; the digest brings it.
    make_group(name_en="Caregivers' evening in Brussels", audiences=["caregivers"])
    make_group(name_en="Parents in Brussels", audiences=["parents"])
    settings.SITE_URL = live_server.url
    call_command("send_digest")
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert "Caregivers' evening in Brussels" in digest.body
    assert "Parents in Brussels" not in digest.body
    header = digest.extra_headers["List-Unsubscribe"]
    assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = header.strip("<>")
    assert unsubscribe_url.startswith(live_server.url)

    # What a mail program does with the header: one POST, no cookie, no token.
    request = urllib.request.Request(
        unsubscribe_url,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310
        assert response.status == 200
    assert Subscriber.objects.count() == 0

    # The same link in the browser now says so, calmly.
    response = page.goto(unsubscribe_url)
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "You are not subscribed"
