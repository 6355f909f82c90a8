from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directory.models import Group
from healing_together.view_mixins import (
    PrivatePreviewMixin,
    TolerantFilterView,
    TranslatedSlugDetailView,
)

from .filters import ArticleFilterSet
from .models import Article

ARTICLES_PER_PAGE = 10
OG_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
UNTRANSLATED_FLAG = "untranslated"


class ArticleListView(TolerantFilterView):
    """Newest first, filtered by audience and topic; the language's own articles only."""

    template_name = "articles/article_list.html"
    filterset_class = ArticleFilterSet
    paginate_by = ARTICLES_PER_PAGE

    def get_queryset(self):
        return Article.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        filterset = self.filterset
        return super().get_context_data(
            notes=filterset.notes,
            untranslated=UNTRANSLATED_FLAG in self.request.GET,
            active_filters=bool(filterset.form.cleaned_data.get("audience"))
            or bool(filterset.form.cleaned_data.get("topic")),
            **kwargs,
        )


class ArticleDetailView(TranslatedSlugDetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"
    not_found_message = gettext_lazy("No article found at this address.")
    preview = False

    def get_queryset(self):
        return Article.objects.live().for_detail()

    def translated_redirect(self, obj):
        language = translation.get_language()
        if not obj.is_translated(language):
            # This language has no translation: its article list, with a short notice.
            return HttpResponseRedirect(untranslated_list_url(language))
        return super().translated_redirect(obj)

    def get_context_data(self, **kwargs):
        article = self.object
        language = translation.get_language()
        alternates = {code: article.get_absolute_url(code) for code in article.languages}
        switcher = {
            code: alternates.get(code) or untranslated_list_url(code)
            for code, _name in settings.LANGUAGES
        }
        audiences, topics = list(article.audiences.all()), list(article.topics.all())
        group_query = urlencode(
            [("audience", a.slug) for a in audiences] + [("topic", t.slug) for t in topics]
        )
        return super().get_context_data(
            alternates=alternates,
            switcher=switcher,
            canonical_url=self.request.build_absolute_uri(article.get_absolute_url(language)),
            og_locale=OG_LOCALES.get(language, language),
            cover_url=self.request.build_absolute_uri(article.cover.url) if article.cover else "",
            group_query=group_query,
            no_alternates=self.preview,
            preview=self.preview,
            groups=Group.objects.published().for_listing().matching_terms(audiences, topics)[:4],
            related=Article.objects.for_listing().related_to(article, language),
            **kwargs,
        )


class ArticlePreviewView(PrivatePreviewMixin, ArticleDetailView):
    """Staff see a draft or scheduled article on the public template, with a banner."""

    preview = True
    preview_permission = "articles.change_article"
    not_found_message = _("No article found at this address.")

    def get_queryset(self):
        return Article.objects.for_detail()

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


def untranslated_list_url(language):
    with translation.override(language):
        return f"{reverse('articles:list')}?{UNTRANSLATED_FLAG}=1"


class ArticleFeed(Feed):
    """The newest articles of one language, as Atom."""

    feed_type = Atom1Feed
    limit = 20

    def title(self):
        return _("Healing Together: articles")

    def subtitle(self):
        return _("Guidance on support groups and group therapy in Belgium.")

    def link(self):
        return reverse("articles:list")

    def items(self):
        articles = Article.objects.public().prefetch_related("audiences")
        return articles.order_by("-publish_at", "-pk")[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [a.name for a in item.audiences.all()]

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, request)
        feed.feed["language"] = translation.get_language()
        return feed
