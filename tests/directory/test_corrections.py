"""Visitors report a correction to a group; it lands in the editors' queue."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from directory.models import CorrectionReport
from healing_together.public_forms import HONEYPOT_FIELD
from tests.factories import make_correction_report, make_group, make_proposal

pytestmark = pytest.mark.django_db

EDITORS = "editors@example.org"


@pytest.fixture(autouse=True)
def _editors(settings):
    settings.EDITORS_EMAIL = EDITORS
    settings.SITE_URL = "https://healing-together.example"


@pytest.fixture
def group(reference):
    return make_group(name_nl="Rouwgroep", name_fr="Groupe deuil", name_en="Grief group")


def correction_url(group, language="fr"):
    with translation.override(language):
        return reverse("directory:group_correction", kwargs={"slug": group.localized_slug()})


def test_the_group_page_links_to_the_correction_page_and_sets_no_cookie(client, group):
    response = client.get(f"/fr/groupes/{group.slug_fr}/")
    html = response.content.decode()
    assert f'href="{correction_url(group)}"' in html
    assert "mailto:" + EDITORS not in html
    # No CSRF token on the group page: no cookie, so it stays cacheable for everyone.
    assert "csrfmiddlewaretoken" not in html
    assert not response.cookies


def test_the_correction_page_has_a_form_with_csrf_and_honeypot(client, group):
    response = client.get(correction_url(group, "en"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Grief group" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<div class="hp">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert 'autocomplete="email"' in html
    assert 'aria-describedby="id_message_helptext"' in html


def test_a_report_lands_in_the_queue_and_emails_the_editors(client, group):
    response = client.post(
        correction_url(group),
        {"message": "Le groupe se réunit maintenant le jeudi.", "email": "lea@example.org"},
    )
    with translation.override("fr"):
        thanks = reverse("directory:group_correction_thanks", kwargs={"slug": group.slug_fr})
    assert response.status_code == 302
    assert response["Location"] == thanks

    report = CorrectionReport.objects.get()
    assert report.group == group
    assert report.message == "Le groupe se réunit maintenant le jeudi."
    assert report.email == "lea@example.org"
    assert report.language == "fr"
    assert report.status == CorrectionReport.Status.OPEN
    assert list(CorrectionReport.objects.open()) == [report]

    (message,) = mail.outbox
    assert message.to == [EDITORS]
    assert message.reply_to == ["lea@example.org"]
    assert "Le groupe se réunit maintenant le jeudi." in message.body
    assert f"/admin/directory/correctionreport/{report.pk}/change/" in message.body
    assert f"https://healing-together.example/fr/groupes/{group.slug_fr}/" in message.body

    page = client.get(thanks)
    assert page.status_code == 200
    assert f'href="/fr/groupes/{group.slug_fr}/"' in page.content.decode()


def test_the_email_is_optional(client, group):
    response = client.post(correction_url(group, "en"), {"message": "The price changed."})
    assert response.status_code == 302
    assert CorrectionReport.objects.get().email == ""
    assert mail.outbox[0].reply_to == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": ""}, "Tell us what should change."),
        ({"message": "x", "email": "nope"}, "Enter a valid email address."),
        ({"message": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_invalid_reports_show_errors_and_save_nothing(client, group, data, message):
    response = client.post(correction_url(group, "en"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="error-summary"' in html
    assert not CorrectionReport.objects.exists()
    assert mail.outbox == []


def test_the_honeypot_refuses_robots(client, group):
    response = client.post(
        correction_url(group, "en"), {"message": "Buy now", HONEYPOT_FIELD: "spam"}
    )
    assert response.status_code == 200
    assert not CorrectionReport.objects.exists()


def test_csrf_is_required(group):
    response = Client(enforce_csrf_checks=True).post(correction_url(group), {"message": "x"})
    assert response.status_code == 403
    assert not CorrectionReport.objects.exists()


def test_a_sixth_report_within_the_hour_is_refused_with_429(client, group):
    for n in range(5):
        assert client.post(correction_url(group), {"message": f"Fix {n}"}).status_code == 302
    response = client.post(correction_url(group), {"message": "One too many"})
    assert response.status_code == 429
    assert "Veuillez patienter une heure" in response.content.decode()
    assert CorrectionReport.objects.count() == 5


def test_unpublished_or_unknown_groups_have_no_correction_page(client, reference):
    proposal = make_proposal(language="en")
    assert client.get(correction_url(proposal, "en")).status_code == 404
    assert client.post(correction_url(proposal, "en"), {"message": "x"}).status_code == 404
    assert client.get("/en/groups/no-such-group/report-a-correction/").status_code == 404


def test_a_slug_from_another_language_is_redirected(client, group):
    with translation.override("en"):
        wrong = reverse("directory:group_correction", kwargs={"slug": group.slug_fr})
    response = client.get(wrong)
    assert response.status_code == 301
    assert response["Location"] == correction_url(group, "en")


def test_the_language_switcher_keeps_the_group(client, group):
    html = client.get(correction_url(group, "en")).content.decode()
    assert f'href="{correction_url(group, "nl")}"' in html


# --- Editors' queue ---------------------------------------------------------------------------


def test_the_queue_lists_open_reports_by_default(admin_client, group):
    make_correction_report(group, message="Open report about the day")
    make_correction_report(group, message="Old report", status=CorrectionReport.Status.RESOLVED)
    response = admin_client.get(reverse("admin:directory_correctionreport_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Open report about the day" in html
    assert "Old report" not in html


def test_an_editor_resolves_a_report_with_a_note(admin_client, group):
    report = make_correction_report(group, email="lea@example.org")
    url = reverse("admin:directory_correctionreport_change", args=[report.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "lea@example.org" in page.content.decode()
    response = admin_client.post(
        url, {"status": "resolved", "editor_note": "Day changed to Thursday."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == CorrectionReport.Status.RESOLVED
    assert report.editor_note == "Day changed to Thursday."
    assert report.resolved_by.username == "admin"
    assert report.resolved_at is not None


def test_the_admin_action_marks_reports_resolved(admin_client, group):
    first, second = make_correction_report(group), make_correction_report(group)
    response = admin_client.post(
        reverse("admin:directory_correctionreport_changelist"),
        {"action": "mark_resolved", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert not CorrectionReport.objects.open().exists()
    assert set(CorrectionReport.objects.values_list("resolved_by__username", flat=True)) == {
        "admin"
    }
