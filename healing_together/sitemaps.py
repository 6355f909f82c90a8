"""The sitemap: every public page in every language, with its alternates.

It is also the accessibility and header tests' list of pages, so a page added here is checked
automatically.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from articles.models import Article
from directory.models import Group, Network


class TranslatedSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(TranslatedSitemap):
    priority = 0.6

    def items(self):
        return [
            "home",
            "about",
            "privacy",
            "directory:group_list",
            "directory:network_list",
            "directory:platform_list",
            "directory:helplines",
            "directory:propose",
            "articles:list",
            "newsletter:subscribe",
        ]

    def location(self, item):
        return reverse(item)


class GroupSitemap(TranslatedSitemap):
    def items(self):
        return Group.objects.published().order_by("pk")

    def lastmod(self, group):
        return group.updated_at


class NetworkSitemap(TranslatedSitemap):
    def items(self):
        return Network.objects.order_by("slug")


class ArticleSitemap(TranslatedSitemap):
    """Each article in the languages it is translated into, with only those as alternates."""

    def items(self):
        return Article.objects.live().order_by("pk")

    def get_languages_for_item(self, article):
        return article.languages

    def lastmod(self, article):
        return article.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "groups": GroupSitemap,
    "networks": NetworkSitemap,
    "articles": ArticleSitemap,
}
