"""The article list's filters: audience and topic, by the directory's language-free codes."""

import django_filters
from django.utils.translation import gettext_lazy as _

from directory import choices
from directory.filters import checkboxes, drop_unknown_values

from .models import Article


class ArticleFilterSet(django_filters.FilterSet):
    audience = checkboxes(_("For whom"), choices.audience_choices, "audiences__slug", many=True)
    topic = checkboxes(_("Topic"), choices.topic_choices, "topics__slug", many=True)

    class Meta:
        model = Article
        fields = []


def tolerant_filterset(data, queryset, request=None):
    """An ArticleFilterSet with unknown values dropped, and `notes` saying which."""
    data, notes, _probe = drop_unknown_values(ArticleFilterSet, data, queryset, request)
    filterset = ArticleFilterSet(data, queryset=queryset, request=request)
    filterset.notes = notes
    return filterset
