"""Benchmark of the group list: render time and query count at 100, 1,000 and 10,000 groups.

    .venv/bin/python bench/directory.py                # SQLite and PostgreSQL (if reachable)
    .venv/bin/python bench/directory.py --backends sqlite --sizes 100 1000

Each backend runs in its own process with its own throwaway database. Groups are created in
bulk with realistic spreads of places, audiences, topics and languages; each combination of
filters is requested through Django's test client (production settings, no cache warm-up
beyond the first request), and the median and 95th percentile times are printed with the
number of queries of one request.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMBINATIONS = {
    "unfiltered": {},
    "region + audience": {"region": "brussels", "audience": "caregivers"},
    "postcode": {"postcode": "1050"},
    "text + kind + language": {"q": "groep", "kind": "support", "language": "nl"},
    "three filters + text + page 3": {
        "q": "group",
        "topic": "grief",
        "attendance": "in_person",
        "cost": "free",
        "page": "3",
    },
}
POSTGRES_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--sizes", nargs="+", type=int, default=[100, 1000, 10000])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return run_worker(args)
    print(
        f"{'backend':<11}{'groups':>7}  {'filters':<32}{'median ms':>10}{'p95 ms':>9}{'queries':>9}"
    )
    for backend in args.backends:
        url = database_url(backend)
        if url is None:
            print(f"{backend:<11} skipped: server not reachable")
            continue
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
        }
        env.pop("REDIS_URL", None)
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--worker",
                backend,
                "--repeat",
                str(args.repeat),
                "--sizes",
                *map(str, args.sizes),
            ],
            env=env,
            cwd=ROOT,
            check=True,
        )


def database_url(backend):
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS ht_bench")
            conn.execute("CREATE DATABASE ht_bench")
    except Exception:  # noqa: BLE001 - any failure means "not available here"
        return None
    return "postgres://postgres@127.0.0.1:5432/ht_bench"


def run_worker(args):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healing_together.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    from directory.management.commands.load_reference import Command

    loader = Command()
    loader.update = False
    loader.load_geography()
    loader.load_taxonomies()
    client = Client()
    created = 0
    for size in sorted(args.sizes):
        seed_groups(created, size)
        created = size
        for label, params in COMBINATIONS.items():
            client.get("/en/groups/", params)  # first request fills the option cache
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get("/en/groups/", params)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get("/en/groups/", params)
            p95 = statistics.quantiles(times, n=20)[-1]
            print(
                f"{args.worker:<11}{size:>7}  {label:<32}{statistics.median(times):>10.1f}"
                f"{p95:>9.1f}{len(queries):>9}",
                flush=True,
            )


def seed_groups(start, stop):
    """Create groups start..stop in bulk, spread over places and taxonomies."""
    import datetime

    from django.utils import timezone

    from directory.models import (
        Audience,
        Group,
        Municipality,
        Organisation,
        SpokenLanguage,
        Topic,
    )

    municipalities = list(Municipality.objects.order_by("code"))
    audiences = list(Audience.objects.all())
    topics = list(Topic.objects.all())
    languages = list(SpokenLanguage.objects.all())
    organisation, _ = Organisation.objects.get_or_create(name="Benchmark vzw", is_demo=True)
    kinds, modes = ["support", "therapy"], ["in_person", "in_person", "online", "hybrid"]
    costs = ["free", "amount", "sliding"]
    today = timezone.localdate()
    groups = []
    for n in range(start, stop):
        mode = modes[n % 4]
        place = None if mode == "online" else municipalities[(n * 7) % len(municipalities)]
        name = f"Praatgroep {n} group {n}"
        groups.append(
            Group(
                kind=kinds[n % 2],
                name=name,
                name_nl=name,
                name_fr=f"Groupe {n}",
                name_en=f"Group {n}",
                slug_nl=f"groep-{n}",
                slug_fr=f"groupe-{n}",
                slug_en=f"group-{n}",
                summary_en="A bench group.",
                organisation=organisation,
                facilitation="peer",
                attendance=mode,
                municipality=place,
                postal_code="",
                frequency="weekly",
                weekday=n % 7,
                start_time=datetime.time(19, 0),
                cost=costs[n % 3],
                cost_amount=10 if n % 3 == 1 else None,
                registration="none",
                published=True,
                is_demo=True,
                last_verified=today - datetime.timedelta(days=n % 300),
                next_session_on=today + datetime.timedelta(days=n % 7),
            )
        )
    created = Group.objects.bulk_create(groups, batch_size=1000)
    through = [
        (Group.audiences.through, "audience", audiences, 2),
        (Group.topics.through, "topic", topics, 2),
        (Group.languages.through, "spokenlanguage", languages[:6], 2),
    ]
    for model, field, choices, per_group in through:
        rows = [
            model(group_id=g.pk, **{f"{field}_id": choices[(g.pk + k * 3) % len(choices)].pk})
            for g in created
            for k in range(per_group)
        ]
        model.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    # The stored search text as the site builds it (names, terms, aliases, places; stemmed).
    Group.objects.filter(pk__in=[g.pk for g in created]).refresh_search()


if __name__ == "__main__":
    main()
