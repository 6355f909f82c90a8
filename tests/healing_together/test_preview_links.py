"""The admin opens previews in a new tab, and says so; the preview leads back to the form."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from directory.models import Group
from tests.factories import make_article, make_proposal

pytestmark = pytest.mark.django_db


def links_to(html, href):
    """The <a …> start tags of the links to `href`."""
    return re.findall(rf'<a [^>]*href="{re.escape(href)}"[^>]*>', html)


def preview(name, pk, language):
    with translation.override(language):
        return reverse(name, args=[pk])


def assert_new_tab(html, href):
    tags = links_to(html, href)
    assert tags
    for tag in tags:
        assert 'target="_blank"' in tag
        assert 'rel="noopener"' in tag
        # What the link says after the tag, up to its end: the notice for screen readers.
        after = html[html.index(tag) + len(tag) :].split("</a>")[0]
        assert "(opent in een nieuw tabblad)" in after  # the admin speaks Dutch first


def test_article_preview_links_open_in_a_new_tab(admin_client, reference):
    article = make_article(status=Article.Status.DRAFT)
    html = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    for code in ("nl", "fr", "en"):
        assert_new_tab(html, preview("articles:preview", article.pk, code))
    listing = admin_client.get("/admin/articles/article/").content.decode()
    assert_new_tab(listing, preview("articles:preview", article.pk, "fr"))


def test_article_preview_leads_back_to_its_form(admin_client, reference):
    article = make_article(status=Article.Status.DRAFT)
    html = admin_client.get(preview("articles:preview", article.pk, "fr")).content.decode()
    banner = html.split('class="preview-banner"')[1].split("</div>")[0]
    (tag,) = links_to(banner, f"/admin/articles/article/{article.pk}/change/")
    assert "Retour à l’édition" in banner


def test_proposal_preview_opens_in_a_new_tab_and_leads_back_to_the_review(admin_client, reference):
    proposal = make_proposal(language="fr", name_fr="Groupe proposé")
    href = preview("directory:group_preview", proposal.pk, "fr")
    page = admin_client.get(f"/admin/directory/proposal/{proposal.pk}/change/")
    assert_new_tab(page.content.decode(), href)
    html = admin_client.get(href).content.decode()
    banner = html.split('class="preview-banner"')[1].split("</div>")[0]
    assert links_to(banner, f"/admin/directory/proposal/{proposal.pk}/change/")


def test_a_listed_group_preview_leads_back_to_the_group_form(admin_client, reference):
    proposal = make_proposal(language="nl", name_nl="Goedgekeurde groep")
    Group.objects.filter(pk=proposal.pk).update(review=Group.Review.APPROVED)
    html = admin_client.get(preview("directory:group_preview", proposal.pk, "nl")).content.decode()
    banner = html.split('class="preview-banner"')[1].split("</div>")[0]
    assert links_to(banner, f"/admin/directory/group/{proposal.pk}/change/")
    assert "Terug naar bewerken" in banner
