import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_public_only_in_languages_with_title_slug_and_body(reference):
    article = make_article(languages=("nl", "fr"))
    Article.objects.filter(pk=article.pk).update(body_fr="")
    assert list(Article.objects.public("nl")) == [article]
    assert list(Article.objects.public("fr")) == []
    assert list(Article.objects.public("en")) == []
    article.refresh_from_db()
    assert article.languages == ["nl"]


def test_drafts_are_never_public(reference):
    make_article(status=Article.Status.DRAFT)
    assert not Article.objects.public("nl").exists()


def test_scheduled_article_appears_when_its_moment_comes(reference):
    moment = timezone.now() + datetime.timedelta(hours=2)
    article = make_article(status=Article.Status.SCHEDULED, publish_at=moment)
    assert not Article.objects.public("nl").exists()
    later = moment + datetime.timedelta(minutes=1)
    assert list(Article.objects.public("nl", now=later)) == [article]


def test_published_with_a_future_date_becomes_scheduled(reference):
    article = make_article(publish_at=timezone.now() + datetime.timedelta(days=1))
    assert article.status == Article.Status.SCHEDULED
    assert not article.is_live()


@pytest.mark.parametrize(
    "dirty",
    [
        '<p>Hi</p><script>alert("x")</script>',
        '<p>Hi<img src="x" onerror="alert(1)"></p>',
        '<p onclick="alert(1)">Hi</p>',
        '<p><a href="javascript:alert(1)">Hi</a></p>',
        '<p style="color:red">Hi</p><iframe src="https://evil.example"></iframe>',
    ],
)
def test_body_is_sanitised_on_save(reference, dirty):
    article = make_article(body_nl=dirty)
    article.refresh_from_db()
    for bad in ("<script", "onerror", "onclick", "javascript:", "style=", "<iframe", "<img"):
        assert bad not in article.body_nl
    assert "Hi" in article.body_nl


def test_slugs_are_filled_from_titles_and_unique_per_language(reference):
    first = make_article(title_nl="Rouw en verlies", slug_nl=None)
    second = make_article(title_nl="Rouw en verlies", slug_nl=None)
    assert first.slug_nl == "rouw-en-verlies"
    assert second.slug_nl == "rouw-en-verlies-2"


def test_same_slug_allowed_in_different_languages(reference):
    make_article(languages=("nl",), slug_nl="burn-out")
    other = make_article(languages=("fr",), slug_fr="burn-out")
    assert other.slug_fr == "burn-out"


def test_cover_needs_a_description_in_each_language(reference):
    from django.core.files.uploadedfile import SimpleUploadedFile

    article = make_article(languages=("nl", "fr"))
    article.cover = SimpleUploadedFile("cover.png", tiny_png())
    article.cover_alt_nl = "Twee handen"
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "cover_alt_fr" in error.value.message_dict


def test_cannot_publish_without_any_translation(reference):
    article = Article(author_name="X", status=Article.Status.PUBLISHED)
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "status" in error.value.message_dict


def test_reading_time_counts_words(reference):
    article = make_article(body_nl="<p>" + "woord " * 401 + "</p>")
    assert article.reading_minutes == 3


def test_every_change_is_recorded(reference):
    article = make_article()
    article.title_fr = "Nouveau titre"
    article.save()
    assert article.history.count() == 2
    assert article.history.first().title_fr == "Nouveau titre"
    assert article.history.last().title_fr != "Nouveau titre"


COVER_FIELDS = ["cover", "cover_alt_nl", "cover_alt_fr", "cover_alt_en"]
ALTS = {"cover_alt_nl": "Stoelen", "cover_alt_fr": "Chaises", "cover_alt_en": "Chairs"}


def tiny_png():
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cover.jpg", b"not an image", "image"),
        ("cover.gif", b"GIF89a" + b"0" * 10, ""),
        ("cover.png", "tiny png followed by 5 MB", "5 MB"),
    ],
)
def test_cover_upload_must_be_a_small_real_image(reference, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.forms import modelform_factory
    from django.utils import translation

    if content == "tiny png followed by 5 MB":
        content = tiny_png() + b"0" * (5 * 1024 * 1024)
    form_class = modelform_factory(Article, fields=COVER_FIELDS)
    with translation.override("en"):
        form = form_class(ALTS, files={"cover": SimpleUploadedFile(name, content)})
        assert not form.is_valid()
        assert message in " ".join(form.errors["cover"])


def test_a_real_small_image_is_accepted(reference):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.forms import modelform_factory

    form_class = modelform_factory(Article, fields=COVER_FIELDS)
    form = form_class(ALTS, files={"cover": SimpleUploadedFile("cover.png", tiny_png())})
    assert form.is_valid(), form.errors


def test_a_draft_published_later_is_dated_on_its_publication(reference):
    begun = timezone.now() - datetime.timedelta(days=40)
    article = make_article(status=Article.Status.DRAFT, publish_at=begun)
    article.status = Article.Status.PUBLISHED
    article.save()
    assert article.publish_at > timezone.now() - datetime.timedelta(minutes=1)
    article.title_nl = "Later edit"
    first = article.publish_at
    article.save()
    assert article.publish_at == first
