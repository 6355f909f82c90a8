"""Staff preview an unpublished group on the public template; nobody else can."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from tests.factories import expire_staff_session, make_group, make_proposal

pytestmark = pytest.mark.django_db


def preview_url(group, language="fr"):
    with translation.override(language):
        return reverse("directory:group_preview", kwargs={"pk": group.pk})


@pytest.fixture
def proposal(reference):
    return make_proposal(language="fr", name_fr="Groupe pas encore publié")


def test_staff_see_the_unpublished_group_with_a_banner(admin_client, proposal):
    response = admin_client.get(preview_url(proposal))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Groupe pas encore publié" in html
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert '<link rel="alternate" hreflang' not in html  # no public alternates
    assert "report-a-correction" not in html  # no correction form for an unpublished group


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_preview_works_in_every_language(admin_client, proposal, language):
    assert admin_client.get(preview_url(proposal, language)).status_code == 200


def test_anonymous_visitors_get_a_404_not_a_login_page(client, proposal):
    response = client.get(preview_url(proposal))
    assert response.status_code == 404
    assert "Groupe pas encore publié" not in response.content.decode()
    # The same answer as for a group that does not exist: the address reveals nothing.
    assert client.get(preview_url(proposal).replace(str(proposal.pk), "999999")).status_code == 404


def test_staff_without_permission_on_groups_get_a_404(
    client, proposal, django_user_model, otp_login
):
    clerk = django_user_model.objects.create_user("clerk", password="x" * 16, is_staff=True)
    otp_login(client, clerk)
    assert client.get(preview_url(proposal)).status_code == 404
    clerk.user_permissions.add(
        Permission.objects.get(codename="change_group", content_type__app_label="directory")
    )
    clerk = django_user_model.objects.get(pk=clerk.pk)  # fresh permission cache
    otp_login(client, clerk)
    assert client.get(preview_url(proposal)).status_code == 200


def test_a_logged_in_non_staff_user_gets_a_404(client, proposal, django_user_model):
    member = django_user_model.objects.create_user("member", password="x" * 16)
    member.user_permissions.add(
        Permission.objects.get(codename="change_group", content_type__app_label="directory")
    )
    client.force_login(member)
    assert client.get(preview_url(proposal)).status_code == 404


def test_a_published_group_can_be_previewed_too(admin_client, reference):
    group = make_group(name_fr="Groupe publié")
    response = admin_client.get(preview_url(group))
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()


def test_the_public_page_of_an_unpublished_group_is_a_404(client, admin_client, proposal):
    with translation.override("fr"):
        public = reverse("directory:group_detail", kwargs={"slug": proposal.slug_fr})
    assert client.get(public).status_code == 404
    assert admin_client.get(public).status_code == 404  # staff use the preview address


def test_a_password_only_session_cannot_preview(client, proposal, admin_user):
    """The admin's two-factor check applies to the preview too."""
    client.force_login(admin_user)
    assert client.get(preview_url(proposal)).status_code == 404


def test_a_preview_in_a_session_over_its_time_asks_to_sign_in_again(admin_client, proposal):
    expire_staff_session(admin_client)
    response = admin_client.get(preview_url(proposal))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert SESSION_KEY not in admin_client.session
