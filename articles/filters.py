"""The article list's filters: audience and topic, by the directory's language-free codes."""

from django.utils.translation import gettext_lazy as _

from healing_together.filtering import CachedOptions, TolerantFilterSet, checkboxes

from .models import Article


class ArticleFilterSet(TolerantFilterSet):
    audience = checkboxes(
        _("For whom"), CachedOptions("directory.Audience", "slug"), "audiences__slug", many=True
    )
    topic = checkboxes(
        _("Topic"), CachedOptions("directory.Topic", "slug"), "topics__slug", many=True
    )

    class Meta:
        model = Article
        fields = []
