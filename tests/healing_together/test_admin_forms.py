"""The admin's forms on articles, networks and groups: the change note ("What did you
change?"), kept in the history and last in the form; the rich-text areas' language."""

import re

import pytest

from directory.models import Network
from tests.articles.test_admin import article_form_data
from tests.directory.test_admin import form_data
from tests.factories import make_article, make_network

pytestmark = pytest.mark.django_db


def test_article_change_note_is_kept_in_its_history(editor_client, reference):
    article = make_article(title_nl="Oude titel")
    url = f"/admin/articles/article/{article.pk}/change/"
    page = editor_client.get(url)
    data = article_form_data(page, title_nl="Nieuwe titel", change_reason="Titel verduidelijkt")
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert article.history.latest().history_change_reason == "Titel verduidelijkt"
    history = editor_client.get(f"/admin/articles/article/{article.pk}/history/")
    assert "Titel verduidelijkt" in history.content.decode()


def test_network_change_note_is_kept_in_its_history(editor_client, reference):
    network = make_network(name="Netwerk Brussel")
    url = f"/admin/directory/network/{network.pk}/change/"
    page = editor_client.get(url)
    data = form_data(
        page.context["adminform"].form, phone="02 123 45 67", change_reason="Nieuw nummer"
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = Network.objects.get(pk=network.pk).history.latest()
    assert record.history_change_reason == "Nieuw nummer"
    assert record.phone == "02 123 45 67"


def test_no_note_leaves_the_history_without_one(editor_client, reference):
    network = make_network()
    url = f"/admin/directory/network/{network.pk}/change/"
    page = editor_client.get(url)
    response = editor_client.post(url, form_data(page.context["adminform"].form, phone="09 1"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not network.history.latest().history_change_reason


@pytest.mark.parametrize(
    "url",
    [
        "/admin/articles/article/add/",
        "/admin/directory/network/add/",
        "/admin/directory/group/add/",
    ],
)
def test_the_note_is_the_last_section_of_the_form(editor_client, url):
    fieldsets = editor_client.get(url).context["adminform"].fieldsets
    assert fieldsets[-1][1]["fields"] == ["change_reason"]
    for _legend, options in fieldsets[:-1]:
        assert "change_reason" not in str(options["fields"])


def test_a_note_too_long_is_refused_with_a_message(editor_client, reference):
    network = make_network()
    url = f"/admin/directory/network/{network.pk}/change/"
    page = editor_client.get(url)
    data = form_data(page.context["adminform"].form, change_reason="x" * 101)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors


def test_rich_text_areas_check_spelling_in_their_language_even_without_javascript(
    editor_client,
):
    html = editor_client.get("/admin/articles/article/add/").content.decode()
    for code in ("nl", "fr", "en"):
        (tag,) = re.findall(rf'<textarea [^>]*id="id_body_{code}"[^>]*>', html)
        assert f'lang="{code}"' in tag
        assert 'spellcheck="true"' in tag
