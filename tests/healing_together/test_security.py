import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_group, make_network
from tests.sitemap import sitemap_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def every_page(client, reference):
    make_group()
    make_network()
    return sitemap_paths(client)


def test_sitemap_lists_every_page_in_every_language(every_page):
    assert len(every_page) >= 3 * 9
    for prefix in ("/nl/", "/fr/", "/en/"):
        assert any(path.startswith(prefix + "") for path in every_page)


def test_security_headers_on_every_public_page(client, every_page):
    for path in every_page:
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
        assert directives["default-src"] == "'none'", path
        assert directives["frame-ancestors"] == "'none'"
        assert directives["base-uri"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert "unsafe" not in directives["script-src"]
        assert "unsafe" not in directives["style-src"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert response["Cross-Origin-Embedder-Policy"] == "require-corp"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")
        # Privacy: a page without a CSRF-protected form sets no cookie at all (the footer's
        # newsletter form carries no token and only opens the sign-up page).
        if b"csrfmiddlewaretoken" not in response.content:
            assert not response.cookies, path


def test_pages_load_nothing_from_another_host(client, every_page):
    for path in every_page:
        html = client.get(path).content.decode()
        for attribute in ('src="http', "src='http", 'href="//', 'rel="stylesheet" href="http'):
            assert attribute not in html, path


def same_origin_references(html):
    """The src/href values of a page that point at another host (none may)."""
    return [
        url
        for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html)
        if re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", url, flags=re.IGNORECASE)
        and not url.startswith(("https://testserver/", "http://testserver/"))
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",  # signed out: the sign-in page
        "/admin/",
        "/admin/directory/group/",
        "/admin/directory/group/add/",
        "/admin/articles/article/add/",
    ],
)
def test_the_admin_is_cross_origin_isolated_and_embeds_only_its_own_files(
    client, admin_client, path
):
    """require-corp blocks any embedded resource another origin does not explicitly share: the
    admin must load nothing from elsewhere (links to other sites are fine, embeds are not)."""
    response = (client if "login" in path else admin_client).get(path, secure=True)
    assert response.status_code == 200, path
    assert response["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    html = response.content.decode()
    embeds = re.findall(r"<(?:script|img|link|iframe|video|audio|source)\b[^>]*>", html)
    assert not [tag for tag in embeds if same_origin_references(tag)], path


def test_the_stylesheet_every_page_embeds_is_same_origin_and_marked_so(client):
    html = client.get("/nl/", secure=True).content.decode()
    [stylesheet] = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheet.startswith("/static/")
    response = client.get(stylesheet, secure=True)
    assert response.status_code == 200
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


COEP_PROBE = """
import django
django.setup()
from django.conf import settings
print(settings.CROSS_ORIGIN_EMBEDDER_POLICY)
"""


def deploy_env(tmp_path, **extra):
    """The environment of a production process with HTTPS defaults, outside the test settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        DJANGO_ALLOWED_HOSTS="healing-together.be",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return env


BAD_HOST_PROBE = """
import django
django.setup()
from django.test import Client
print(Client().get("/fr/", headers={"host": "evil.example"}).status_code)
"""


def test_a_refused_host_writes_nothing_to_the_log(tmp_path):
    """A bad Host header is noise: its 400 leaves no traceback on stderr (the console log), not
    even through logging.lastResort, which prints when a logger has no handler at all. In a
    process of its own: pytest puts its own handlers on every logger."""
    result = subprocess.run(
        [sys.executable, "-c", BAD_HOST_PROBE],
        cwd=Path(settings.BASE_DIR),
        env=deploy_env(tmp_path, DJANGO_SETTINGS_MODULE="healing_together.settings"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "400"
    assert "evil.example" not in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variables", "policy"),
    [
        ({}, "require-corp"),
        ({"MAP_TILE_URL": "https://tile.example.org/{z}/{x}/{y}.png"}, "credentialless"),
        ({"MEDIA_S3_BUCKET": "ht-media", "MEDIA_S3_REGION": "eu-west-1"}, "credentialless"),
    ],
)
def test_cross_origin_images_relax_the_embedder_policy_to_credentialless(
    tmp_path, variables, policy
):
    """Map tiles and S3 media come from hosts that send no Cross-Origin-Resource-Policy:
    require-corp would blank them; credentialless loads them without cookies."""
    env = deploy_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="healing_together.settings",
        AWS_ACCESS_KEY_ID="test-key-id",
        AWS_SECRET_ACCESS_KEY="test-secret",  # noqa: S106 (not a real secret)
        **variables,
    )
    result = subprocess.run(
        [sys.executable, "-c", COEP_PROBE],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == policy


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = deploy_env(tmp_path, SITE_URL="https://healing-together.be")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_session_and_csrf_cookies_are_host_only_secure_names():
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_migration_check_runs_without_production_secrets(tmp_path):
    """Code-only commands need no secrets; anything touching data still does (test above)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_check_deploy_warns_when_emails_would_carry_bad_links(settings):
    from healing_together.checks import site_url_is_set

    settings.SITE_URL = ""
    assert [w.id for w in site_url_is_set(None)] == ["healing_together.W001"]
    settings.SITE_URL = "https://healing-together.be"
    assert site_url_is_set(None) == []
