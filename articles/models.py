import hashlib
import json
import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from directory.models import Audience, Topic
from healing_together.history import HistoricalRecords
from healing_together.i18n import LANGUAGE_CODES, first_translation
from healing_together.safe_html import sanitise_html

from .querysets import ArticleQuerySet, translated_in

# Translated fields, registered in translation.py. Listed here because loading content, hashing
# for "did an editor change it?" and the availability check all walk them.
TRANSLATED_FIELDS = ("title", "slug", "summary", "body", "meta_description", "cover_alt")
WORDS_PER_MINUTE = 200
MAX_IMAGE_BYTES = 5 * 1024 * 1024


def validate_image_size(image):
    if image.size > MAX_IMAGE_BYTES:
        raise ValidationError(_("This image is too large: at most 5 MB, please."))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    key = models.SlugField(
        _("key"),
        max_length=80,
        unique=True,
        blank=True,
        null=True,
        help_text=_("Identifies articles loaded with the initial content; leave empty otherwise."),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        blank=True,
        help_text=_("The end of the page's address. Filled from the title when left empty."),
    )
    summary = models.TextField(
        _("summary"), max_length=400, blank=True, help_text=_("Shown in lists and feeds.")
    )
    body = models.TextField(_("text"), blank=True)
    meta_description = models.CharField(
        _("description for search engines"),
        max_length=200,
        blank=True,
        help_text=_("About 150 characters. The summary is used when left empty."),
    )
    cover = models.ImageField(
        _("cover image"),
        upload_to="articles/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"]), validate_image_size],
        help_text=_("JPEG, PNG or WebP, at most 5 MB."),
    )
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=250,
        blank=True,
        help_text=_("Describes the image for people who cannot see it. Required with an image."),
    )
    author_name = models.CharField(_("author"), max_length=120)
    author_role = models.CharField(_("author's role"), max_length=120, blank=True)
    audiences = models.ManyToManyField(Audience, blank=True, verbose_name=_("audiences"))
    topics = models.ManyToManyField(Topic, blank=True, verbose_name=_("topics"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publication date"),
        default=timezone.now,
        help_text=_("A scheduled article appears on the site at this moment."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    loaded_hash = models.CharField(max_length=64, blank=True, editable=False)

    # Every change is kept, its audiences and topics included, and can be restored.
    history = HistoricalRecords(m2m_fields=["audiences", "topics"])
    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-pk"]
        indexes = [models.Index(fields=["status", "publish_at"])]
        # A slug is unique within its language (empty translations are NULL, hence free).
        constraints = [
            models.UniqueConstraint(fields=[f"slug_{code}"], name=f"article_slug_{code}_unique")
            for code, _name in settings.LANGUAGES
        ]

    def __str__(self):
        return self.title or first_translation(self, "title")[1] or str(_("Untitled article"))

    # --- Languages ----------------------------------------------------------------------------

    def is_translated(self, language):
        return all(getattr(self, f"{f}_{language}", "") for f in ("title", "slug", "body"))

    @property
    def languages(self):
        return [code for code in LANGUAGE_CODES if self.is_translated(code)]

    def is_live(self, now=None):
        now = now or timezone.now()
        return self.status != self.Status.DRAFT and self.publish_at <= now

    def is_public(self, language=None):
        return self.is_live() and self.is_translated(language or get_language())

    def localized_slug(self, language=None):
        return getattr(self, f"slug_{language or get_language()}", "") or ""

    def get_absolute_url(self, language=None):
        language = language or get_language()
        with translation.override(language):
            return reverse("articles:detail", kwargs={"slug": self.localized_slug(language)})

    def get_preview_url(self):
        return reverse("articles:preview", kwargs={"pk": self.pk})

    # --- Derived ------------------------------------------------------------------------------

    @property
    def reading_minutes(self):
        words = len(re.findall(r"\w+", strip_tags(self.body or "")))
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    @property
    def description(self):
        return self.meta_description or self.summary

    def content_hash(self):
        """A fingerprint of what an editor can change, to never overwrite their work."""
        data = {
            f"{field}_{code}": getattr(self, f"{field}_{code}") or ""
            for field in TRANSLATED_FIELDS
            for code in LANGUAGE_CODES
        }
        data.update(
            author_name=self.author_name,
            author_role={c: getattr(self, f"author_role_{c}") or "" for c in LANGUAGE_CODES},
            status=self.status,
            publish_at=self.publish_at.timestamp() if self.publish_at else None,
        )
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    # --- Validation and saving ----------------------------------------------------------------

    def clean(self):
        errors = {}
        # The slug is filled from the title on save, so title and text are what count here.
        written = [
            code
            for code in LANGUAGE_CODES
            if getattr(self, f"title_{code}") and getattr(self, f"body_{code}")
        ]
        if not written and self.status != self.Status.DRAFT:
            errors["status"] = _(
                "Fill the title and text in at least one language before publishing."
            )
        if self.cover:
            for code in written or LANGUAGE_CODES[:1]:
                if not getattr(self, f"cover_alt_{code}"):
                    errors[f"cover_alt_{code}"] = _("Describe the cover image in this language.")
        for code in LANGUAGE_CODES:
            slug = getattr(self, f"slug_{code}")
            if slug and Article.objects.filter(**{f"slug_{code}": slug}).exclude(pk=self.pk):
                errors[f"slug_{code}"] = _("Another article already uses this address.")
        if errors:
            raise ValidationError(errors)

    def fill_slugs(self):
        for code in LANGUAGE_CODES:
            field = f"slug_{code}"
            title = getattr(self, f"title_{code}")
            if getattr(self, field) or not title:
                setattr(self, field, getattr(self, field) or None)
                continue
            base = slugify(title)[:190] or "article"
            candidate, n = base, 1
            while Article.objects.filter(**{field: candidate}).exclude(pk=self.pk).exists():
                n += 1
                candidate = f"{base}-{n}"
            setattr(self, field, candidate)

    def save(self, *args, **kwargs):
        for code in LANGUAGE_CODES:
            setattr(self, f"body_{code}", sanitise_html(getattr(self, f"body_{code}")))
        self.fill_slugs()
        now = timezone.now()
        if self.status == self.Status.PUBLISHED and self.publish_at > now:
            self.status = self.Status.SCHEDULED
        elif self.status == self.Status.PUBLISHED and self.pk and self.publish_at < now:
            # A draft published today is new today (feeds, digests), whenever it was begun.
            was = Article.objects.filter(pk=self.pk).values_list("status", flat=True).first()
            if was == self.Status.DRAFT:
                self.publish_at = now
        super().save(*args, **kwargs)


class Reference(models.Model):
    """A study or book an article cites, in APA-like parts so it can be shown consistently."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="references", verbose_name=_("article")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    authors = models.CharField(_("authors"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=400)
    container = models.CharField(
        _("journal or publisher"), max_length=200, help_text=_("Journal, book or publisher.")
    )
    volume = models.CharField(_("volume"), max_length=20, blank=True)
    issue = models.CharField(_("issue"), max_length=20, blank=True)
    pages = models.CharField(_("pages"), max_length=30, blank=True)
    edition = models.CharField(_("edition"), max_length=40, blank=True)
    doi = models.CharField(
        _("DOI"), max_length=120, blank=True, help_text=_("For example 10.1016/j.arr.2015.04.006")
    )
    url = models.URLField(_("web address"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.authors} ({self.year}). {self.title}"

    @property
    def link(self):
        return f"https://doi.org/{self.doi}" if self.doi else self.url

    def clean(self):
        if self.doi:
            self.doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", self.doi.strip())
            if not re.match(r"^10\.\d{4,9}/\S+$", self.doi):
                raise ValidationError({"doi": _("A DOI starts with 10. followed by a slash.")})


__all__ = ["Article", "Reference", "translated_in"]
