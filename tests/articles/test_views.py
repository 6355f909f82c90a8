import datetime
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.factories import expire_staff_session, make_article, make_group

pytestmark = pytest.mark.django_db


def test_list_newest_first_in_the_pages_language(client, reference):
    old = make_article(publish_at=timezone.now() - datetime.timedelta(days=30))
    new = make_article(publish_at=timezone.now() - datetime.timedelta(days=1))
    make_article(languages=("fr",))
    response = client.get("/nl/artikelen/")
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [new, old]


def test_list_filters_by_audience_and_topic(client, reference):
    caregivers = make_article(audiences=["caregivers"], topics=["grief"])
    make_article(audiences=["parents"])
    response = client.get("/en/articles/?audience=caregivers")
    assert list(response.context["page_obj"].object_list) == [caregivers]
    response = client.get("/en/articles/?topic=grief&audience=nobody")
    assert list(response.context["page_obj"].object_list) == [caregivers]
    assert "nobody" in response.content.decode()


def test_list_paginates_and_clamps_pages(client, reference):
    for _ in range(12):
        make_article()
    response = client.get("/fr/articles/?page=99")
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 2


def test_list_query_count_is_constant(client, reference, django_assert_num_queries):
    make_article(audiences=["caregivers"], topics=["grief"])
    client.get("/nl/artikelen/")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/nl/artikelen/").status_code == 200
    expected = len(few.captured_queries)  # read now: the next request clears the log
    for _ in range(9):
        make_article(audiences=["caregivers", "parents"], topics=["grief", "anxiety"])
    client.get("/nl/artikelen/")  # what is cached per content version, cached again
    with django_assert_num_queries(expected):
        client.get("/nl/artikelen/")


def test_article_page_shows_date_author_reading_time_and_references(client, reference):
    article = make_article(references=2, author_role_fr="Psychologue")
    response = client.get(article.get_absolute_url("fr"))
    html = response.content.decode()
    assert response.status_code == 200
    assert article.title_fr in html
    assert "Editorial team" in html
    assert "Psychologue" in html
    assert 'datetime="' in html
    assert html.count("<cite>") == 2
    assert 'aria-labelledby="help-box-title"' in html


def test_article_page_lists_groups_matching_its_audiences_and_topics(client, reference):
    article = make_article(audiences=["caregivers"], topics=["grief"])
    both = make_group(audiences=["caregivers"], topics=["grief"], name_nl="Beide")
    one = make_group(audiences=["caregivers"], name_nl="Een")
    make_group(audiences=["parents"], name_nl="Geen")
    response = client.get(article.get_absolute_url("nl"))
    assert list(response.context["groups"]) == [both, one]
    assert "audience=caregivers" in response.content.decode()


def test_related_articles_share_audiences_first(client, reference):
    article = make_article(audiences=["caregivers"])
    close = make_article(audiences=["caregivers"])
    make_article(languages=("fr",), audiences=["caregivers"])
    response = client.get(article.get_absolute_url("nl"))
    assert list(response.context["related"])[0] == close
    assert all(a.is_translated("nl") for a in response.context["related"])


def test_article_page_query_count_is_constant(client, reference, django_assert_num_queries):
    article = make_article(audiences=["caregivers"], topics=["grief"], references=1)
    make_article(audiences=["caregivers"])
    make_group(audiences=["caregivers"])
    client.get(article.get_absolute_url("nl"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(article.get_absolute_url("nl")).status_code == 200
    expected = len(few.captured_queries)  # read now: the next request clears the log
    for _ in range(5):
        make_group(audiences=["caregivers"], topics=["grief"], languages=("nl", "fr"))
        make_article(audiences=["caregivers"], topics=["grief"], references=3)
    article.references.create(authors="A", year=2001, title="T", container="C")
    client.get(article.get_absolute_url("nl"))  # what is cached per content version, again
    with django_assert_num_queries(expected):
        client.get(article.get_absolute_url("nl"))


def test_hreflang_only_for_existing_translations_plus_x_default(client, reference):
    article = make_article(languages=("fr", "en"))
    html = client.get(article.get_absolute_url("fr")).content.decode()
    assert 'hreflang="fr" href="http://testserver/fr/articles/' in html
    assert 'hreflang="en" href="http://testserver/en/articles/' in html
    assert '<link rel="alternate" hreflang="nl"' not in html
    assert f'hreflang="x-default" href="http://testserver{article.get_absolute_url("fr")}"' in html
    assert (
        f'<link rel="canonical" href="http://testserver{article.get_absolute_url("fr")}">' in html
    )
    assert '<meta property="og:title" content="Article' in html
    assert '<meta property="og:locale" content="fr_BE">' in html


def test_switcher_leads_to_the_other_slug_or_to_the_list_with_a_notice(client, reference):
    article = make_article(languages=("nl", "fr"))
    html = client.get(article.get_absolute_url("nl")).content.decode()
    assert f'href="{article.get_absolute_url("fr")}"' in html
    assert 'href="/en/articles/?untranslated=1"' in html
    listing = client.get("/en/articles/?untranslated=1").content.decode()
    assert "has not been translated into this language yet" in listing


def test_missing_translation_redirects_to_the_list_with_the_notice(client, reference):
    article = make_article(languages=("nl",))
    response = client.get(f"/en/articles/{article.slug_nl}/")
    assert response.status_code == 302
    assert response["Location"] == "/en/articles/?untranslated=1"


def test_slug_from_another_language_redirects_to_this_languages_slug(client, reference):
    article = make_article()
    response = client.get(f"/en/articles/{article.slug_nl}/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url("en")


@pytest.mark.parametrize("path", ["/fr/articles/nexiste-pas/", "/fr/articles/%C3%A9t%C3%A9/"])
def test_unknown_slug_is_a_404_in_the_visitors_language(client, reference, path):
    response = client.get(path)
    assert response.status_code == 404
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": Article.Status.DRAFT},
        {"status": Article.Status.SCHEDULED, "publish_at": timezone.now() + datetime.timedelta(1)},
    ],
)
def test_drafts_and_scheduled_are_404_for_the_public(client, reference, fields):
    article = make_article(**fields)
    assert client.get(article.get_absolute_url("nl")).status_code == 404
    assert client.get(article.get_preview_url()).status_code == 404


@pytest.fixture
def article_editor(db):
    editor = User.objects.create_user("editor", password="x" * 16, is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    return editor


def test_staff_preview_of_a_draft_has_a_banner_and_is_never_indexed(
    client, reference, article_editor, otp_login
):
    article = make_article(status=Article.Status.DRAFT)
    otp_login(client, article_editor)
    response = client.get(article.get_preview_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: not public." in html or "Voorbeeld" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["Cache-Control"] == "private, no-store"
    assert '<link rel="alternate" hreflang' not in html


def test_a_password_only_session_cannot_preview(client, reference, article_editor):
    """The admin's two-factor check applies to the preview too: the right password alone is
    not enough."""
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(article_editor)
    assert client.get(article.get_preview_url()).status_code == 404


def test_a_preview_in_a_session_over_its_time_asks_to_sign_in_again(
    client, reference, article_editor, otp_login
):
    article = make_article(status=Article.Status.DRAFT)
    otp_login(client, article_editor)
    expire_staff_session(client)
    response = client.get(article.get_preview_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    assert SESSION_KEY not in client.session


def test_staff_without_permission_cannot_preview(client, reference):
    article = make_article(status=Article.Status.DRAFT)
    client.force_login(User.objects.create_user("visitor", password="x" * 16, is_staff=True))
    assert client.get(article.get_preview_url()).status_code == 404


def test_script_in_a_body_never_reaches_the_page(client, reference):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        body_nl='<p>ok</p><script>alert("x")</script><img src=x onerror=alert(1)>'
    )
    # Even text written to the database behind the model's back is cleaned on the next save.
    article.refresh_from_db()
    article.save()
    html = client.get(article.get_absolute_url("nl")).content.decode()
    assert "alert" not in html


def test_helplines_are_read_once_for_the_strip_and_the_box(client, reference):
    article = make_article()
    with CaptureQueriesContext(connection) as queries:
        html = client.get(article.get_absolute_url("nl")).content.decode()
    helpline_reads = [q for q in queries.captured_queries if "directory_helpline" in q["sql"]]
    assert len(helpline_reads) == 1
    assert html.count('href="tel:112"') == 2  # the header strip and the box


def test_article_page_shows_each_matching_group_as_a_card(client, reference):
    """The related groups are written as result cards, with their names and where they meet."""
    article = make_article(audiences=["caregivers"])
    make_group(audiences=["caregivers"], name_nl="Praatgroep Beide")
    html = client.get(article.get_absolute_url("nl")).content.decode()
    cards = re.findall(r'<li><article class="group-card">.*?</article></li>', html, re.S)
    assert len(cards) == 1
    assert "Praatgroep Beide" in cards[0]
    assert "<dt>Waar</dt>" in cards[0]
