"""The container image, checked without a Docker engine.

The Dockerfile is linted with hadolint, and its start command (the CMD, read from the Dockerfile
so this test follows it) is run outside a container with production settings: gunicorn with
gunicorn.conf.py, collected and compressed static files, the HTTPS redirect, security headers.

None of these tests touch Django's test database: the server gets its own SQLite file.
"""

import json
import os
import re
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"
VENV_BIN = Path(sys.executable).parent
ONE_YEAR = 365 * 24 * 60 * 60
STARTUP_TIMEOUT = 20  # seconds


# --- Helpers ----------------------------------------------------------------------------------


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


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path, port):
    """os.environ without the test runner's Django settings, plus production values."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "DATABASE_URL"
    }
    alphabet = string.ascii_letters + string.digits
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_BEHIND_TLS_PROXY="1",
        PORT=str(port),
        WEB_CONCURRENCY="1",
    )
    return env


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, (
        f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    )
    return result


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surface 3xx responses as HTTPError instead of following them


_opener = urllib.request.build_opener(_NoRedirect)


def get(url, headers=None):
    """(status, headers, body) of a GET, without following redirects."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def wait_until_healthy(base_url, process, log_path):
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"gunicorn exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            if get(f"{base_url}/healthz")[0] == 200:
                return
        except OSError:  # not listening yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"/healthz not 200 within {STARTUP_TIMEOUT} s:\n{log_path.read_text()}")


def stop(process):
    """SIGTERM (gunicorn's graceful shutdown), then SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # its own session: gunicorn and its workers
        process.wait(timeout=10)


def max_age(cache_control):
    match = re.search(r"max-age=(\d+)", cache_control or "")
    return int(match.group(1)) if match else None


# --- Tests ------------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint():
    hadolint = VENV_BIN / "hadolint"
    assert hadolint.exists(), f"hadolint not found next to {sys.executable}"
    result = subprocess.run(
        [str(hadolint), "Dockerfile"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr == ""


def test_image_start_command_serves_the_site_with_production_settings(tmp_path):
    cmd = dockerfile_cmd()
    assert cmd[0] == "gunicorn"
    cmd[0] = str(VENV_BIN / "gunicorn")

    port = free_port()
    env = production_env(tmp_path, port)
    static_root = tmp_path / "static"

    # What the image does at build time (compilemessages is already done by the Makefile).
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    assert (static_root / "staticfiles.json").is_file(), "no staticfiles manifest"
    compressed = [
        path
        for pattern in ("site*.css.br", "site*.css.gz")
        for path in (static_root / "css").glob(pattern)
    ]
    assert compressed, f"no compressed copy of css/site.css in {static_root / 'css'}"

    log_path = tmp_path / "gunicorn.log"
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_healthy(base_url, process, log_path)

        def server_log():
            return f"\n--- gunicorn log ---\n{log_path.read_text()}"

        # Health check: plain HTTP, by IP address, as Docker's HEALTHCHECK calls it.
        status, headers, body = get(f"{base_url}/healthz")
        assert status == 200
        assert headers.get_content_type() == "application/json"
        assert json.loads(body) == {"status": "ok"}

        # A page, as the TLS-terminating proxy forwards it.
        https = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        status, headers, body = get(f"{base_url}/nl/", https)
        assert status == 200, f"GET /nl/ gave {status}{server_log()}"
        assert "default-src 'none'" in headers.get("Content-Security-Policy", "")
        hsts = headers.get("Strict-Transport-Security", "")
        assert max_age(hsts) == ONE_YEAR, hsts

        # Its stylesheet: hashed name, compressed, cached for (at least) a year.
        html = body.decode()
        match = re.search(r'href="(/static/[^"]+\.css)"', html)
        assert match, "no /static/….css stylesheet link on /nl/"
        css_url = match.group(1)
        assert re.search(r"\.[0-9a-f]{12}\.css$", css_url), f"not a hashed name: {css_url}"
        status, headers, _ = get(f"{base_url}{css_url}", https)
        assert status == 200, f"GET {css_url} gave {status}{server_log()}"
        # WhiteNoise gives hashed (immutable) files ten years: max-age=315360000.
        cache_control = headers.get("Cache-Control", "")
        assert "max-age=31536000" in cache_control
        assert max_age(cache_control) >= ONE_YEAR, cache_control

        # Plain HTTP is sent to HTTPS.
        status, headers, _ = get(f"{base_url}/nl/", {"Host": "127.0.0.1"})
        assert status == 301, f"GET /nl/ over http gave {status}{server_log()}"
        assert headers["Location"].startswith("https://127.0.0.1/"), headers["Location"]
    finally:
        stop(process)
