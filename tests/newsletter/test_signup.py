"""The sign-up: the newsletter page's form, the footer's small form, and bad input."""

import pytest
from django.core import mail
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter import consent
from newsletter.forms import SubscribeForm
from newsletter.models import Subscriber
from tests.factories import make_subscriber

from .conftest import input_tag, only_mail, signup_data, url

pytestmark = pytest.mark.django_db


def test_newsletter_page_has_the_full_form(client, reference):
    response = client.get(url("newsletter:subscribe"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<div class="hp">' in html
    assert 'name="website"' in html
    assert " checked" not in input_tag(html, "consent")  # the consent box starts unticked
    assert str(consent.text(consent.CURRENT)) in html
    assert f'href="{url("privacy")}"' in html
    assert 'value="04000"' in html
    assert 'value="10000"' in html
    assert 'value="caregivers"' in html
    # The page's language is chosen for the emails by default.
    assert " checked" in input_tag(html, "language", "en")


def test_every_page_carries_the_footer_form_without_cookie_or_token(client, reference):
    response = client.get(url("home", "fr"))
    html = response.content.decode()
    assert f'action="{url("newsletter:start", "fr")}"' in html
    assert 'name="language" value="fr"' in html
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_footer_form_opens_the_full_form_and_changes_nothing(reference):
    client = Client(enforce_csrf_checks=True)  # the footer form has no token
    response = client.post(
        url("newsletter:start", "fr"), {"email": "  anna@example.be ", "language": "nl"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="anna@example.be"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert " checked" in input_tag(html, "language", "nl")
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data",
    [{}, {"email": "x" * 5000, "language": "xx"}, {"email": "<script>", "language": ""}],
)
def test_footer_form_tolerates_any_input(client, reference, data):
    response = client.post(url("newsletter:start"), data)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main")[1]
    assert Subscriber.objects.count() == 0


def test_footer_start_address_by_get_leads_to_the_newsletter_page(client, reference):
    response = client.get(url("newsletter:start"))
    assert response.status_code == 302
    assert response["Location"] == url("newsletter:subscribe")


def test_sign_up_creates_a_pending_subscriber_and_sends_a_confirmation(client, reference):
    response = client.post(
        url("newsletter:subscribe", "nl"),
        signup_data(language="fr", region=["04000"], province=["10000"], audience=["parents"]),
    )
    assert response.status_code == 302
    assert response["Location"] == url("newsletter:thanks", "nl")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.language == "fr"
    assert subscriber.consent_version == consent.CURRENT
    assert subscriber.asked_at is not None
    assert subscriber.confirmed_at is None
    assert [r.code for r in subscriber.regions.all()] == ["04000"]
    assert [p.code for p in subscriber.provinces.all()] == ["10000"]
    assert [a.slug for a in subscriber.audiences.all()] == ["parents"]
    message = only_mail()
    assert message.to == ["anna@example.be"]
    assert url("newsletter:confirm", "fr", token="x").rsplit("x/", 1)[0] in message.body
    assert message.alternatives[0][1] == "text/html"
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200


def test_no_enumeration_new_pending_and_confirmed_get_the_same_answer(client, reference):
    make_subscriber("known@example.be", language="nl", regions=["02000"])
    make_subscriber("waiting@example.be", confirmed=False)
    answers = []
    for email in ("new@example.be", "waiting@example.be", "known@example.be"):
        response = client.post(url("newsletter:subscribe"), signup_data(email=email))
        answers.append((response.status_code, response["Location"], response.content))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 302
    # Everyone gets an email; the confirmed subscriber a harmless "already subscribed" one.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "known@example.be",
        "new@example.be",
        "waiting@example.be",
    ]
    known = Subscriber.objects.get(email="known@example.be")
    assert known.language == "nl"  # nothing about a confirmed subscription changed
    assert [r.code for r in known.regions.all()] == ["02000"]
    already = next(m for m in mail.outbox if m.to == ["known@example.be"])
    assert "/confirm" not in already.body
    assert already.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_signing_up_again_while_pending_takes_the_latest_choices(client, reference):
    client.post(url("newsletter:subscribe"), signup_data(audience=["parents"]))
    first = Subscriber.objects.get()
    client.post(url("newsletter:subscribe"), signup_data(language="nl", audience=["women"]))
    subscriber = Subscriber.objects.get()
    assert subscriber.pk == first.pk
    assert subscriber.language == "nl"
    assert [a.slug for a in subscriber.audiences.all()] == ["women"]
    assert subscriber.asked_at > first.asked_at
    assert len(mail.outbox) == 2


def test_addresses_differing_in_case_are_one_subscriber(client, reference):
    client.post(url("newsletter:subscribe"), signup_data(email="Anna@Example.BE"))
    client.post(url("newsletter:subscribe"), signup_data(email="anna@example.be"))
    assert Subscriber.objects.count() == 1
    assert Subscriber.objects.get().email == "Anna@example.be"  # the domain is lower-cased


def test_missing_consent_gives_the_form_again(client, reference):
    response = client.post(url("newsletter:subscribe"), signup_data(consent=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tick the box to agree" in html
    assert 'value="anna@example.be"' in html  # nothing typed is lost
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address."),
        ("   ", "Enter your email address."),
        ("not-an-address", "Enter an email address like name@example.be."),
        ("anna@example", "Enter an email address like name@example.be."),
        ("anna@localhost", "Enter an email address like name@example.be."),
        ("anna@[127.0.0.1]", "Enter an email address like name@example.be."),
        ("anna@example.be\nBcc: other@example.be", "Enter an email address like"),
        ("anna@exa\x00mple.be", "Null characters are not allowed."),
        ("a" * 64 + "@" + "b" * 186 + ".example.be", "too long: at most 254 characters"),
        ("jürgen@example.be", "accented or non-Latin letters before the @"),
        ("用户@例子.广告", "accented or non-Latin letters before the @"),
    ],
)
def test_bad_addresses_get_a_clear_message(client, reference, email, message):
    response = client.post(url("newsletter:subscribe"), signup_data(email=email))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'class="error-summary"' in html
    assert 'aria-describedby="id_email_error"' in html
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_internationalised_domain_is_accepted_and_mailed_in_ascii(client, reference):
    response = client.post(url("newsletter:subscribe"), signup_data(email="info@bücher.be"))
    assert response.status_code == 302
    assert Subscriber.objects.get().email == "info@bücher.be"
    message = only_mail()
    assert "info@xn--bcher-kva.be" in message.message()["To"]


@pytest.mark.parametrize(
    "extra",
    [
        {"region": ["99999"]},
        {"province": ["<b>"]},
        {"audience": ["no-such-audience"]},
        {"language": "de"},
        {"region": ["04\x000"]},
        {"audience": ["x" * 5000]},
    ],
)
def test_unknown_choices_give_the_form_again(client, reference, extra):
    response = client.post(url("newsletter:subscribe"), signup_data(**extra))
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert Subscriber.objects.count() == 0


def test_honeypot_refuses_robots(client, reference):
    response = client.post(url("newsletter:subscribe"), signup_data(website="http://spam"))
    assert response.status_code == 200
    assert "This form could not be sent" in response.content.decode()
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_rate_limit_answers_429_with_the_form_and_a_message(client, reference, settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, "SIGNUP_RATE": "5/h"}
    for n in range(5):
        response = client.post(url("newsletter:subscribe"), signup_data(email=f"p{n}@example.be"))
        assert response.status_code == 302
    response = client.post(url("newsletter:subscribe"), signup_data(email="p6@example.be"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-ups came from your connection" in html
    assert 'value="p6@example.be"' in html
    assert Subscriber.objects.count() == 5
    assert len(mail.outbox) == 5
    # Another address (another visitor) is not limited.
    other = client.post(
        url("newsletter:subscribe"), signup_data(email="q@example.be"), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_one_address_gets_few_sign_up_emails_whoever_asks(client, reference):
    for n in range(5):
        response = client.post(
            url("newsletter:subscribe"), signup_data(), REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 302
    assert len(mail.outbox) == 3


def test_csrf_protects_the_real_sign_up(reference):
    client = Client(enforce_csrf_checks=True)
    response = client.post(url("newsletter:subscribe"), signup_data())
    assert response.status_code == 403
    assert Subscriber.objects.count() == 0


def test_a_mail_server_failure_is_logged_after_the_same_answer(
    client, reference, monkeypatch, caplog
):
    """The email goes after the answer (signup.py): the visitor cannot be told, the log is."""

    def fail(self, fail_silently=False):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", fail)
    response = client.post(url("newsletter:subscribe"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == url("newsletter:thanks")
    assert "sign-up email could not be sent" in caplog.text
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_newsletter_page_is_in_the_sitemap(client, reference):
    xml = client.get("/sitemap.xml").content.decode()
    for language in ("nl", "fr", "en"):
        assert url("newsletter:subscribe", language) in xml


text = st.text(max_size=300)
form_data = st.fixed_dictionaries(
    {},
    optional={
        "email": st.one_of(text, st.emails()),
        "language": st.one_of(text, st.sampled_from(["nl", "fr", "en"])),
        "region": st.lists(text, max_size=3),
        "province": st.lists(text, max_size=3),
        "audience": st.lists(text, max_size=3),
        "consent": text,
        "website": text,
    },
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=form_data)
def test_fuzz_the_form_never_raises(data):
    form = SubscribeForm(data)
    if form.is_valid():
        assert len(form.cleaned_data["email"]) <= 254
        assert form.cleaned_data["email"].rpartition("@")[0].isascii()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=form_data)
def test_fuzz_the_views_never_fail(client, reference, data):
    for name in ("newsletter:subscribe", "newsletter:start"):
        response = client.post(url(name), data)
        assert response.status_code in {200, 302, 429}
