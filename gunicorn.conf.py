"""Gunicorn settings for the container (`gunicorn --config gunicorn.conf.py …`).

Every value can be tuned with an environment variable; the defaults suit one small VM.
"""

import multiprocessing
import os

# Listen on every interface, on $PORT (platforms such as Heroku/Render set it).
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Sync workers with a few threads: 2 × cores + 1, capped so a big host does not exhaust the
# database's connections.
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * multiprocessing.cpu_count() + 1, 8))
threads = int(os.environ.get("GUNICORN_THREADS") or 2)

# A request taking more than 30 s is stuck; restarts get as long to finish in-flight requests.
timeout = 30
graceful_timeout = 30
keepalive = 5  # seconds; the reverse proxy in front reuses connections

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
