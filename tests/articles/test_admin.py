import pytest
from django.utils import timezone

from articles.models import Article
from tests.directory.test_admin import form_data
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def article_form_data(page, **changes):
    form = page.context["adminform"].form
    data = form_data(form, **changes)
    moment = timezone.localtime(form["publish_at"].value() or timezone.now())
    data.pop("publish_at", None)
    data.update(
        {
            "publish_at_0": moment.strftime("%Y-%m-%d"),
            "publish_at_1": moment.strftime("%H:%M:%S"),
            "references-TOTAL_FORMS": "0",
            "references-INITIAL_FORMS": "0",
            "references-MIN_NUM_FORMS": "0",
            "references-MAX_NUM_FORMS": "1000",
        }
    )
    return data


def test_editor_changes_are_recorded_and_revert_restores_every_language(editor_client, reference):
    article = make_article(title_nl="Oude titel", title_fr="Ancien titre", title_en="Old title")
    first = article.history.latest()
    url = f"/admin/articles/article/{article.pk}/change/"
    page = editor_client.get(url)
    data = article_form_data(
        page, title_nl="Nieuwe titel", title_fr="Nouveau titre", body_en="<p>New</p>"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.title_fr == "Nouveau titre"
    assert article.history.count() == 2

    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert history.status_code == 200
    assert "title_fr" in history.content.decode() or "Nouveau titre" in history.content.decode()

    revert_url = f"/admin/articles/article/{article.pk}/history/{first.history_id}/"
    page = editor_client.get(revert_url)
    assert page.status_code == 200
    response = editor_client.post(revert_url, article_form_data(page))
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title_nl, article.title_fr) == ("Oude titel", "Ancien titre")
    assert "New" not in article.body_en


def test_list_shows_languages_and_filters_missing_translations(editor_client, reference):
    make_article(languages=("nl", "fr"), title_nl="Zonder Engels")
    make_article(title_nl="Volledig")
    response = editor_client.get("/admin/articles/article/?missing=en")
    html = response.content.decode()
    assert "Zonder Engels" in html
    assert "Volledig" not in html
    assert "NL FR —" in html


def test_publish_now_skips_articles_without_a_translation(editor_client, reference):
    ready = make_article(status=Article.Status.DRAFT)
    empty = Article.objects.create(author_name="X", status=Article.Status.DRAFT)
    editor_client.post(
        "/admin/articles/article/",
        {"action": "publish_now", "_selected_action": [ready.pk, empty.pk]},
    )
    ready.refresh_from_db()
    empty.refresh_from_db()
    assert ready.is_public("nl")
    assert empty.status == Article.Status.DRAFT


def test_anonymous_and_editors_without_2fa_cannot_reach_the_article_admin(client, reference):
    response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
