"""A frozen PostgreSQL or Redis (alive at the TCP level, answering nothing) with the site running
as production does: gunicorn (the image's start command, production settings) on a throwaway
PostgreSQL 15 cluster or a throwaway redis-server, each on its own port, which the test freezes
with SIGSTOP and thaws with SIGCONT (in a `finally`, whatever happens).

- PostgreSQL frozen: a page becomes the 503 page within seconds (the waits are bounded in
  healing_together/db_backend), /healthz still answers at once, and the site recovers by
  itself once the server is thawed.
- Redis frozen: pages keep their normal speed, uncached (healing_together/cache_backend's
  short timeouts and circuit breaker), and the cache is used again after the breaker's delay.

The figures measured are printed (run with `-s` to see them).
"""

import contextlib
import os
import signal
import statistics
import time

import redis

from tests import servers

# A page answers within this many seconds while PostgreSQL is frozen: the settings' defaults
# (statement 5 s, a reused connection's health check 3 s, a new connection 3 s) give at most
# about 6 s; without the bounds the request hangs until gunicorn kills its worker (30 s).
DATABASE_FROZEN_BOUND = 12
# A page answers within this while Redis is frozen: one 100 ms timeout at most, then uncached
# pages at their usual speed. The old 2 s timeouts took ~2 s per cache call, ~10 s a page.
REDIS_FROZEN_BOUND = 1.5
BREAKER_SECONDS = 2  # short, so the test sees the cache used again soon
REQUEST_TIMEOUT = 30  # seconds: an HTTP request that hangs fails the test instead


@contextlib.contextmanager
def frozen(*pids):
    """SIGSTOP these processes; SIGCONT on exit, whatever happens."""
    stopped = []
    try:
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
            stopped.append(pid)
        yield
    finally:
        for pid in stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)


@contextlib.contextmanager
def frozen_cluster(cluster):
    """Every process of the cluster stopped: the postmaster first (so it forks no more
    backends), then its children. They are not in its process group: PostgreSQL gives each
    child a session of its own, so killpg would miss them."""
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    with frozen(postmaster):
        children = servers.run("pgrep", "-P", postmaster, timeout=10).stdout.split()
        assert children, "the postmaster has no children to freeze"
        with frozen(*map(int, children)):
            yield


def timed_get(server, path):
    started = time.monotonic()
    status, headers, body = server.get(path, timeout=REQUEST_TIMEOUT)
    return status, body, time.monotonic() - started


def test_a_frozen_postgresql_gives_the_503_page_within_seconds(tmp_path):
    with servers.throwaway_cluster() as cluster:
        database_url = cluster.create_database("healing_together")
        env = servers.production_env(database_url=database_url, REDIS_URL="")
        servers.manage(env, "migrate", "--no-input")
        servers.manage(env, "load_reference")
        servers.manage(env, "load_demo")  # groups to list: the page needs the database
        with servers.gunicorn(env, tmp_path / "gunicorn.log") as server:
            for _ in range(4):  # both threads hold a connection (CONN_MAX_AGE)
                status, body, _seconds = timed_get(server, "/nl/groepen/")
                assert status == 200, server.explain(status, body)

            with frozen_cluster(cluster):
                pages = []
                # Searches never made before: nothing the process cached can answer them.
                for n, path in enumerate(["/nl/groepen/", "/fr/groupes/"] * 2):
                    path = f"{path}?q=bevroren{n}"
                    status, body, seconds = timed_get(server, path)
                    assert status == 503, server.explain(status, body)
                    assert b"<html lang=" in body
                    pages.append(seconds)
                    status, _body, health_seconds = timed_get(server, "/healthz")
                    assert status == 200
                    assert health_seconds < 1
                status, _body, ready_seconds = timed_get(server, "/readyz")
                assert status == 503
            print(
                f"\nPostgreSQL frozen: 503 after {', '.join(f'{s:.2f}' for s in pages)} s; "
                f"/healthz {health_seconds * 1000:.0f} ms; /readyz 503 after {ready_seconds:.2f} s"
            )
            assert max(pages) < DATABASE_FROZEN_BOUND, pages
            assert ready_seconds < DATABASE_FROZEN_BOUND

            # Thawed: the site answers again without a restart.
            deadline = time.monotonic() + 30
            for _ in range(4):
                while True:
                    status, body, _seconds = timed_get(server, "/nl/groepen/")
                    if status == 200:
                        break
                    assert time.monotonic() < deadline, server.explain(status, body)
                    time.sleep(0.5)
            assert server.get("/readyz")[0] == 200
            assert server.process.poll() is None, "gunicorn restarted or exited"


def test_a_frozen_redis_leaves_pages_at_their_normal_speed(tmp_path):
    with servers.throwaway_redis() as redis_server:
        env = servers.production_env(
            f"sqlite:///{tmp_path / 'db.sqlite3'}",
            REDIS_URL=redis_server.url,
            REDIS_BREAKER_SECONDS=str(BREAKER_SECONDS),
        )
        servers.manage(env, "migrate", "--no-input")
        servers.manage(env, "load_reference")
        servers.manage(env, "load_demo")
        store = redis.Redis.from_url(redis_server.url, socket_timeout=5)
        paths = ["/nl/groepen/", "/fr/groupes/?audience=caregivers", "/en/articles/", "/nl/"]
        with servers.gunicorn(env, tmp_path / "gunicorn.log") as server:
            for path in paths:  # warm the workers (imports, templates)
                assert timed_get(server, path)[0] == 200
            before = []  # uncached pages, as a frozen Redis makes them
            for path in paths * 2:
                store.flushdb()
                status, body, seconds = timed_get(server, path)
                assert status == 200, server.explain(status, body)
                before.append(seconds)
            assert store.dbsize() > 0, "the site does not use the cache at all"

            with frozen(redis_server.process.pid):
                during = []
                for path in paths * 3:
                    status, body, seconds = timed_get(server, path)
                    assert status == 200, server.explain(status, body)
                    during.append(seconds)
            print(
                f"\nRedis frozen: pages {statistics.median(during) * 1000:.0f} ms median, "
                f"{max(during) * 1000:.0f} ms at most; uncached before: "
                f"{statistics.median(before) * 1000:.0f} ms median, {max(before) * 1000:.0f} ms"
            )
            assert max(during) < REDIS_FROZEN_BOUND, during

            # Thawed: after the breaker's delay the pages are cached in Redis again.
            store.flushdb()
            time.sleep(BREAKER_SECONDS + 0.5)
            deadline = time.monotonic() + 10 * BREAKER_SECONDS
            while store.dbsize() == 0:
                assert time.monotonic() < deadline, "the cache was not used again"
                assert timed_get(server, paths[0])[0] == 200
                time.sleep(0.2)
            assert server.process.poll() is None, "gunicorn restarted or exited"
