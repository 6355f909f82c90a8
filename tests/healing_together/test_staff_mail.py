"""Editors are told about proposals and corrections in the language each chose."""

import re

import pytest
from django.contrib.auth.models import Group as Role
from django.contrib.auth.models import User
from django.core import mail

from directory import moderation
from healing_together.models import StaffProfile
from tests.factories import make_correction_report, make_group, make_proposal

pytestmark = pytest.mark.django_db

PAGE = "/admin/my-email-language/"


def make_staff(username, language=None, role="Editor", **fields):
    user = User.objects.create_user(
        username, fields.pop("email", f"{username}@example.org"), "x", is_staff=True, **fields
    )
    if role:
        user.groups.add(Role.objects.get(name=role))
    if language:
        StaffProfile.objects.create(user=user, language=language)
    return user


def outbox_by_address():
    messages = {}
    for message in mail.outbox:
        (address,) = message.to
        messages[address] = message
    return messages


@pytest.fixture(autouse=True)
def _site(settings):
    settings.EDITORS_EMAIL = "shared@example.org"
    settings.SITE_URL = "https://healing-together.example"


def test_each_editor_gets_the_proposal_in_their_own_language(reference):
    make_staff("amelie", language="fr")
    make_staff("bram", language="nl")
    make_staff("nochoice")  # never chose: the site's default language, Dutch
    proposal = make_proposal(language="en", name_en="Grief circle", proposer_email="o@example.org")
    mail.outbox.clear()
    moderation.proposal_received(proposal)
    messages = outbox_by_address()
    assert set(messages) == {
        "amelie@example.org",
        "bram@example.org",
        "nochoice@example.org",
        "o@example.org",
    }
    french, dutch = messages["amelie@example.org"], messages["bram@example.org"]
    assert french.subject == "Nouvelle proposition de groupe : Grief circle"
    assert "Langue de la proposition\xa0: Anglais" in french.body
    assert dutch.subject.startswith("Nieuw voorstel voor een groep")
    assert "Engels" in dutch.body
    assert messages["nochoice@example.org"].subject == dutch.subject
    assert french.reply_to == ["o@example.org"]
    assert "shared@example.org" not in messages


def test_a_correction_report_is_in_each_editors_language(reference):
    make_staff("amelie", language="fr")
    make_staff("bram", language="nl")
    report = make_correction_report(make_group(), language="nl")
    mail.outbox.clear()
    assert moderation.correction_reported(report) is True
    messages = outbox_by_address()
    assert messages["amelie@example.org"].subject.startswith("Correction signalée")
    assert messages["bram@example.org"].subject.startswith("Correctie gemeld")


def test_only_active_staff_with_the_permission_and_an_address_are_told(reference):
    make_staff("amelie", language="fr")
    make_staff("gone", is_active=False)
    make_staff("subscribers", role="Subscriber data")
    make_staff("noaddress", email="")
    User.objects.create_user("visitor", "visitor@example.org", "x")  # not staff
    make_staff("root", role=None, is_superuser=True)
    moderation.proposal_received(make_proposal(proposer_email=""))
    assert sorted(outbox_by_address()) == ["amelie@example.org", "root@example.org"]


def test_without_any_editor_address_the_shared_mailbox_is_told(reference):
    moderation.proposal_received(make_proposal(proposer_email=""))
    (message,) = mail.outbox
    assert message.to == ["shared@example.org"]
    assert message.subject.startswith("Nieuw voorstel voor een groep")  # the default language


# --- "Language of my emails" ------------------------------------------------------------------


def test_an_editor_chooses_the_language_of_their_emails(editor_client, editor_user):
    page = editor_client.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r'<input type="radio" name="language" value="nl"[^>]* checked', html)
    assert f'href="{PAGE}"' in editor_client.get("/admin/").content.decode()  # in the user links
    response = editor_client.post(PAGE, {"language": "fr"}, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert StaffProfile.objects.get(user=editor_user).language == "fr"
    assert "in het Frans." in response.content.decode()
    editor_client.post(PAGE, {"language": "en"})
    assert StaffProfile.objects.get(user=editor_user).language == "en"


def test_a_wrong_choice_is_refused_with_a_message(editor_client, editor_user):
    response = editor_client.post(PAGE, {"language": "de"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not StaffProfile.objects.filter(user=editor_user).exists()


def test_the_page_is_for_signed_in_staff_only(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
