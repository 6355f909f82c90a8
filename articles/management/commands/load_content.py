"""Load the initial articles from fixtures/content/articles/*.json.

Idempotent and safe to run on every deployment: an article is created when it is missing, and
updated from its file only while nobody has edited it since it was last loaded. An editor's
change is never overwritten.
"""

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from articles.models import TRANSLATED_FIELDS, Article, Reference
from directory.models import Audience, Topic
from healing_together.history import one_entry_per_save
from healing_together.safe_html import sanitise_html

CONTENT_DIR = Path(settings.BASE_DIR) / "fixtures" / "content" / "articles"
REFERENCE_FIELDS = ("authors", "year", "title", "container", "volume", "issue", "pages", "doi")


class Command(BaseCommand):
    help = "Load the initial articles (never overwrites an editor's changes)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(CONTENT_DIR), help="Folder of article files.")

    def handle(self, *args, **options):
        folder = Path(options["dir"])
        files = sorted(folder.glob("*.json"))
        if not files:
            raise CommandError(f"No article files in {folder}.")
        audiences = {a.slug: a for a in Audience.objects.all()}
        topics = {t.slug: t for t in Topic.objects.all()}
        counts = {"created": 0, "updated": 0, "kept": 0}
        for path in files:
            data = json.loads(path.read_text(encoding="utf-8"))
            outcome = self.load(data, audiences, topics, path.name)
            counts[outcome] += 1
        self.stdout.write(
            "Articles: {created} created, {updated} updated, {kept} left as they are.".format(
                **counts
            )
        )

    @transaction.atomic
    def load(self, data, audiences, topics, name):
        missing = [s for s in data.get("audiences", []) if s not in audiences]
        missing += [s for s in data.get("topics", []) if s not in topics]
        if missing:
            raise CommandError(
                f"{name}: unknown audience or topic {missing}; run load_reference first."
            )
        article = Article.objects.filter(key=data["key"]).first()
        if article is not None and article.loaded_hash != article.content_hash():
            return "kept"  # an editor changed it: theirs wins
        created = article is None
        article = article or Article(key=data["key"])
        before = None if created else article.loaded_hash
        fill(article, data)
        if not created and article.content_hash() == before:
            return "kept"
        with one_entry_per_save():  # one version, with its audiences and topics
            article.save()
            article.loaded_hash = article.content_hash()
            Article.objects.filter(pk=article.pk).update(loaded_hash=article.loaded_hash)
            article.audiences.set([audiences[s] for s in data.get("audiences", [])])
            article.topics.set([topics[s] for s in data.get("topics", [])])
        article.references.all().delete()
        Reference.objects.bulk_create(
            Reference(
                article=article,
                order=i,
                url=ref.get("url") or "",
                **{f: ref.get(f) or "" for f in REFERENCE_FIELDS if f != "year"},
                year=ref["year"],
                edition=ref.get("edition", ""),
            )
            for i, ref in enumerate(data.get("references", []))
        )
        return "created" if created else "updated"


def fill(article, data):
    for code, _name in settings.LANGUAGES:
        texts = data["translations"].get(code, {})
        for field in TRANSLATED_FIELDS:
            value = texts.get(field) or None
            if field == "body":
                value = sanitise_html(value) or None
            setattr(article, f"{field}_{code}", value)
        setattr(article, f"author_role_{code}", data["author"]["role"].get(code, ""))
    article.author_name = data["author"]["name"]
    day = datetime.date.fromisoformat(data["published"])
    article.publish_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    article.status = Article.Status.PUBLISHED
