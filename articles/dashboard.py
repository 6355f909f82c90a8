"""The articles' items in the admin home's "Needs attention" panel (healing_together.dashboard)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import ngettext

from healing_together.dashboard import can_view, changelist_url, item
from healing_together.i18n import language_name_in_sentence

from .models import Article
from .querysets import translated_in


def attention_items(user):
    if not can_view(user, Article):
        return []
    scheduled = Article.objects.filter(
        status=Article.Status.SCHEDULED, publish_at__gt=timezone.now()
    )
    count = scheduled.count()
    items = [
        item(
            ngettext("article scheduled for later", "articles scheduled for later", count),
            count,
            changelist_url(Article, status__exact="scheduled", visible="no"),
        )
    ]
    for code, _name in settings.LANGUAGES:
        count = Article.objects.exclude(translated_in(code)).count()
        items.append(
            item(
                ngettext(
                    "article not translated into %(language)s",
                    "articles not translated into %(language)s",
                    count,
                )
                % {"language": language_name_in_sentence(code)},
                count,
                changelist_url(Article, missing=code),
            )
        )
    return items
