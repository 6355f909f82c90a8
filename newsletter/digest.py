"""What is new for one subscriber: groups and articles published since their last digest that
match their interests (everything, for the interests they left empty)."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import translation

from articles.models import Article
from directory.models import Group

from . import emails

MAX_GROUPS = 20
MAX_ARTICLES = 10


def place_filter(subscriber):
    """Groups in the chosen regions or provinces, or online for them. None chosen: all."""
    regions = {r.pk for r in subscriber.regions.all()}
    provinces = {p.pk for p in subscriber.provinces.all()}
    if not regions and not provinces:
        return Q()
    online_regions = regions | {p.region_id for p in subscriber.provinces.all()}
    areas = Group.serves_regions.through.objects.filter(group=OuterRef("pk"))
    online = Q(attendance__in=[Group.Attendance.ONLINE, Group.Attendance.HYBRID]) & (
        ~Exists(areas) | Exists(areas.filter(region__in=online_regions))
    )
    return Q(municipality__region__in=regions) | Q(municipality__province__in=provinces) | online


def audience_filter(subscriber, through, owner):
    """Items for one of the chosen audiences, or for everyone (no audience). None chosen: all.

    `through` is the item's audiences table and `owner` its field pointing to the item.
    """
    audiences = [a.pk for a in subscriber.audiences.all()]
    if not audiences:
        return Q()
    tagged = through.objects.filter(**{owner: OuterRef("pk")})
    return Exists(tagged.filter(audience__in=audiences)) | ~Exists(tagged)


def new_groups(subscriber, since, until):
    return (
        Group.objects.published()
        .filter(published_at__gt=since, published_at__lte=until)
        .filter(place_filter(subscriber))
        .filter(audience_filter(subscriber, Group.audiences.through, "group"))
        .select_related("municipality")
        .order_by("published_at", "pk")
    )


def new_articles(subscriber, since, until):
    return (
        Article.objects.public(subscriber.language, now=until)
        .filter(publish_at__gt=since)
        .filter(audience_filter(subscriber, Article.audiences.through, "article"))
        .order_by("publish_at", "pk")
    )


@dataclass
class Digest:
    subscriber: object
    since: object
    until: object
    groups: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    more_groups: int = 0
    more_articles: int = 0

    @property
    def is_empty(self):
        return not self.groups and not self.articles

    def message(self, base, connection=None):
        subscriber = self.subscriber
        urls = emails.subscriber_urls(subscriber, base)
        with translation.override(subscriber.language):
            context = {
                **urls,
                "since": self.since,
                "groups": [group_item(g, base) for g in self.groups],
                "articles": [article_item(a, subscriber.language, base) for a in self.articles],
                "more_groups": self.more_groups,
                "more_articles": self.more_articles,
                "groups_url": base + reverse("directory:group_list"),
                "interests": interests_summary(subscriber),
            }
        return emails.build(subscriber, "digest", context, connection=connection)


def build(subscriber, until):
    since = subscriber.digest_since()
    groups = list(new_groups(subscriber, since, until)[: MAX_GROUPS + 1])
    articles = list(new_articles(subscriber, since, until)[: MAX_ARTICLES + 1])
    digest = Digest(subscriber, since, until, groups[:MAX_GROUPS], articles[:MAX_ARTICLES])
    if len(groups) > MAX_GROUPS:
        digest.more_groups = new_groups(subscriber, since, until).count() - MAX_GROUPS
    if len(articles) > MAX_ARTICLES:
        digest.more_articles = new_articles(subscriber, since, until).count() - MAX_ARTICLES
    return digest


def translated(obj, name):
    """(text in the active language, or in another one; that language's code or None)."""
    current = translation.get_language()
    text = getattr(obj, f"{name}_{current}", None)
    if text:
        return text, None
    for code, _name in settings.LANGUAGES:
        text = getattr(obj, f"{name}_{code}", None)
        if text:
            return text, code
    return "", None


def group_item(group, base):
    name, name_lang = translated(group, "name")
    summary, summary_lang = translated(group, "summary")
    if group.municipality_id and group.in_person:
        place = translated(group.municipality, "name")[0]
    else:
        place = Group.Attendance.ONLINE.label
    return {
        "name": name,
        "name_lang": name_lang,
        "summary": summary,
        "summary_lang": summary_lang,
        "kind": group.get_kind_display(),
        "place": place,
        "online_too": group.attendance == Group.Attendance.HYBRID,
        "url": base + group.get_absolute_url(),
    }


def article_item(article, language, base):
    return {
        "title": article.title,
        "summary": article.summary,
        "url": base + article.get_absolute_url(language),
    }


def interests_summary(subscriber):
    """The subscriber's choices as short text lists, for the email's footer."""
    places = [translated(r, "name")[0] for r in subscriber.regions.all()]
    places += [translated(p, "name")[0] for p in subscriber.provinces.all()]
    audiences = [translated(a, "name")[0] for a in subscriber.audiences.all()]
    return {"places": places, "audiences": audiences}
