"""Warnings where they matter (issue 14, item 7): the group form says when a listing is off the
site, missing a language or reported as wrong; saving a published group or article without a
language warns without refusing; rejected proposals leave the group list and its counts; the
stale list shows the most overdue first; the language tabs mark the empty ones."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import timezone

from articles.models import Article
from directory.models import CorrectionReport, Group
from tests.articles.test_admin import article_form_data
from tests.directory.test_admin import attention_items, form_data, listed
from tests.factories import make_article, make_group

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_admin")]


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def change_url(group):
    return f"/admin/directory/group/{group.pk}/change/"


def banner(response):
    """The text of the form's "Check this listing" notice, or None."""
    html = response.content.decode()
    if 'class="ht-warnings"' not in html:
        return None
    start = html.index('class="ht-warnings"')
    return html[start : html.index("</section>", start)]


# --- the model's rules ------------------------------------------------------------------------


def test_a_group_is_hidden_for_staleness_by_the_public_rule_only(reference):
    old = days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 1)
    assert make_group(last_verified=old).is_hidden_for_staleness
    assert not make_group().is_hidden_for_staleness
    # Off the site for another reason: not "hidden for staleness".
    assert not make_group(last_verified=old, published=False).is_hidden_for_staleness
    assert not make_group(last_verified=old, status=Group.Status.ENDED).is_hidden_for_staleness


def test_a_group_is_written_in_a_language_when_its_card_is(reference):
    group = make_group(summary_fr="", name_en="")
    assert group.languages_not_written() == ["fr", "en"]
    assert group.is_written_in("nl")


# --- the banner on the form -------------------------------------------------------------------


def test_no_banner_for_a_fresh_complete_group(editor_client, reference):
    response = editor_client.get(change_url(make_group()))
    assert response.status_code == 200
    assert banner(response) is None


def test_banner_when_the_listing_is_off_the_site_for_staleness(editor_client, reference):
    group = make_group(last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 3))
    text = banner(editor_client.get(change_url(group)))
    assert 'role="status"' in text
    assert f"Off the public site: not verified for over {settings.GROUP_HIDDEN_AFTER_DAYS}" in text


def test_banner_names_the_languages_the_group_is_not_written_in(editor_client, reference):
    group = make_group(name_fr="", summary_en="")
    text = banner(editor_client.get(change_url(group)))
    assert "Not written in French and English" in text


def test_banner_links_to_the_groups_open_correction_reports(editor_client, reference):
    group = make_group()
    other = make_group()
    CorrectionReport.objects.create(group=group, message="Wrong phone", language="nl")
    CorrectionReport.objects.create(group=group, message="Wrong day", language="fr")
    CorrectionReport.objects.create(
        group=group, message="Done", language="fr", status=CorrectionReport.Status.RESOLVED
    )
    CorrectionReport.objects.create(group=other, message="Not this one", language="nl")
    text = banner(editor_client.get(change_url(group)))
    assert "2 open correction reports from visitors." in text
    url = f"/admin/directory/correctionreport/?group__id__exact={group.pk}&amp;status=open"
    assert f'href="{url}"' in text
    reports = editor_client.get(url.replace("&amp;", "&"))
    assert reports.status_code == 200
    assert {r.message for r in reports.context["cl"].result_list} == {"Wrong phone", "Wrong day"}


def test_the_banner_is_translated(editor_client, reference):
    group = make_group(name_fr="", last_verified=days_ago(settings.GROUP_HIDDEN_AFTER_DAYS + 3))
    text = banner(editor_client.get(change_url(group), HTTP_ACCEPT_LANGUAGE="nl"))
    assert "Controleer deze vermelding" in text
    assert "Frans" in text
    text = banner(editor_client.get(change_url(group), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Vérifiez cette fiche" in text
    assert "français" in text


# --- warnings on publishing, never a refusal --------------------------------------------------


def test_saving_a_published_group_without_a_language_warns_and_saves(editor_client, reference):
    group = make_group()
    page = editor_client.get(change_url(group))
    data = form_data(page.context["adminform"].form, name_fr="", summary_fr="")
    response = editor_client.post(change_url(group), data)
    assert response.status_code == 302
    group.refresh_from_db()
    assert not group.name_fr
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "Not written in French" in warnings[0]


def test_saving_a_published_article_without_a_language_warns_and_saves(editor_client, reference):
    article = make_article(languages=("nl", "fr"))
    url = f"/admin/articles/article/{article.pk}/change/"
    page = editor_client.get(url)
    response = editor_client.post(url, article_form_data(page, title_nl="Nieuwe titel"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title_nl == "Nieuwe titel"
    assert article.status == Article.Status.PUBLISHED
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert "not translated into English" in warnings[0]


def test_no_warning_for_a_draft_article(editor_client, reference):
    article = make_article(languages=("nl",), status=Article.Status.DRAFT)
    url = f"/admin/articles/article/{article.pk}/change/"
    response = editor_client.post(url, article_form_data(editor_client.get(url)))
    assert response.status_code == 302
    assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]


# --- the list and its counts ------------------------------------------------------------------


def test_rejected_proposals_leave_the_group_list_and_the_counts(admin_client, reference):
    kept = make_group(name_en="")
    pending = make_group(published=False, review=Group.Review.PENDING, name_en="")
    rejected = make_group(
        published=False,
        review=Group.Review.REJECTED,
        name_en="",
        last_verified=days_ago(settings.GROUP_STALE_AFTER_DAYS + 2),
    )
    assert listed(admin_client.get("/admin/directory/group/")) == {kept.pk, pending.pk}
    assert rejected.pk not in listed(admin_client.get("/admin/directory/group/?freshness=stale"))
    items = attention_items(admin_client.get("/admin/"))
    stale = f"listings to verify (not verified for {settings.GROUP_STALE_AFTER_DAYS} days)"
    assert items[stale][0] == 0
    assert items["groups without a name, summary or description in English"][0] == 2


@pytest.mark.parametrize("choice", ["stale", "hidden"])
def test_the_stale_list_shows_the_most_overdue_first(admin_client, reference, choice):
    days = {"stale": settings.GROUP_STALE_AFTER_DAYS, "hidden": settings.GROUP_HIDDEN_AFTER_DAYS}
    days = days[choice]
    recent, oldest, middle = (make_group(last_verified=days_ago(days + n)) for n in (1, 9, 5))
    response = admin_client.get(f"/admin/directory/group/?freshness={choice}")
    order = [g.pk for g in response.context["cl"].result_list]
    assert order == [oldest.pk, middle.pk, recent.pk]


# --- the language tabs ------------------------------------------------------------------------


def test_the_forms_load_the_empty_tab_marker_with_its_words_translated(editor_client, reference):
    for url in (change_url(make_group()), f"/admin/articles/article/{make_article().pk}/change/"):
        assert "admin-ext/translation-tabs." in editor_client.get(url).content.decode()
    catalog = editor_client.get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert '"empty": "leeg"' in catalog
