"""The history a person can read (issue 14 item 2): healing_together.history, history_display
and history_admin, on groups and articles.

Text changes as text, labels and value labels instead of codes, local time, one version per
save (codes included), restores named as restores, no version for a save that changed nothing
(the admin, a plain save, the CSV import), and two versions side by side.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import formats, timezone, translation

from articles.models import Article
from directory.models import Audience, Group, Topic
from healing_together.history_display import Reader, html_to_text
from tests.directory.test_admin import form_data
from tests.directory.test_csv_io import export, rows_of, to_csv, upload
from tests.factories import make_article, make_group, make_organisation
from tests.healing_together.test_admin_language import english_words, visible_text

pytestmark = pytest.mark.django_db

LONG_NL = " ".join(f"woord{n}" for n in range(60))


def history_page(client, obj, language):
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/"
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200
    return response.content.decode()


def changes_of(record, language="nl"):
    """{label: (old, new)} of a record against the version before it."""
    with translation.override(language):
        reader = Reader(type(record))
        return {c.label: (c.old, c.new) for c in reader.changes(record.prev_record, record)}


def post_change(client, obj, language="nl", **changes):
    opts = obj._meta
    url = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
    response = client.get(url)
    form = response.context["adminform"].form
    data = form_data(form, **changes)
    for name, field in form.fields.items():
        if hasattr(field.widget, "widgets") and name not in changes:  # date and time apart
            for index, part in enumerate(field.widget.decompress(form[name].value())):
                data[f"{name}_{index}"] = str(part) if part is not None else ""
    # The article's inline references, as the page shows them.
    for formset in response.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        for key in management.fields:
            data[f"{management.prefix}-{key}"] = management[key].value()
    response = client.post(url, data, headers={"accept-language": language})
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


# --- 1. text as text ---------------------------------------------------------------------------


def test_rich_text_reads_as_plain_text():
    html = "<h2>Wie</h2><p>Ouders &amp; kinderen</p><ul><li>één</li><li>twee</li></ul>"
    assert html_to_text(html) == "Wie\nOuders & kinderen\n• één\n• twee"


def test_a_long_text_change_shows_the_passage_that_changed(editor_client, reference):
    group = make_group(description_nl=f"<p>{LONG_NL} maandag {LONG_NL}</p>")
    group.description_nl = f"<p>{LONG_NL} woensdag {LONG_NL}</p>"
    group.save()
    old, new = changes_of(group.history.latest())["Beschrijving [nl]"]
    assert "maandag" in old
    assert "woensdag" in new
    assert old.startswith("…")
    assert len(new) < 200
    html = history_page(editor_client, group, "nl")
    assert "&lt;p&gt;" not in html
    assert "chars]" not in html
    assert "woensdag" in html


# --- 2. labels and values ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", {"Dag": ("maandag", "woensdag"), "Gepubliceerd": ("Nee", "Ja")}),
        ("fr", {"Jour": ("lundi", "mercredi"), "Publié": ("Non", "Oui")}),
    ],
)
def test_choices_and_booleans_by_their_labels(reference, language, expected):
    group = make_group(weekday=0, published=False)
    group.weekday = 2
    group.published = True
    group.save()
    changes = changes_of(group.history.latest(), language)
    for label, values in expected.items():
        assert changes[label] == values


def test_related_objects_by_name_and_dates_in_local_time(reference):
    group = make_group(organisation=make_organisation(name="Vzw Oud"))
    group.organisation = make_organisation(name="Vzw Nieuw")
    group.last_verified = datetime.date(2026, 6, 1)
    group.save()
    changes = changes_of(group.history.latest())
    assert changes["Organisatie"] == ("Vzw Oud", "Vzw Nieuw")
    assert changes["Laatst nagekeken"][1] == "1 juni 2026"

    article = make_article()
    article.publish_at = datetime.datetime(2026, 12, 3, 13, 5, 7, 123456, tzinfo=datetime.UTC)
    article.save()
    # 13:05 UTC is 14:05 in Brussels; no seconds, no microseconds.
    assert changes_of(article.history.latest())["Publicatiedatum"][1] == "3 december 2026 14:05"


# --- 3. one version per save ---------------------------------------------------------------


def test_an_admin_save_with_new_codes_is_one_version(editor_client, reference):
    group = make_group(audiences=["parents"], topics=["grief"])
    before = group.history.count()
    caregivers = Audience.objects.get(slug="caregivers")
    post_change(editor_client, group, name_nl="Nieuwe naam", audiences=[str(caregivers.pk)])
    assert group.history.count() == before + 1
    changes = changes_of(group.history.latest())
    assert changes["Naam [nl]"][1] == "Nieuwe naam"
    assert changes["Doelgroepen"][1] == str(caregivers)


def test_an_article_save_with_new_topics_is_one_version(editor_client, reference):
    article = make_article(topics=["grief"])
    before = article.history.count()
    topic = Topic.objects.exclude(slug="grief").first()
    post_change(editor_client, article, topics=[str(topic.pk)])
    assert article.history.count() == before + 1
    assert changes_of(article.history.latest())["Thema’s"] == (
        str(Topic.objects.get(slug="grief")),
        str(topic),
    )


def test_a_command_loading_articles_writes_one_version_each(reference):
    call_command("load_content")
    article = Article.objects.exclude(topics=None).first()
    assert article.history.count() == 1
    record = article.history.get()
    assert record.topics.count() == article.topics.count()


def test_a_proposal_from_the_public_form_is_one_version(client, reference):
    from tests.directory.test_proposals import post

    assert post(client, "fr").status_code == 302
    group = Group.objects.get()
    record = group.history.get()
    assert record.history_type == "+"
    assert record.audiences.count() == group.audiences.count() > 0


# --- 4. restores -------------------------------------------------------------------------------


def test_a_restore_names_the_version_it_came_from(editor_client, reference):
    group = make_group(name_nl="Eerste naam")
    first = group.history.latest()
    group.name_nl = "Tweede naam"
    group.save()
    url = f"/admin/directory/group/{group.pk}/history/{first.history_id}/"
    form = editor_client.get(url).context["adminform"].form
    response = editor_client.post(url, form_data(form))
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name_nl == "Eerste naam"
    when = timezone.localtime(first.history_date)
    for language, sentence, action in [
        ("nl", "Hersteld van de versie van", "Hersteld"),
        ("fr", "Restauré depuis la version du", "Restauré"),
    ]:
        html = history_page(editor_client, group, language)
        with translation.override(language):
            date = formats.date_format(when, "DATETIME_FORMAT")
        assert f"{sentence} {date}" in html
        assert f"<td>{action}</td>" in html


def test_restoring_an_article_brings_back_its_topics(editor_client, reference):
    article = make_article(topics=["grief"], publish_at=timezone.now().replace(microsecond=0))
    first = article.history.latest()
    article.topics.set(Topic.objects.exclude(slug="grief")[:1])
    url = f"/admin/articles/article/{article.pk}/history/{first.history_id}/"
    form = editor_client.get(url).context["adminform"].form
    assert [str(pk) for pk in form["topics"].value()] == [str(Topic.objects.get(slug="grief").pk)]


# --- 5. no version for a save that changed nothing ---------------------------------------------


def test_saves_that_change_nothing_write_no_version(editor_client, reference):
    group = make_group(audiences=["parents"])
    count = group.history.count()
    group.save()  # a command's save
    post_change(editor_client, group)  # the admin form, saved as it is
    assert group.history.count() == count
    # To the second: the form shows no fractions of a second.
    article = make_article(publish_at=timezone.now().replace(second=0, microsecond=0))
    count = article.history.count()
    article.save()
    post_change(editor_client, article)
    assert article.history.count() == count


def test_a_save_with_only_a_change_note_keeps_the_note(editor_client, reference):
    group = make_group()
    count = group.history.count()
    post_change(editor_client, group, change_reason="Gebeld: alles klopt nog")
    assert group.history.count() == count + 1
    assert group.history.latest().history_change_reason == "Gebeld: alles klopt nog"


def test_a_csv_import_writes_versions_only_for_the_groups_it_changed(admin_client, reference):
    same, changed = make_group(), make_group()
    before = {group.pk: group.history.count() for group in (same, changed)}
    rows = rows_of(export(admin_client))
    for row in rows:
        if row["id"] == str(changed.pk):
            row["name_nl"] = "Gewijzigd door import"
    response = upload(admin_client, "\ufeff" + to_csv(rows, list(rows[0])))
    assert response.status_code == 302
    assert same.history.count() == before[same.pk]
    assert changed.history.count() == before[changed.pk] + 1
    assert changed.history.latest().history_user.is_superuser


# --- 6. side by side ---------------------------------------------------------------------------


def test_two_versions_side_by_side(editor_client, reference):
    group = make_group(weekday=0)
    group.weekday = 2
    group.save()
    history = history_page(editor_client, group, "nl")
    newest = group.history.latest().history_id
    links = re.findall(rf'href="([^"]*/history/compare/\?older=\d+&amp;newer={newest})"', history)
    assert len(links) == 1
    response = editor_client.get(links[0].replace("&amp;", "&"), headers={"accept-language": "nl"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th scope="col">Veld</th>' in html
    row = re.search(r"<tr class=\"ht-changed\">\s*<th scope=\"row\">Dag.*?</tr>", html, re.S)
    assert row
    assert "(gewijzigd)" in row.group()
    assert "maandag" in row.group()
    assert "woensdag" in row.group()
    assert english_words(visible_text(html), "nl") == []


def test_comparing_a_version_of_another_object_is_not_found(editor_client, reference):
    group, other = make_group(), make_group()
    url = f"/admin/directory/group/{group.pk}/history/compare/"
    foreign = other.history.latest().history_id
    assert editor_client.get(f"{url}?newer={foreign}").status_code == 404
    assert editor_client.get(f"{url}?older=abc").status_code == 404


# --- the history page, read in Dutch and in French ---------------------------------------------


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_history_pages_have_no_html_and_no_english(editor_client, reference, language):
    group = make_group(description_nl="<p>Eerste tekst.</p>", weekday=0)
    post_change(editor_client, group, description_nl="<p>Tweede <strong>tekst</strong>.</p>")
    post_change(editor_client, group, weekday="2", published="on")
    article = make_article(body_fr="<p>Premier texte.</p>")
    article.body_fr = "<p>Un nouveau texte.</p>"
    article.save()
    article.status = Article.Status.DRAFT
    article.save()
    for obj in (group, article):
        text = visible_text(history_page(editor_client, obj, language))
        assert not re.search(r"</?[a-z]+[ >]", text), text
        assert english_words(text, language) == []
