"""The articles' items in the admin home's "Needs attention" panel (healing_together.dashboard)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from healing_together.dashboard import can_view, changelist_url, item

from .models import Article
from .querysets import translated_in


def attention_items(user):
    if not can_view(user, Article):
        return []
    scheduled = Article.objects.filter(
        status=Article.Status.SCHEDULED, publish_at__gt=timezone.now()
    )
    items = [
        item(
            _("Articles scheduled for later"),
            scheduled.count(),
            changelist_url(Article, status__exact="scheduled", visible="no"),
        )
    ]
    for code, name in settings.LANGUAGES:
        items.append(
            item(
                _("Articles not translated into %(language)s") % {"language": name},
                Article.objects.exclude(translated_in(code)).count(),
                changelist_url(Article, missing=code),
            )
        )
    return items
