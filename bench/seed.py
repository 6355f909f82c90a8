"""Benchmark data and page probes, run by bench/load.py in the benchmark's own environment.

    python bench/seed.py prepare --groups 10000 --articles 200
    python bench/seed.py probe     # one JSON line: each page's address, status and queries

`prepare` migrates the throwaway database, collects the static files, loads the reference
data, then tops the benchmark groups and articles up to the numbers asked (groups are created
in bulk by bench/directory.py's seed_groups; articles are the six real guidance articles,
repeated under their own titles and slugs). `probe` requests each benchmarked page through
Django's test client and counts its queries, uncached and from the page cache.

Never run it against a real database: bench/load.py points DATABASE_URL at its own.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import PROBE_REPEAT  # noqa: E402

BENCH_AUTHOR = "Benchmark editor"
LANGUAGE = "nl"
# Three filters and a text search (text matching every benchmark group's name).
FILTERED = "q=groep&topic=grief&attendance=in_person&cost=free"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["prepare", "probe"])
    parser.add_argument("--groups", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    if "bench" not in os.environ.get("DATABASE_URL", ""):
        sys.exit("DATABASE_URL must name a benchmark database (run bench/load.py).")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    if args.command == "prepare":
        prepare(args.groups, args.articles)
    else:
        print("PROBE " + json.dumps(probe()))


def prepare(groups, articles):
    from django.core.management import call_command
    from django.db import connection

    from bench.directory import seed_groups
    from directory.models import Group, Municipality

    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    if not Municipality.objects.exists():
        call_command("load_reference", verbosity=0)
    existing = Group.objects.filter(organisation__name="Benchmark vzw").count()
    if existing < groups:
        seed_groups(existing, groups)
    seed_articles(articles)
    if connection.vendor == "postgresql":
        # A live database has statistics and a visibility map (autovacuum keeps both); bulk-loaded
        # tables have neither yet. Without statistics the planner misjudges the facet counts
        # (and JIT-compiles them); left to itself, autovacuum would vacuum the 10,000 new rows
        # while the pages are probed and loaded, and its work would show in their figures.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def seed_articles(total):
    from articles.models import Article, Reference
    from directory.models import Audience, Topic

    sources = sorted((ROOT / "fixtures" / "content" / "articles").glob("*.json"))
    contents = [json.loads(path.read_text("utf-8")) for path in sources]
    existing = Article.objects.filter(author_name=BENCH_AUTHOR).count()
    for n in range(existing, total):
        content = contents[n % len(contents)]
        fields = {}
        for code, text in content["translations"].items():
            fields.update(
                {
                    f"title_{code}": f"{text['title']} ({n})",
                    f"slug_{code}": f"{text['slug']}-{n}",
                    f"summary_{code}": text["summary"],
                    f"meta_description_{code}": text.get("meta_description", ""),
                    f"body_{code}": text["body"],
                }
            )
        article = Article.objects.create(
            status=Article.Status.PUBLISHED, author_name=BENCH_AUTHOR, **fields
        )
        article.audiences.set(Audience.objects.filter(slug__in=content["audiences"]))
        article.topics.set(Topic.objects.filter(slug__in=content["topics"]))
        Reference.objects.bulk_create(
            Reference(
                article=article,
                order=i,
                **{k: v for k, v in ref.items() if k != "verified_from"},
            )
            for i, ref in enumerate(content["references"])
        )


def pages():
    """{label: path} of the benchmarked pages, in the benchmark's language."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.urls import NoReverseMatch, reverse
    from django.utils import translation

    from articles.models import Article
    from directory.models import Group

    groups = Group.objects.filter(organisation__name="Benchmark vzw").order_by("pk")
    article = Article.objects.filter(author_name=BENCH_AUTHOR).order_by("pk")
    with translation.override(LANGUAGE):
        group_list = reverse("directory:group_list")
        middle_group = groups[groups.count() // 2] if groups.exists() else None
        middle_article = article[article.count() // 2] if article.exists() else None
        try:
            article_url = middle_article.get_absolute_url(LANGUAGE) if middle_article else None
        except NoReverseMatch:  # the articles app has no public pages yet
            article_url = None
        return {
            "trivial view": reverse("bench_trivial"),
            "static file": staticfiles_storage.url("css/site.css"),
            "home": reverse("home"),
            "group list": group_list,
            "group list, 3 filters + text": f"{group_list}?{FILTERED}",
            "group page": middle_group.get_absolute_url() if middle_group else None,
            "article page": article_url,
        }


def probe():
    from django.test import Client
    from django.test.utils import override_settings

    client = Client()
    results = {}
    for label, path in pages().items():
        if path is None:
            results[label] = {"path": None}
            continue
        with override_settings(PAGE_CACHE_SECONDS=0):
            client.get(path)  # fills the filter options' cache, as a running site has it
            response, queries = counted(client, path)
            render_ms = timed(client, path)
        with override_settings(PAGE_CACHE_SECONDS=300):
            client.get(path)
            again, queries_cached = counted(client, path)
            cached_ms = timed(client, path)
        results[label] = {
            "render_ms": render_ms,
            "load": os.getloadavg()[0],
            "cached_ms": cached_ms,
            "path": path,
            "status": response.status_code,
            "bytes": len(response.content) if not response.streaming else None,
            "queries": queries,
            "queries_cached": queries_cached,
            "x_cache": again.get("X-Cache", ""),
        }
    return results


def timed(client, path):
    """Median milliseconds of one request through Django alone (no HTTP server, no load)."""
    times = []
    for _ in range(PROBE_REPEAT):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def counted(client, path):
    """The response and its number of queries (read at once: the next request clears the log)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, len(queries)


if __name__ == "__main__":
    main()
