"""Lighthouse audits of the home, list, group and article pages, offline, in one language.

    make lighthouse                       # installs Lighthouse from package-lock.json first
    .venv/bin/python bench/lighthouse.py --language fr

Builds a throwaway SQLite database (bench/var/lighthouse.sqlite3) with the reference data, the
demo groups and the guidance articles, serves it with gunicorn and production settings on a
free loopback port (page cache on when Redis is available, as in production), and runs the
npm `lighthouse` from node_modules with Debian's Chromium (CHROME_PATH, /usr/bin/chromium by
default): the default mobile profile with simulated throttling. Nothing is fetched from
another host: the pages load only from this site, and Chromium's background networking is off.

Prints performance, accessibility, best practices and SEO per page with the audits that kept
a score below 1, writes the table to bench/results/<date>-lighthouse.md and exits non-zero
when a target (0.95 / 1.00 / 1.00 / 1.00) is missed.
"""

import argparse
import datetime
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import RESULTS, VAR, Server, bench_env, clear_redis_prefix, python  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {
    "performance": 0.95,
    "accessibility": 1.0,
    "best-practices": 1.0,
    "seo": 1.0,
}
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-domain-reliability",
        "--disable-sync",
        "--disable-quic",
        "--no-pings",
    ]
)
URLS_SCRIPT = """
import json
from django.utils import translation
from articles.models import Article
from directory.models import Group
with translation.override({language!r}):
    group = Group.objects.published().order_by("pk").first()
    article = Article.objects.public().order_by("pk").first()
    print("URLS " + json.dumps({{
        "group": group.get_absolute_url() if group else None,
        "article": article.get_absolute_url() if article else None,
    }}))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="nl", choices=["nl", "fr", "en"])
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `make lighthouse` (npm ci).")
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not Path(chrome).exists():
        sys.exit(f"No Chromium at {chrome} (Debian: apt-get install chromium; or CHROME_PATH).")

    VAR.mkdir(parents=True, exist_ok=True)
    database = VAR / "lighthouse.sqlite3"
    database.unlink(missing_ok=True)
    key_prefix = f"lighthouse-{secrets.token_hex(4)}"
    env = bench_env(f"sqlite:///{database}", key_prefix, page_cache=True)
    env["DJANGO_SETTINGS_MODULE"] = "healing_together.settings"
    print("· building the demo site", flush=True)
    for command in (
        ["migrate", "--no-input"],
        ["collectstatic", "--no-input"],
        ["load_reference"],
        ["load_demo"],
        ["load_content"],
    ):
        manage(env, *command, "-v0")
    found = manage(env, "shell", "-c", URLS_SCRIPT.format(language=args.language))
    urls = json.loads(next(ln[5:] for ln in found.splitlines() if ln.startswith("URLS ")))
    pages = {
        "home": f"/{args.language}/",
        "group list": {"nl": "/nl/groepen/", "fr": "/fr/groupes/", "en": "/en/groups/"}[
            args.language
        ],
        "group page": urls["group"],
        "article page": urls["article"],
    }

    reports = VAR / "lighthouse"
    reports.mkdir(exist_ok=True)
    results = {}
    try:
        with Server(env) as server:
            for label, path in pages.items():
                if path is None:
                    results[label] = None
                    continue
                print(f"· lighthouse {path}", flush=True)
                results[label] = audit(server.base + path, reports / f"{slug(label)}.json", chrome)
    finally:
        clear_redis_prefix(key_prefix)
        database.unlink(missing_ok=True)

    report, missed = render(results, pages, args.language)
    print("\n" + report)
    if not args.no_write:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{datetime.date.today().isoformat()}-lighthouse.md"
        path.write_text(report, "utf-8")
        print(f"Written to {path.relative_to(ROOT)}; full reports in {reports.relative_to(ROOT)}/")
    sys.exit(1 if missed else 0)


def manage(env, *arguments):
    return python(env, "manage.py", *arguments)


def slug(label):
    return label.replace(" ", "-")


def audit(url, output, chrome):
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--locale=en-US",
    ]
    for _attempt in range(3):  # a busy machine now and then spoils a trace (NO_NAVSTART…)
        output.unlink(missing_ok=True)
        completed = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True
        )
        if completed.returncode == 0 and output.exists():
            break
    else:
        sys.exit(f"lighthouse failed three times on {url}:\n{completed.stderr[-3000:]}")
    data = json.loads(output.read_text("utf-8"))
    scores = {name: data["categories"][name]["score"] for name in CATEGORIES}
    shortfalls = []
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            result = data["audits"][ref["id"]]
            if ref["weight"] and result["score"] is not None and result["score"] < 1:
                value = result.get("displayValue") or f"score {result['score']:.2f}"
                shortfalls.append(f"{name}: {result['title']} ({value})")
    external = sorted(
        {
            request["url"].split("/")[2]
            for request in data["audits"]["network-requests"]["details"]["items"]
            if request["url"].startswith("http") and request["url"].split("/")[2] != host(url)
        }
    )
    return {"scores": scores, "shortfalls": shortfalls, "external": external}


def host(url):
    return url.split("/")[2]


def render(results, pages, language):
    names = {
        "performance": "Performance",
        "accessibility": "Accessibility",
        "best-practices": "Best practices",
        "seo": "SEO",
    }
    lines = [
        f"# Lighthouse — {datetime.date.today().isoformat()}, language {language}",
        "",
        "Lighthouse (package-lock.json) with Debian's Chromium, mobile profile with simulated "
        "throttling; gunicorn, production settings, demo data; offline.",
        "",
        "| page | path | " + " | ".join(names.values()) + " |",
        "|---|---|" + "--:|" * len(names),
    ]
    missed, notes = [], []
    for label, result in results.items():
        if result is None:
            lines.append(f"| {label} | n/a | " + " | ".join("n/a" for _ in names) + " |")
            missed.append(f"{label}: no page to audit")
            continue
        scores = result["scores"]
        lines.append(
            f"| {label} | `{pages[label]}` | "
            + " | ".join(f"{scores[n]:.2f}" if scores[n] is not None else "–" for n in names)
            + " |"
        )
        for name, target in CATEGORIES.items():
            if scores[name] is None or scores[name] < target:
                missed.append(f"{label}: {names[name]} {scores[name]} < {target:.2f}")
        notes += [f"- {label}: {item}" for item in result["shortfalls"]]
        if result["external"]:
            missed.append(f"{label}: requests to {', '.join(result['external'])}")
    lines += ["", "Targets 0.95 / 1.00 / 1.00 / 1.00: " + ("all met." if not missed else "")]
    lines += [f"- MISSED {item}" for item in missed]
    if notes:
        lines += ["", "Audits below 1:", *notes]
    return "\n".join(lines) + "\n", missed


if __name__ == "__main__":
    main()
