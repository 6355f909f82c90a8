"""Organisers propose a group; editors approve (publish) or reject it with a reason."""

import datetime
import re
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from directory.models import Audience, CorrectionReport, Group, Organisation, SpokenLanguage, Topic
from directory.moderation import months_before
from healing_together.public_forms import HONEYPOT_FIELD
from tests.factories import make_correction_report, make_group, make_proposal

pytestmark = pytest.mark.django_db

EDITORS = "editors@example.org"


def propose_url(language):
    with translation.override(language):
        return reverse("directory:propose")


def valid_data(**changes):
    data = {
        "kind": "support",
        "name": "Café des aidants d’Ixelles",
        "summary": "Un moment chaleureux pour les aidants proches, autour d’un café.",
        "description": "Nous parlons de ce qui pèse et de ce qui aide.",
        "facilitation": "both",
        "audiences": ["caregivers"],
        "topics": [],
        "languages": ["fr", "nl"],
        "attendance": "in_person",
        "venue": "Maison des Aînés",
        "street_address": "Rue Gray 1",
        "postal_code": "1050",
        "town": "Ixelles",
        "accessibility": "Entrée de plain-pied.",
        "schedule_note": "Le deuxième mardi du mois, de 14 h à 16 h.",
        "frequency": "monthly",
        "week_of_month": "2",
        "weekday": "1",
        "start_time": "14:00",
        "cost": "free",
        "cost_amount": "",
        "cost_note": "",
        "registration": "email",
        "registration_url": "",
        "registration_email": "aidants@example.org",
        "registration_phone": "",
        "organisation_name": "Aidants Proches Bruxelles",
        "organisation_website": "https://example.org",
        "proposer_name": "Camille Dupont",
        "proposer_email": "camille@example.org",
        "confirm": "on",
        HONEYPOT_FIELD: "",
    }
    data.update(changes)
    return data


def post(client, language="fr", extra=None, **changes):
    data = valid_data(**changes)
    # Choices are posted as primary keys, as the form's checkboxes do.
    data["audiences"] = [a.pk for a in Audience.objects.filter(slug__in=data["audiences"])]
    data["topics"] = [t.pk for t in Topic.objects.filter(slug__in=data["topics"])]
    data["languages"] = [x.pk for x in SpokenLanguage.objects.filter(code__in=data["languages"])]
    return client.post(propose_url(language), data, **(extra or {}))


@pytest.fixture(autouse=True)
def _editors(settings):
    settings.EDITORS_EMAIL = EDITORS
    settings.SITE_URL = "https://healing-together.example"


def test_the_form_is_a_real_accessible_form(client, reference):
    response = client.get(propose_url("en"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<fieldset") >= 5
    assert "<legend>" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<div class="hp">' in html
    assert "(required)" in html
    assert 'autocomplete="email"' in html
    assert 'autocomplete="name"' in html
    assert 'autocomplete="organization"' in html
    # Help texts are linked to their fields.
    assert 'aria-describedby="id_summary_helptext"' in html
    assert 'id="id_summary_helptext"' in html
    assert "Caregivers" in html  # audiences, topics and languages come from the taxonomies


def test_propose_paths_are_translated(client, reference):
    assert propose_url("nl") == "/nl/groep-voorstellen/"
    assert propose_url("fr") == "/fr/proposer-un-groupe/"
    assert propose_url("en") == "/en/propose-a-group/"


def test_a_french_proposal_creates_an_unpublished_pending_group_and_two_emails(client, reference):
    response = post(client, "fr")
    assert response.status_code == 302
    with translation.override("fr"):
        assert response["Location"] == reverse("directory:propose_thanks")

    group = Group.objects.get()
    assert group.published is False
    assert group.review == Group.Review.PENDING
    assert group.proposal_language == "fr"
    assert group.proposed_at is not None
    assert group.name_fr == "Café des aidants d’Ixelles"
    assert not group.name_nl
    assert not group.name_en
    assert group.slug_fr == "cafe-des-aidants-dixelles"
    assert group.municipality.code == "21009"  # 1050 + "Ixelles"
    assert group.week_of_month == 2
    assert group.weekday == 1
    assert group.organisation.name == "Aidants Proches Bruxelles"
    assert list(group.audiences.values_list("slug", flat=True)) == ["caregivers"]
    assert set(group.languages.values_list("code", flat=True)) == {"fr", "nl"}
    assert group.proposer_name == "Camille Dupont"
    assert group.proposer_email == "camille@example.org"
    assert not Group.objects.published().exists()

    assert len(mail.outbox) == 2
    to_editors, to_organiser = mail.outbox
    assert to_editors.to == [EDITORS]
    assert to_editors.reply_to == ["camille@example.org"]
    assert "Café des aidants d’Ixelles" in to_editors.subject
    assert f"https://healing-together.example/admin/directory/proposal/{group.pk}/change/" in (
        to_editors.body
    )
    assert to_organiser.to == ["camille@example.org"]
    assert str(group.pk) in to_organiser.subject  # its reference, nothing typed
    assert str(group.pk) in to_organiser.body
    # Written in French: French wording and the French home page.
    with translation.override("fr"):
        regards = translation.gettext("Warm regards,")
    assert regards in to_organiser.body
    assert "https://healing-together.example/fr/" in to_organiser.body


FREE_TEXT = (
    "name",
    "summary",
    "description",
    "venue",
    "street_address",
    "accessibility",
    "schedule_note",
    "cost_note",
    "registration_email",
    "registration_phone",
    "organisation_name",
    "organisation_website",
    "proposer_name",
)


def test_the_thanks_to_an_unconfirmed_address_echoes_nothing_the_visitor_typed(client, reference):
    """Anyone may type someone else's address: the thanks must not carry the author's text."""
    hostile = {
        field: f'=HYPERLINK("http://evil.example/{field}","Claim your prize {field}")'
        for field in FREE_TEXT
    }
    hostile["registration_email"] = "prize-claim@evil.example"
    hostile["registration_phone"] = "+32 900 00 666"
    hostile["organisation_website"] = "https://evil.example/prize"
    hostile["cost_note"] = "Pay at https://evil.example/pay"
    response = post(client, "en", **hostile, cost="amount", cost_amount="5")
    assert response.status_code == 302, response.context["form"].errors
    to_organiser = mail.outbox[-1]
    assert to_organiser.to == ["camille@example.org"]
    text = to_organiser.subject + to_organiser.body
    assert "evil.example" not in text
    for field, value in hostile.items():
        assert value not in text, field
    assert str(Group.objects.get().pk) in to_organiser.subject


def test_an_english_proposal_is_answered_in_english(client, reference):
    post(client, "en", name="Caregivers’ café")
    assert "Warm regards," in mail.outbox[1].body
    assert "https://healing-together.example/en/" in mail.outbox[1].body
    assert Group.objects.get().name_en == "Caregivers’ café"


def test_the_thank_you_page_sets_no_cookie_and_is_not_indexed(client, reference):
    with translation.override("fr"):
        url = reverse("directory:propose_thanks")
    response = client.get(url)
    assert response.status_code == 200
    assert not response.cookies
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"languages": []}, "languages", "Choose at least one language."),
        ({"confirm": ""}, "confirm", "Please confirm that you may list this group."),
        ({"proposer_email": "not-an-email"}, "proposer_email", "Enter a valid email address."),
        ({"postal_code": "12"}, "postal_code", "A Belgian postcode has four digits"),
        ({"postal_code": "9999"}, "postal_code", "We do not know the postcode 9999"),
        ({"postal_code": ""}, "postal_code", "Give the postcode of the place"),
        ({"town": "Anvers"}, "town", "covers several municipalities"),
        ({"frequency": "weekly", "weekday": ""}, "weekday", "needs its day"),
        ({"weekday": ""}, "week_of_month", "A monthly group needs its week and day"),
        ({"cost": "amount"}, "cost_amount", "Give the price"),
        ({"registration_email": ""}, "registration_email", "it is how people register"),
        ({"kind": "bogus"}, "kind", "Select a valid choice."),
        ({"start_time": "25:99"}, "start_time", "Enter a valid time."),
        ({"summary": "x" * 301}, "summary", "at most 300 characters"),
    ],
)
def test_invalid_proposals_show_errors_and_save_nothing(client, reference, changes, field, message):
    response = post(client, "en", **changes)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    # The error summary at the top links to the field, and the field points at its error.
    assert 'class="error-summary"' in html
    assert re.search(rf'href="#id_{field}(_0)?"', html)
    assert f'id="id_{field}_error"' in html
    assert "<title>Error:" in html
    assert not Group.objects.exists()
    assert not Organisation.objects.exists()
    assert mail.outbox == []


def test_every_mistake_is_shown_at_once(client, reference):
    response = post(client, "en", name="", town="", frequency="weekly", weekday="")
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert 'href="#id_town"' in html
    assert 'href="#id_weekday"' in html
    assert 'href="#id_postal_code"' not in html  # the postcode itself is fine
    assert not Group.objects.exists()


def test_an_online_group_needs_no_postcode(client, reference):
    response = post(client, "en", attendance="online", postal_code="", town="", venue="")
    assert response.status_code == 302
    group = Group.objects.get()
    assert group.municipality is None
    assert group.attendance == "online"


def test_a_postcode_with_one_municipality_needs_no_town(client, reference):
    post(client, "en", postal_code="2000", town="")
    assert Group.objects.get().municipality.code == "11002"


def test_a_french_price_with_a_comma_is_understood(client, reference):
    response = post(client, "fr", cost="amount", cost_amount="12,50")
    assert response.status_code == 302
    assert str(Group.objects.get().cost_amount) == "12.50"


def test_the_honeypot_refuses_robots(client, reference):
    response = post(client, "en", **{HONEYPOT_FIELD: "https://spam.example"})
    assert response.status_code == 200
    assert "This form could not be sent" in response.content.decode()
    assert not Group.objects.exists()
    assert mail.outbox == []


def test_csrf_is_required():
    client = Client(enforce_csrf_checks=True)
    response = client.post(propose_url("en"), valid_data())
    assert response.status_code == 403


def test_a_sixth_proposal_within_the_hour_is_refused_with_429(client, reference):
    for n in range(5):
        response = post(client, "en", name=f"Group {n}", proposer_email=f"p{n}@example.org")
        assert response.status_code == 302
    response = post(client, "en", name="One too many")
    assert response.status_code == 429
    assert "Please wait an hour" in response.content.decode()
    assert Group.objects.count() == 5
    # Another address is not affected.
    other = post(client, "en", extra={"REMOTE_ADDR": "10.0.0.9"}, name="Another visitor")
    assert other.status_code == 302


def test_invalid_posts_do_not_use_up_the_limit(client, reference):
    for _n in range(6):
        post(client, "en", name="")
    assert post(client, "en").status_code == 302


def test_the_footer_links_to_the_form(client, reference):
    html = client.get("/en/").content.decode()
    assert f'href="{propose_url("en")}"' in html


def test_the_propose_page_is_in_the_sitemap(client, reference):
    assert propose_url("fr") in client.get("/sitemap.xml").content.decode()


# --- Editors: approve or reject ---------------------------------------------------------------


def test_the_queue_lists_pending_proposals_only_by_default(admin_client, reference):
    pending = make_proposal(name_fr="Groupe en attente")
    make_proposal(name_fr="Groupe refusé", review=Group.Review.REJECTED)
    response = admin_client.get(reverse("admin:directory_proposal_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Groupe en attente" in html
    assert "Groupe refusé" not in html
    page = admin_client.get(reverse("admin:directory_proposal_change", args=[pending.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Groupe en attente" in html
    assert reverse("admin:directory_proposal_approve", args=[pending.pk]) in html
    with translation.override("fr"):
        assert reverse("directory:group_preview", kwargs={"pk": pending.pk}) in html


def test_approve_publishes_and_emails_the_organiser_in_their_language(admin_client, reference):
    group = make_proposal(language="fr", name_fr="Groupe de parole")
    url = reverse("admin:directory_proposal_approve", args=[group.pk])
    confirm = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert confirm.status_code == 200
    assert "Not translated yet into: Dutch, English." in confirm.content.decode()
    assert not Group.objects.get(pk=group.pk).published  # a GET changes nothing

    response = admin_client.post(url)
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.published is True
    assert group.review == Group.Review.APPROVED
    assert group.reviewed_by.username == "admin"
    assert group.reviewed_at is not None
    assert group in Group.objects.published()

    (message,) = mail.outbox
    assert message.to == [group.proposer_email]
    assert "Groupe de parole" in message.subject
    assert f"https://healing-together.example/fr/groupes/{group.slug_fr}/" in message.body


def test_the_admin_action_approves_selected_proposals(admin_client, reference):
    first, second = make_proposal(), make_proposal()
    response = admin_client.post(
        reverse("admin:directory_proposal_changelist"),
        {"action": "approve_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert Group.objects.published().count() == 2
    assert len(mail.outbox) == 2


def test_an_incomplete_proposal_cannot_be_published(admin_client, reference):
    group = make_proposal()
    Group.objects.filter(pk=group.pk).update(frequency="weekly", weekday=None)
    url = reverse("admin:directory_proposal_approve", args=[group.pk])
    response = admin_client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be published yet" in html
    # Checked in French (the proposal's language), explained in the editor's language.
    assert "A weekly or fortnightly group needs its day." in html
    assert not Group.objects.get(pk=group.pk).published
    assert mail.outbox == []


def test_reject_asks_for_a_reason_emails_it_and_stays_unpublished(admin_client, reference):
    group = make_proposal(language="fr")
    url = reverse("admin:directory_proposal_reject", args=[group.pk])
    assert admin_client.get(url).status_code == 200

    empty = admin_client.post(url, {"reason": "  "})
    assert empty.status_code == 200
    assert Group.objects.get(pk=group.pk).review == Group.Review.PENDING

    reason = "Ce groupe est une formation payante, pas un groupe de soutien."
    response = admin_client.post(url, {"reason": reason})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.published is False
    assert group.review == Group.Review.REJECTED
    assert group.rejection_reason == reason
    (message,) = mail.outbox
    assert message.to == [group.proposer_email]
    assert reason in message.body


def test_moderation_needs_the_permission(client, reference, django_user_model, otp_login):
    group = make_proposal()
    viewer = django_user_model.objects.create_user("viewer", password="x" * 16, is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_proposal"))
    otp_login(client, viewer)
    change = client.get(reverse("admin:directory_proposal_change", args=[group.pk]))
    assert change.status_code == 200
    approve = client.post(reverse("admin:directory_proposal_approve", args=[group.pk]))
    assert approve.status_code == 403
    assert not Group.objects.get(pk=group.pk).published


@override_settings(EMAIL_BACKEND="tests.directory.test_proposals.FailingBackend")
def test_a_failed_email_loses_nothing(client, admin_client, reference):
    response = post(client, "en")
    assert response.status_code == 302
    group = Group.objects.get()
    assert group.review == Group.Review.PENDING
    response = admin_client.post(
        reverse("admin:directory_proposal_approve", args=[group.pk]),
        follow=True,
        headers={"accept-language": "en"},
    )
    assert "could not be sent" in response.content.decode()
    assert Group.objects.published().count() == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server down")


# --- Retention: contact details erased 12 months after closing ---------------------------------


def test_purge_erases_contacts_12_months_after_closing(reference):
    now = timezone.now()
    old = now - datetime.timedelta(days=370)
    recent = now - datetime.timedelta(days=300)
    old_rejected = make_proposal(review=Group.Review.REJECTED, reviewed_at=old)
    old_approved = make_proposal(review=Group.Review.APPROVED, reviewed_at=old, published=True)
    recent_rejected = make_proposal(review=Group.Review.REJECTED, reviewed_at=recent)
    still_pending = make_proposal(proposed_at=old)
    group = make_group()
    old_report = make_correction_report(
        group, email="a@example.org", status="resolved", resolved_at=old
    )
    recent_report = make_correction_report(
        group, email="b@example.org", status="resolved", resolved_at=recent
    )
    open_report = make_correction_report(group, email="c@example.org")
    CorrectionReport.objects.filter(pk=open_report.pk).update(created_at=old)

    out = StringIO()
    call_command("purge_closed_contacts", "--dry-run", stdout=out)
    assert "Would erase the contact details of 2 proposal(s)" in out.getvalue()
    assert Group.objects.get(pk=old_rejected.pk).proposer_email  # a dry run erases nothing

    call_command("purge_closed_contacts", stdout=out)
    for erased in (old_rejected, old_approved):
        erased.refresh_from_db()
        assert erased.proposer_name == ""
        assert erased.proposer_email == ""
        assert erased.review in {Group.Review.APPROVED, Group.Review.REJECTED}
    for kept in (recent_rejected, still_pending):
        kept.refresh_from_db()
        assert kept.proposer_email
    assert CorrectionReport.objects.get(pk=old_report.pk).email == ""
    assert CorrectionReport.objects.get(pk=old_report.pk).message  # the report itself stays
    assert CorrectionReport.objects.get(pk=recent_report.pk).email == "b@example.org"
    assert CorrectionReport.objects.get(pk=open_report.pk).email == "c@example.org"


def test_the_history_keeps_no_proposer_contact():
    history_fields = {f.name for f in Group.history.model._meta.get_fields()}
    assert "proposer_email" not in history_fields
    assert "proposer_name" not in history_fields
    assert "review" in history_fields  # the decision itself is part of the record


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-03-31", "2025-03-31"),
        ("2024-02-29", "2023-02-28"),
        ("2026-01-15", "2025-01-15"),
    ],
)
def test_twelve_months_before(moment, expected):
    day = datetime.datetime.fromisoformat(moment)
    assert months_before(day, 12).date().isoformat() == expected
