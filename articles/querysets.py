"""Query logic of the articles, kept on QuerySets so views stay thin."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language

from healing_together.i18n import LANGUAGE_CODES, in_any_language


def _language(language):
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def translated_in(language):
    """An article exists in a language when that language's title, slug and body are filled."""
    q = Q()
    for field in ("title", "slug", "body"):
        name = f"{field}_{language}"
        q &= Q(**{f"{name}__isnull": False}) & ~Q(**{name: ""})
    return q


class ArticleQuerySet(models.QuerySet):
    def live(self, now=None):
        """Released: published, or scheduled and its moment has come. Language not considered."""
        from .models import Article

        now = now or timezone.now()
        return self.exclude(status=Article.Status.DRAFT).filter(publish_at__lte=now)

    def public(self, language=None, now=None):
        """What a visitor of `language` (default: the active one) may read."""
        return self.live(now).filter(translated_in(_language(language)))

    def for_listing(self):
        from directory.models import Audience, Topic

        return self.prefetch_related(
            models.Prefetch("audiences", queryset=Audience.objects.order_by("order", "slug")),
            models.Prefetch("topics", queryset=Topic.objects.order_by("order", "slug")),
        )

    def for_detail(self):
        return self.for_listing().prefetch_related("references")

    def by_slug(self, slug):
        """Articles whose slug is `slug` in any language (slugs are unique per language)."""
        return self.filter(in_any_language("slug", slug))

    def related_to(self, article, language=None, limit=3):
        """Other public articles, those sharing most audiences and topics first, then newest."""
        audiences = [a.pk for a in article.audiences.all()]
        topics = [t.pk for t in article.topics.all()]
        shared = models.Count(
            "audiences", filter=Q(audiences__in=audiences), distinct=True
        ) + models.Count("topics", filter=Q(topics__in=topics), distinct=True)
        return (
            self.public(language)
            .exclude(pk=article.pk)
            .annotate(shared=shared)
            .order_by("-shared", "-publish_at", "-pk")[:limit]
        )
