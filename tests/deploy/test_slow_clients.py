"""Slow clients cannot take the site down (issue 13, item 1).

The documented stack on loopback: gunicorn with gunicorn.conf.py (one worker, two threads, as
production_env runs it) behind Caddy with deploy/Caddyfile. Visitors who trickle a request head
or a request body one byte every few seconds, or who connect and send nothing, must not keep a
normal visitor waiting: before the fix, 20 trickled bodies through Caddy gave every visitor a 503,
and 30 silent connections straight to gunicorn left /healthz unanswered for more than 20 s.

Every slow connection is closed at the end, both servers are stopped; the module takes ~30 s.
"""

import contextlib
import socket
import threading
import time

import pytest

from tests import servers

TRICKLE_EVERY = 2  # seconds between two bytes of a slow client
PATIENCE = 2  # seconds a normal visitor may wait (the failure mode is 5 s to minutes)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """gunicorn on a migrated throwaway SQLite database."""
    tmp = tmp_path_factory.mktemp("slow-clients")
    env = servers.production_env(f"sqlite:///{tmp / 'db.sqlite3'}")
    servers.manage(env, "migrate", "--no-input", "-v0")
    with servers.gunicorn(env, tmp / "gunicorn.log") as server:
        yield server


@contextlib.contextmanager
def slow_clients(port, heads=(), bodies=()):
    """Connections to `port` that send the start of each request in `heads` (then one more byte
    of it every TRICKLE_EVERY s, never the end) and the head of each request in `bodies` (then
    one byte of its body every TRICKLE_EVERY s)."""
    sockets = []
    stop = threading.Event()

    def trickle():
        while not stop.wait(TRICKLE_EVERY):
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.send(b"x")

    sender = threading.Thread(target=trickle, daemon=True)
    try:
        for start in [*heads, *bodies]:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sockets.append(sock)
            if start:
                sock.sendall(start)
        sender.start()
        yield sockets
    finally:
        stop.set()
        if sender.is_alive():
            sender.join(timeout=10)
        for sock in sockets:
            sock.close()


def slow_head(path="/nl/"):
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\nX-Slow: ".encode()


def slow_body(path="/nl/", length=100_000):
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {length}\r\n\r\na="
    ).encode()


def timed_get(server, path):
    """(status, seconds) of a normal visitor's request; a timeout counts as a failure."""
    started = time.monotonic()
    try:
        status = server.get(path, timeout=PATIENCE + 8)[0]
    except OSError as error:  # timed out: the site is down for this visitor
        status = f"no answer ({error})"
    return status, time.monotonic() - started


def test_a_visitor_gets_the_home_page_while_slow_clients_hold_connections_to_caddy(app, tmp_path):
    with servers.caddy([app.port], tmp_path / "caddy.log") as proxy:
        assert proxy.get("/nl/")[0] == 200
        with slow_clients(proxy.port, heads=[slow_head()] * 50, bodies=[slow_body()] * 20):
            # Long enough for the slow requests to reach gunicorn if Caddy let them through,
            # and for Caddy's health checks and retries to give up on a blocked upstream.
            time.sleep(2 * TRICKLE_EVERY + 1)
            results = [timed_get(proxy, "/nl/") for _ in range(3)]
        for status, seconds in results:
            assert status == 200, f"{results}\n--- caddy ---\n{proxy.log()[-3000:]}"
            assert seconds < PATIENCE, results


def test_healthz_answers_straight_from_gunicorn_while_connections_idle_or_trickle(app):
    # 30 that send nothing and 30 that send half a header, on the app's own port.
    with slow_clients(app.port, heads=[b""] * 30 + [slow_head()] * 30):
        time.sleep(1)
        results = [timed_get(app, "/healthz") for _ in range(3)]
        home = timed_get(app, "/nl/")
    for status, seconds in [*results, home]:
        assert status == 200, f"{results} {home}\n{app.log()[-3000:]}"
        assert seconds < PATIENCE, (results, home)


def test_gunicorn_closes_a_head_that_never_ends(app):
    """A connection whose head is not complete within GUNICORN_HEADER_TIMEOUT (10 s) is closed:
    a trickler holds no socket (and, before the fix, no thread) for ever."""
    trickling = socket.create_connection(("127.0.0.1", app.port), timeout=20)
    started = time.monotonic()
    closed = False
    try:
        trickling.sendall(slow_head())
        while not closed and time.monotonic() - started < 20:
            time.sleep(1)
            try:
                trickling.send(b"x")
                trickling.settimeout(0.01)
                closed = trickling.recv(1) == b""
            except TimeoutError:
                pass  # still open
            except OSError:  # reset: gunicorn closed it
                closed = True
    finally:
        trickling.close()
    seconds = time.monotonic() - started
    assert closed, "a trickled head was kept open for 20 s"
    assert seconds < 15, seconds
