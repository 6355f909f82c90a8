"""Helpers for tests that run the site as production does, outside Django's test machinery:
gunicorn in a subprocess with production settings, PostgreSQL databases on the machine's server
or on a throwaway cluster, plain HTTP requests with cookies.

Every helper is bounded in time and cleans up after itself (processes, clusters, databases).
"""

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = REPO_ROOT / "Dockerfile"
VENV_BIN = Path(sys.executable).parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432"
LOCAL_REDIS = "redis://127.0.0.1:6379"
STARTUP_TIMEOUT = 30  # seconds
COMMAND_TIMEOUT = 300  # seconds, for migrate, load_reference, pg_dump…


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def random_name(prefix):
    return f"{prefix}_{secrets.token_hex(4)}"


def run(*args, env=None, timeout=COMMAND_TIMEOUT, check=True, **kwargs):
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )
    if check:
        assert result.returncode == 0, (
            f"{' '.join(map(str, args))} exited with {result.returncode}:\n"
            f"{result.stdout}\n{result.stderr}"
        )
    return result


# --- Production settings ----------------------------------------------------------------------


def static_root():
    """Collected static files (the manifest the production templates need).

    `make test` collects them into var/staticfiles before the suite; if that has not happened,
    they are collected once into a temporary directory.
    """
    default = REPO_ROOT / "var" / "staticfiles"
    if (default / "staticfiles.json").is_file():
        return default
    global _collected
    if _collected is None:
        _collected = Path(tempfile.mkdtemp(prefix="ht-static-"))
        env = production_env("sqlite:///:memory:", DJANGO_STATIC_ROOT=str(_collected))
        manage(env, "collectstatic", "--no-input", "-v0")
    return _collected


_collected = None


def production_env(database_url, **extra):
    """os.environ without the test runner's Django settings, plus production values.

    Plain HTTP on loopback: no HTTPS redirect and no __Host- cookies (which need HTTPS).
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    alphabet = string.ascii_letters + string.digits
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DATABASE_URL=database_url,
        WEB_CONCURRENCY="1",
    )
    if "DJANGO_STATIC_ROOT" not in extra:
        env["DJANGO_STATIC_ROOT"] = str(static_root())
    env.update(extra)
    return {key: value for key, value in env.items() if value != ""}


def manage(env, *args, timeout=COMMAND_TIMEOUT):
    return run(sys.executable, "manage.py", *args, env=env, timeout=timeout)


# --- HTTP ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surface 3xx responses instead of following them


_opener = urllib.request.build_opener(_NoRedirect)


def http(url, method="GET", data=None, headers=None, cookies=None, timeout=15):
    """(status, headers, body) of one request, without following redirects."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    if body is not None:
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def set_cookies(headers):
    """{name: value} of the Set-Cookie headers of a response."""
    cookies = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return cookies


class Server:
    def __init__(self, process, port, log_path):
        self.process = process
        self.port = port
        self.log_path = log_path
        self.base_url = f"http://127.0.0.1:{port}"

    def get(self, path, **kwargs):
        return http(self.base_url + path, **kwargs)

    def post(self, path, data, **kwargs):
        return http(self.base_url + path, method="POST", data=data, **kwargs)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def explain(self, status, body=b""):
        return f"HTTP {status}\n{body[:2000].decode(errors='replace')}\n--- log ---\n{self.log()}"

    def wait_until_healthy(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise AssertionError(f"gunicorn exited with {code}:\n{self.log()}")
            try:
                if self.get("/healthz", timeout=2)[0] == 200:
                    return
            except OSError:  # not listening yet
                pass
            time.sleep(0.2)
        raise AssertionError(f"/healthz not 200 within {STARTUP_TIMEOUT} s:\n{self.log()}")

    def stop(self):
        """SIGTERM (gunicorn's graceful shutdown), then SIGKILL to its session after 10 s."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def dockerfile_cmd():
    """The final CMD instruction of the Dockerfile, in exec (JSON) form."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    cmds = [
        line.strip()[len("CMD") :].strip()
        for line in text.splitlines()
        if line.strip().split(maxsplit=1)[:1] == ["CMD"]
    ]
    assert cmds, "the Dockerfile has no CMD"
    cmd = json.loads(cmds[-1])  # exec form: a JSON array, so signals reach gunicorn
    assert isinstance(cmd, list)
    assert all(isinstance(part, str) for part in cmd)
    return cmd


@contextlib.contextmanager
def gunicorn(env, log_path, port=None):
    """The image's start command (the Dockerfile's CMD) on a free port; stopped on exit."""
    cmd = dockerfile_cmd()
    assert cmd[0] == "gunicorn"
    cmd[0] = str(VENV_BIN / "gunicorn")
    port = port or free_port()
    env = {**env, "PORT": str(port)}
    with log_path.open("w") as log:
        process = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: gunicorn and its workers
        )
    server = Server(process, port, log_path)
    try:
        server.wait_until_healthy()
        yield server
    finally:
        server.stop()


# --- PostgreSQL ---------------------------------------------------------------------------------


def psql(server_url, sql, database="postgres"):
    """Run one SQL statement as the postgres superuser; its output, tuples only."""
    result = run(
        "psql",
        f"{server_url}/{database}",
        "-v",
        "ON_ERROR_STOP=1",
        "-tAc",
        sql,
        timeout=60,
    )
    return result.stdout.strip()


def require_local_postgres():
    result = run("pg_isready", "-h", "127.0.0.1", "-p", "5432", check=False, timeout=10)
    assert result.returncode == 0, (
        "These tests need the machine's PostgreSQL on 127.0.0.1:5432 (trust authentication for "
        f"the postgres user): {result.stdout}{result.stderr}"
    )


@contextlib.contextmanager
def throwaway_database(prefix, server_url=LOCAL_POSTGRES):
    """A new, empty database on the server; dropped (even with open connections) on exit."""
    name = random_name(prefix)
    psql(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield f"{server_url}/{name}"
    finally:
        psql(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _as_postgres(*args):
    """Run a PostgreSQL server binary as the postgres user (it refuses to run as root)."""
    if os.geteuid() == 0:
        return ("runuser", "-u", "postgres", "--", *args)
    return args


class Cluster:
    """A throwaway PostgreSQL 15 cluster on a free port, in a directory of its own."""

    def __init__(self):
        assert (PG_BIN / "initdb").exists(), f"PostgreSQL 15 is not installed in {PG_BIN}"
        self.dir = Path(tempfile.mkdtemp(prefix="ht-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def init(self):
        run(
            *_as_postgres(
                PG_BIN / "initdb",
                "-D",
                self.data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ),
            timeout=120,
        )

    def start(self):
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        run(
            *_as_postgres(
                PG_BIN / "pg_ctl",
                "-D",
                self.data,
                "-l",
                self.dir / "server.log",
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ),
            timeout=90,
        )

    def stop(self, mode="immediate"):
        run(
            *_as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"),
            timeout=90,
        )

    def is_running(self):
        status = run(*_as_postgres(PG_BIN / "pg_ctl", "-D", self.data, "status"), check=False)
        return status.returncode == 0

    def create_database(self, name):
        psql(self.url, f'CREATE DATABASE "{name}"')
        return f"{self.url}/{name}"

    def remove(self):
        if self.data.exists() and self.is_running():
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@contextlib.contextmanager
def throwaway_cluster():
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


# --- Caddy --------------------------------------------------------------------------------------

CADDY = Path("/usr/bin/caddy")
CADDYFILE = REPO_ROOT / "deploy" / "Caddyfile"


def caddy_version_env():
    """The variables deploy/Caddyfile needs for the installed Caddy: versions before 2.6.4 spell
    request body buffering differently (see the Caddyfile's snippets)."""
    version = run(CADDY, "version", timeout=30).stdout.split()[0].lstrip("v")
    numbers = tuple(int(part) for part in version.split("-")[0].split(".")[:3])
    return {"CADDY_BODY_BUFFERING": "body_buffering_2.6"} if numbers < (2, 6, 4) else {}


@contextlib.contextmanager
def caddy(upstream_ports, log_path, port=None):
    """deploy/Caddyfile on loopback: plain HTTP on a free port in front of gunicorn servers on
    `upstream_ports`, no admin endpoint; killed on exit."""
    assert CADDY.exists(), f"Caddy is not installed at {CADDY}"
    port = port or free_port()
    home = Path(tempfile.mkdtemp(prefix="ht-caddy-"))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),  # certificates and autosaved config go here, not in ~/.local
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "SITE_DOMAIN": f":{port}",
        "APP_UPSTREAMS": " ".join(f"127.0.0.1:{upstream}" for upstream in upstream_ports),
        "CADDY_ADMIN": "off",
        **caddy_version_env(),
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(CADDY), "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            cwd=home,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, port, log_path)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            assert process.poll() is None, f"caddy exited:\n{server.log()}"
            try:
                if server.get("/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"caddy not up within {STARTUP_TIMEOUT} s"
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)


# --- Redis --------------------------------------------------------------------------------------


class RedisServer:
    """A throwaway redis-server on a free port: no persistence, its own process group."""

    def __init__(self, process, port):
        self.process = process
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def ping(self, timeout=1):
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64) == b"+PONG\r\n"


def production_redis_cache(location, breaker_seconds=30):
    """settings.CACHES as the production settings write them (healing_together.cache_backend,
    100 ms timeouts, the circuit breaker), for one Redis location."""
    return {
        "default": {
            "BACKEND": "healing_together.cache_backend.RedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.1,
                "SOCKET_TIMEOUT": 0.1,
                "IGNORE_EXCEPTIONS": True,
                "CIRCUIT_BREAKER_SECONDS": breaker_seconds,
            },
        }
    }


@contextlib.contextmanager
def throwaway_redis():
    redis_server = shutil.which("redis-server")
    assert redis_server, "redis-server is not installed"
    port = free_port()
    process = subprocess.Popen(
        [
            redis_server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    server = RedisServer(process, port)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                if server.ping():
                    break
            except OSError:  # not listening yet
                pass
            assert process.poll() is None, f"redis-server exited with {process.returncode}"
            assert time.monotonic() < deadline, (
                f"redis-server not answering within {STARTUP_TIMEOUT} s"
            )
            time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGCONT)  # a test may have left it frozen
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
