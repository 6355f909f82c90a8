import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from articles.models import Article

pytestmark = pytest.mark.django_db
CONTENT = Path(settings.BASE_DIR) / "fixtures" / "content" / "articles"


def test_loads_the_six_articles_in_three_languages_idempotently(reference):
    call_command("load_content")
    assert Article.objects.count() >= 6
    for article in Article.objects.all():
        assert article.languages == ["nl", "fr", "en"]
        assert article.references.exists()
        assert article.key
    history = sum(a.history.count() for a in Article.objects.all())
    call_command("load_content")
    assert sum(a.history.count() for a in Article.objects.all()) == history


def test_never_overwrites_an_editors_change(reference, tmp_path):
    source = json.loads((CONTENT / "caregivers.json").read_text())
    (tmp_path / "caregivers.json").write_text(json.dumps(source), encoding="utf-8")
    call_command("load_content", dir=str(tmp_path))
    article = Article.objects.get(key="caregivers")
    article.title_fr = "Titre changé par la rédaction"
    article.save()
    source["translations"]["fr"]["summary"] = "Nouveau résumé du fichier"
    (tmp_path / "caregivers.json").write_text(json.dumps(source), encoding="utf-8")
    call_command("load_content", dir=str(tmp_path))
    article.refresh_from_db()
    assert article.title_fr == "Titre changé par la rédaction"
    assert article.summary_fr != "Nouveau résumé du fichier"


def test_updates_an_untouched_article_when_its_file_changes(reference, tmp_path):
    source = json.loads((CONTENT / "caregivers.json").read_text())
    (tmp_path / "caregivers.json").write_text(json.dumps(source), encoding="utf-8")
    call_command("load_content", dir=str(tmp_path))
    source["translations"]["en"]["summary"] = "A better summary."
    (tmp_path / "caregivers.json").write_text(json.dumps(source), encoding="utf-8")
    call_command("load_content", dir=str(tmp_path))
    assert Article.objects.get(key="caregivers").summary_en == "A better summary."


def test_unknown_taxonomy_is_a_clear_error(reference, tmp_path):
    source = json.loads((CONTENT / "caregivers.json").read_text())
    source["audiences"] = ["martians"]
    (tmp_path / "a.json").write_text(json.dumps(source), encoding="utf-8")
    with pytest.raises(CommandError, match="martians"):
        call_command("load_content", dir=str(tmp_path))
    assert not Article.objects.exists()


def test_every_reference_has_a_doi_or_url_and_a_source(reference):
    for path in CONTENT.glob("*.json"):
        data = json.loads(path.read_text())
        for ref in data["references"]:
            if ref["volume"]:  # a journal article: readers must be able to find it
                assert ref["doi"] or ref["url"], (path.name, ref["title"])
            assert ref["verified_from"].startswith(("https://", "http://")), (
                path.name,
                ref["title"],
            )
