"""Gunicorn settings for the container (`gunicorn --config gunicorn.conf.py …`).

Every value can be tuned with an environment variable; the defaults suit one small VM.
"""

import multiprocessing
import os
import socket
import time

from gunicorn.workers import gthread

# Listen on every interface, on $PORT (platforms such as Heroku/Render set it).
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Workers with a few threads each (the worker class is below): 2 × cores + 1, capped so a big
# host does not exhaust the database's connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS") or 2)

# A request taking more than 30 s is stuck; restarts get as long to finish in-flight requests.
timeout = 30
graceful_timeout = 30
keepalive = 5  # seconds; the reverse proxy in front reuses connections


# --- Slow clients ------------------------------------------------------------------------------
# gunicorn's gthread worker (27.0.1, pinned) hands every accepted connection to a thread, which
# waits up to 5 s for the first byte and then blocks, without any timeout, until the request head
# is complete: 30 connections that send nothing, or half a header, left /healthz unanswered for
# more than 20 s with 2 threads. More threads only raise the number an attacker needs, and a gevent
# worker would change how Django holds its database connections (one per greenlet). Instead the
# worker below reads request heads without a thread: a connection only gets one once its whole
# head (up to the blank line) has arrived; until then it waits in the worker's poller, which costs
# nothing. A connection that sends nothing for `keepalive` seconds, or whose head is not complete
# within GUNICORN_HEADER_TIMEOUT seconds, is closed. Request bodies are read by the thread that
# serves the request: the proxy in front (deploy/Caddyfile) buffers them, so only complete bodies
# reach gunicorn (docs/deploy.md, "Slow clients and timeouts"). The class relies on gthread's
# internals: after upgrading gunicorn, run tests/deploy/test_slow_clients.py.
_HEADER_TIMEOUT = float(os.environ.get("GUNICORN_HEADER_TIMEOUT") or 10)
_HEAD_ENDS = (b"\r\n\r\n", b"\n\n")  # the second only so the parser can refuse it (400)
_HEAD_MAX = 64 * 1024  # more than any head gunicorn's own limits accept
_WAIT, _READY, _CLOSE = "wait", "ready", "close"


class HeadFirstThreadWorker(gthread.ThreadWorker):
    """gthread, but a thread only ever parses a request whose head has fully arrived."""

    def handle(self, conn):
        state = self._gather_head(conn)
        if state == _WAIT:
            return gthread._DEFER  # back to the poller until more bytes arrive (or keepalive ends)
        if state == _CLOSE:
            return False
        return super().handle(conn)

    def _gather_head(self, conn):
        if getattr(conn, "head", None) is None:  # the start of a request
            # Bytes the previous request on this connection read ahead (pipelining) come first.
            ahead = conn.parser.unreader.take_buffered() if conn.initialized else b""
            conn.head = bytearray(ahead)
            conn.head_deadline = time.monotonic() + _HEADER_TIMEOUT
        if not self._head_complete(conn.head):
            try:
                data = conn.sock.recv(_HEAD_MAX, socket.MSG_DONTWAIT)
            except BlockingIOError:
                data = None
            except OSError:
                return _CLOSE
            if data == b"":
                return _CLOSE  # the client went away
            conn.head += data or b""
        if self._head_complete(conn.head):
            conn.sock.setblocking(True)
            conn.init()  # creates the parser; the bytes read so far go back in front of it
            conn.parser.unreader.unread(bytes(conn.head))
            conn.head = None
            conn.data_ready = True
            return _READY
        if time.monotonic() > conn.head_deadline:
            return _CLOSE
        return _WAIT

    @staticmethod
    def _head_complete(head):
        # Past the limit, the parser gets it anyway and answers 400 (limit_request_field_size).
        return any(end in head for end in _HEAD_ENDS) or len(head) > _HEAD_MAX


worker_class = HeadFirstThreadWorker

# Logs go to the container's stdout/stderr. GUNICORN_ACCESS_LOG=0 silences the access log when
# the proxy already writes one.
accesslog = None if os.environ.get("GUNICORN_ACCESS_LOG") == "0" else "-"
errorlog = "-"

# Trust X-Forwarded-* only from the proxy's address (a comma-separated list, or "*").
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Recycle workers now and then, staggered, to bound any slow memory growth.
max_requests = 10000  # a worker restart costs about a second of CPU: rarely, not every few seconds
max_requests_jitter = 1000

# Worker heartbeats in RAM: a container's /tmp may be on a slow overlay filesystem.
# (gunicorn creates private, unlinked files there, so the shared directory is safe.)
_shm = "/dev/shm"  # noqa: S108
if os.path.isdir(_shm):
    worker_tmp_dir = _shm
