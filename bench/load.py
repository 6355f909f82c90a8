"""Load benchmark: the site under gunicorn (production settings) and wrk, on loopback.

    make bench                                             # SQLite and PostgreSQL, 10 s per URL
    .venv/bin/python bench/load.py --backends sqlite --duration 3      # a quick run

For each database the benchmark builds a throwaway database (bench/var/bench.sqlite3, or
`healing_together_bench` on the local PostgreSQL; never var/db.sqlite3), seeds it with
bench/seed.py, starts gunicorn with gunicorn.conf.py and production settings on a free
loopback port, and runs wrk against each page for a fixed time:

- the ceilings: a trivial Django view through the whole middleware stack (bench/urls.py) and
  a static file served by WhiteNoise;
- the pages: home, the group list unfiltered and with three filters and text, a group page
  and an article page;
- the group list at 100 groups and at 10,000 (its cost must not grow with the catalogue);
- every page with the page cache off and on (PAGE_CACHE_SECONDS, on Redis);
- one more run of the cached list during which gunicorn's master gets a HUP (graceful
  reload): no request may fail.

It prints requests per second, median and 95th percentile latency, each page's ratio to the
trivial view of the same server, errors and query counts, and writes the table to
bench/results/<date>-<database>.md. The machine's other load shows in the figures: compare
ratios, and run it on a quiet machine for absolute numbers.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import paired_seconds, render  # noqa: E402

BENCH = ROOT / "bench"
VAR = BENCH / "var"
RESULTS = BENCH / "results"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "healing_together_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
PAGES = [
    "trivial view",
    "static file",
    "home",
    "group list",
    "group list, 3 filters + text",
    "group page",
    "article page",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--small", type=int, default=100, help="groups in the small catalogue")
    parser.add_argument("--large", type=int, default=10_000, help="groups in the large one")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--no-write", action="store_true", help="print only, write no file")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (Debian: apt-get install wrk; `make bench` does it).")
    VAR.mkdir(parents=True, exist_ok=True)
    for backend in args.backends:
        database_url = create_database(backend)
        if database_url is None:
            print(f"\n{backend}: skipped, the server is not reachable.")
            continue
        try:
            report = run_backend(backend, database_url, args)
        finally:
            if not args.keep:
                drop_database(backend)
        print("\n" + report)
        if not args.no_write:
            RESULTS.mkdir(exist_ok=True)
            path = RESULTS / f"{datetime.date.today().isoformat()}-{backend}.md"
            path.write_text(report, "utf-8")
            print(f"Written to {path.relative_to(ROOT)}")


# --- Databases and environment ----------------------------------------------------------------


def create_database(backend):
    if backend == "sqlite":
        path = VAR / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    try:
        import psycopg

        with psycopg.connect(
            f"{POSTGRES_SERVER}/postgres", autocommit=True, connect_timeout=3
        ) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")
    except Exception as exc:  # noqa: BLE001 - any failure means "not available here"
        print(f"PostgreSQL: {exc}")
        return None
    return f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"


def drop_database(backend):
    if backend == "sqlite":
        return
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def redis_available():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def bench_env(database_url, key_prefix, page_cache=False):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "PAGE_CACHE", "CACHE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=f"bench-only-{secrets.token_hex(16)}",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_STATIC_ROOT=str(VAR / "static"),
        DJANGO_MEDIA_ROOT=str(VAR / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        DATABASE_URL=database_url,
        CACHE_KEY_PREFIX=key_prefix,
        PAGE_CACHE_SECONDS="300" if page_cache else "0",
        GUNICORN_ACCESS_LOG="0",
        PYTHONPATH=str(ROOT),
    )
    if redis_available():
        env["REDIS_URL"] = REDIS_URL
    return env


def clear_redis_prefix(key_prefix):
    if not redis_available():
        return
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{key_prefix}:*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start : start + 1000])


def probe(env):
    output = django(env, "probe")
    return json.loads(next(ln[6:] for ln in output.splitlines() if ln.startswith("PROBE ")))


def python(env, script, *arguments):
    """Run a Python script of the project (bench/seed.py, manage.py) in env; its stdout.
    A failure ends the benchmark with the script's last error lines."""
    result = subprocess.run(
        [sys.executable, str(script), *arguments],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        name = Path(script).relative_to(ROOT) if Path(script).is_absolute() else script
        sys.exit(f"{name} {' '.join(arguments)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def django(env, *arguments):
    return python(env, BENCH / "seed.py", *arguments)


# --- Server and load --------------------------------------------------------------------------


class Server:
    """gunicorn with the project's gunicorn.conf.py, on a free loopback port."""

    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(VAR / "gunicorn.log", "a")  # noqa: SIM115 - closed in stop()

    def __enter__(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "healing_together.wsgi:application",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log,
            stderr=self.log,
        )
        self.wait_ready()
        return self

    def wait_ready(self, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn exited; see {VAR / 'gunicorn.log'}")
            try:
                if fetch(self.base + "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        sys.exit(f"gunicorn did not start in {seconds} s; see {VAR / 'gunicorn.log'}")

    def reload(self):
        self.process.send_signal(signal.SIGHUP)

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, br"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), len(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), 0


def load(server, path, args, reload_after=None, duration=None):
    """wrk against one URL for args.duration seconds; the JSON of bench/report.lua."""
    duration = duration or args.duration
    url = server.base + path
    try:
        for _ in range(3):  # warm up: templates, connections, the cache entry
            status, headers, _size = fetch(url)
    except OSError as error:
        sys.exit(f"{url}: {error}; see {VAR / 'gunicorn.log'}")
    if status != 200:
        sys.exit(f"{url} answered {status}")
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={duration}s",
        "--timeout=10s",
        "--latency",
        "--header=Accept-Encoding: gzip, deflate, br",
        f"--script={BENCH / 'report.lua'}",
        url,
    ]
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    if reload_after is not None:
        time.sleep(reload_after)
        server.reload()
    output, _ = wrk.communicate(timeout=duration + 60)
    result = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
    result["x_cache"] = headers.get("X-Cache", "")
    result["encoding"] = headers.get("Content-Encoding", "")
    return result


def paired_load(server, pages, label, args, reload_after=None):
    """Load one page right after a shorter run of the trivial view on the same server.

    On a shared machine the ceiling drifts from one minute to the next (other processes,
    turbo, the page cache warming); each page's ratio uses the trivial run just before it.
    """
    if label == "trivial view":
        return load(server, pages[label]["path"], args, reload_after=reload_after)
    before = load(server, pages["trivial view"]["path"], args, duration=paired_seconds(args))
    result = load(server, pages[label]["path"], args, reload_after=reload_after)
    result["trivial_rps"] = before["rps"]
    return result


# --- One database -----------------------------------------------------------------------------


def run_backend(backend, database_url, args):
    key_prefix = f"bench-{secrets.token_hex(4)}"
    cached_possible = redis_available()
    rows = []
    try:
        base_env = bench_env(database_url, key_prefix)
        step(f"{backend}: seeding {args.small} groups and {args.articles} articles")
        django(base_env, "prepare", "--groups", str(args.small), "--articles", str(args.articles))
        small = probe(base_env)
        step(f"{backend}: {args.small} groups, page cache off")
        with Server(base_env) as server:
            for label in ("trivial view", "group list"):
                rows.append(
                    row(
                        label,
                        small[label],
                        paired_load(server, small, label, args),
                        args.small,
                        cached=False,
                    )
                )

        step(f"{backend}: seeding up to {args.large} groups")
        django(base_env, "prepare", "--groups", str(args.large), "--articles", str(args.articles))
        large = probe(base_env)
        modes = [False, True] if cached_possible else [False]
        for cached in modes:
            step(f"{backend}: {args.large} groups, page cache {'on' if cached else 'off'}")
            with Server(bench_env(database_url, key_prefix, page_cache=cached)) as server:
                for label in PAGES:
                    info = large[label]
                    if info["path"] is None:
                        rows.append(row(label, info, None, args.large, cached))
                        continue
                    rows.append(
                        row(
                            label, info, paired_load(server, large, label, args), args.large, cached
                        )
                    )
                if cached:
                    step(f"{backend}: graceful reload (HUP) during a load run")
                    result = paired_load(
                        server, large, "group list", args, reload_after=args.duration / 2
                    )
                    rows.append(
                        row(
                            "group list, HUP mid-run",
                            large["group list"],
                            result,
                            args.large,
                            cached,
                        )
                    )
    finally:
        clear_redis_prefix(key_prefix)
    return render(backend, rows, args, cached_possible)


def step(message):
    print(f"· {message}", flush=True)


def row(label, info, result, groups, cached):
    return {"label": label, "info": info, "result": result, "groups": groups, "cached": cached}


if __name__ == "__main__":
    main()
