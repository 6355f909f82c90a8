"""The container image, checked without a Docker engine.

The Dockerfile is linted with hadolint, and its start command (the CMD, read from the Dockerfile
so this test follows it) is run outside a container with production settings: gunicorn with
gunicorn.conf.py, collected and compressed static files, the HTTPS redirect, security headers.

None of these tests touch Django's test database: the server gets its own SQLite file.
"""

import json
import re
import subprocess
import sys

from tests.servers import REPO_ROOT, VENV_BIN, gunicorn, manage, production_env

ONE_YEAR = 365 * 24 * 60 * 60


# --- Helpers ----------------------------------------------------------------------------------


def image_env(tmp_path):
    """Production settings as the image runs them behind its TLS proxy: HTTPS redirect and
    secure cookies on (their defaults), its own SQLite file and static root."""
    return production_env(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_BEHIND_TLS_PROXY="1",
        DJANGO_SECURE_SSL_REDIRECT="",  # "" drops the loopback override: the default holds
        DJANGO_SECURE_COOKIES="",
    )


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
    env = image_env(tmp_path)
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

    with gunicorn(env, tmp_path / "gunicorn.log") as server:

        def server_log():
            return f"\n--- gunicorn log ---\n{server.log()}"

        # Health check: plain HTTP, by IP address, as Docker's HEALTHCHECK calls it.
        status, headers, body = server.get("/healthz")
        assert status == 200
        assert headers.get_content_type() == "application/json"
        assert json.loads(body) == {"status": "ok"}

        # A page, as the TLS-terminating proxy forwards it.
        https = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
        status, headers, body = server.get("/nl/", headers=https)
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
        status, headers, _ = server.get(css_url, headers=https)
        assert status == 200, f"GET {css_url} gave {status}{server_log()}"
        # WhiteNoise gives hashed (immutable) files ten years: max-age=315360000.
        cache_control = headers.get("Cache-Control", "")
        assert "max-age=31536000" in cache_control
        assert max_age(cache_control) >= ONE_YEAR, cache_control

        # Plain HTTP is sent to HTTPS.
        status, headers, _ = server.get("/nl/", headers={"Host": "127.0.0.1"})
        assert status == 301, f"GET /nl/ over http gave {status}{server_log()}"
        assert headers["Location"].startswith("https://127.0.0.1/"), headers["Location"]
