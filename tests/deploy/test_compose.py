"""compose.yaml, deploy/ and docs/deploy.md, checked without a Docker engine (CI has none).

The compose file must be valid YAML whose services reference the right settings: every variable
handed to the app is one the code reads, the database and Redis URLs point at the stack's own
services with the database's own credentials, migrations run once as a release step, and the
load balancer reaches both app containers on the port gunicorn listens on.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests import servers

ROOT = servers.REPO_ROOT
COMPOSE = ROOT / "compose.yaml"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROOT / "deploy" / "production.env.example"
DOCS = ROOT / "docs" / "deploy.md"
# Variables boto3 reads for media on S3 (not Django settings, but an operator sets them).
BOTO3_VARIABLES = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}


def load_yaml(path):
    return yaml.safe_load(path.read_text())


def settings_variables():
    """Every environment variable the settings and the gunicorn config read."""
    settings = (ROOT / "healing_together" / "settings.py").read_text()
    gunicorn = (ROOT / "gunicorn.conf.py").read_text()
    names = set(
        re.findall(
            r"\b(?:env|env_bool|env_int|env_list|required)\(\s*[\"']([A-Z][A-Z0-9_]+)", settings
        )
    )
    names |= set(re.findall(r"environ\.get\(\s*[\"']([A-Z][A-Z0-9_]+)", gunicorn))
    return names


def interpolated(text):
    """Names used as ${NAME}, ${NAME:-default} or ${NAME:?message} in compose."""
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))


@pytest.fixture(scope="module")
def compose():
    return load_yaml(COMPOSE)


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def environment(service):
    """The service's variables, each ${NAME…} interpolation written as <NAME>."""
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {
        key: re.sub(r"\$\{([A-Z][A-Z0-9_]*)[^}]*\}", r"<\1>", str(value))
        for key, value in env.items()
    }


def test_the_stack_has_its_services(services):
    assert set(services) == {"db", "redis", "release", "app1", "app2", "lb", "backup"}
    assert services["db"]["image"].split(":")[1].startswith("15")
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert services["backup"]["image"].split(":")[1].startswith("15")  # pg_dump = server


def test_the_app_containers_run_the_image_built_from_the_dockerfile(services):
    for name in ("release", "app1", "app2"):
        service = services[name]
        assert service["build"] in (".", {"context": "."}), name
        assert (ROOT / "Dockerfile").is_file()
        assert service["image"] == services["app1"]["image"]
    # The app containers use the image's own command (gunicorn) and health check.
    for name in ("app1", "app2"):
        assert "command" not in services[name]
        assert "healthcheck" not in services[name]


def test_migrations_are_a_release_step_that_the_apps_wait_for(services):
    release = services["release"]
    command = " ".join(release["command"])
    assert "manage.py migrate --no-input" in command
    assert "load_reference" in command
    assert release["restart"] == "no"
    for name in ("app1", "app2"):
        depends = services[name]["depends_on"]
        assert depends["release"]["condition"] == "service_completed_successfully"
        assert depends["db"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert "migrate" not in json.dumps(services[name])


def test_the_apps_get_production_settings_that_exist(services):
    known = settings_variables()
    assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "PORT"} <= known  # the parser works
    for name in ("release", "app1", "app2"):
        env = environment(services[name])
        unknown = set(env) - known
        assert not unknown, f"{name} sets variables the code never reads: {unknown}"
        for required in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
            assert env.get(required), f"{name} lacks {required}"
        assert "DJANGO_DEBUG" not in env or env["DJANGO_DEBUG"] == "0"
        assert env["DJANGO_BEHIND_TLS_PROXY"] == "1"
        assert env["FORWARDED_ALLOW_IPS"]
        assert env["DJANGO_CSRF_TRUSTED_ORIGINS"].startswith("https://")
        assert services[name]["env_file"] == ".env"


def test_database_and_redis_urls_point_at_the_stack_s_own_services(services):
    db = environment(services["db"])
    for name in ("release", "app1", "app2", "backup"):
        url = urlsplit(environment(services[name])["DATABASE_URL"])
        assert url.scheme == "postgres"
        assert url.hostname == "db"
        assert url.port == 5432
        assert url.username == db["POSTGRES_USER"]
        assert url.password == db["POSTGRES_PASSWORD"]  # the same ${POSTGRES_PASSWORD…}
        assert url.path == "/" + db["POSTGRES_DB"]
    redis = urlsplit(environment(services["app1"])["REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)


def test_secrets_are_required_not_defaulted():
    text = COMPOSE.read_text()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD", "SITE_DOMAIN"):
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must be required (${{{name}:?…}})"
        assert not re.search(r"\$\{" + name + r":-", text), f"{name} must have no default"


def test_every_compose_value_is_in_the_example_env_file():
    example = ENV_EXAMPLE.read_text()
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", example, flags=re.MULTILINE))
    missing = interpolated(COMPOSE.read_text()) - listed
    assert not missing, f"deploy/production.env.example lacks {missing}"
    known = settings_variables() | BOTO3_VARIABLES | interpolated(COMPOSE.read_text())
    assert not listed - known, f"the example names unknown variables: {listed - known}"


def test_the_load_balancer_reaches_both_apps_and_checks_their_health(services):
    lb = services["lb"]
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in lb["volumes"]}
    assert mounts["/etc/caddy/Caddyfile"] == "./deploy/Caddyfile"
    caddyfile = CADDYFILE.read_text()
    port = 8000  # gunicorn.conf.py's default PORT, which compose does not change
    assert "PORT" not in environment(services["app1"])
    # The upstreams are {$APP_UPSTREAMS:…}, so a test can point the same file at loopback.
    upstreams = rf"reverse_proxy\s+\{{\$APP_UPSTREAMS:app1:{port}\s+app2:{port}\}}"
    assert re.search(upstreams, caddyfile)
    assert re.search(r"^\s*health_uri\s+/healthz\s*$", caddyfile, flags=re.MULTILINE)
    # The client's address comes from Caddy, not from a header the client could send.
    assert "header_up X-Forwarded-For {remote_host}" in caddyfile
    assert "{$SITE_DOMAIN" in caddyfile
    assert environment(lb)["SITE_DOMAIN"]
    assert set(lb["depends_on"]) == {"app1", "app2"}


def test_media_is_one_volume_written_by_the_apps_and_served_by_the_load_balancer(services):
    media_root = environment(services["app1"])["DJANGO_MEDIA_ROOT"]
    for name in ("app1", "app2"):
        assert f"media:{media_root}" in services[name]["volumes"]
    assert "media:/srv/media:ro" in services["lb"]["volumes"]
    assert "root * /srv/media" in CADDYFILE.read_text()
    # The image creates the directory owned by its user, so the new volume is writable.
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"mkdir -p /app/var/media && chown -R app:app /app/var", dockerfile)
    assert media_root == "/app/var/media"


def test_nightly_backups_use_the_tested_script(services):
    backup = services["backup"]
    mounted = {volume.split(":")[0] for volume in backup["volumes"]}
    assert "./deploy/backup.sh" in mounted
    for path in mounted:
        if path.startswith("./"):
            assert (ROOT / path).is_file(), path
    env = environment(backup)
    assert env["BACKUP_DIR"] == "/backups"
    assert "backups:/backups" in backup["volumes"]
    nightly = (ROOT / "deploy" / "backup-nightly.sh").read_text()
    assert "backup.sh" in nightly


def test_files_the_stack_mounts_exist_and_secrets_stay_out_of_the_image(services):
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), source
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored


def test_the_nightly_loop_refuses_a_bad_time():
    result = subprocess.run(
        ["sh", str(ROOT / "deploy" / "backup-nightly.sh")],
        env={"PATH": "/usr/bin:/bin", "BACKUP_AT": "25:99"},
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    assert result.returncode == 2
    assert "BACKUP_AT" in result.stderr


def test_the_deploy_guide_names_every_setting():
    docs = DOCS.read_text()
    missing = sorted(
        name for name in settings_variables() | BOTO3_VARIABLES if f"`{name}`" not in docs
    )
    assert not missing, f"docs/deploy.md does not document {missing}"


def test_the_deploy_guide_links_resolve():
    docs = DOCS.read_text()
    for target in re.findall(r"\]\((?!https?://|#)([^)#]+)", docs):
        assert (DOCS.parent / target).resolve().exists(), target
    readme = (ROOT / "README.md").read_text()
    assert "docs/deploy.md" in readme


def test_shell_scripts_parse():
    for script in sorted(Path(ROOT / "deploy").glob("*.sh")):
        result = subprocess.run(
            ["sh", "-n", str(script)], capture_output=True, text=True, timeout=10, check=False
        )
        assert result.returncode == 0, f"{script.name}: {result.stderr}"


def test_caddy_accepts_the_caddyfile(tmp_path):
    """Caddy's own parser (`make test` installs Debian's caddy)."""
    caddy = shutil.which("caddy")
    assert caddy is not None, "caddy is not installed: run the suite through `make test`"
    result = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile", "--validate"],
        env={
            "PATH": "/usr/bin:/bin",
            "SITE_DOMAIN": "healing-together.example",
            "HOME": str(tmp_path),
            **servers.caddy_version_env(),
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    dials = re.findall(r'"dial":\s*"([^"]+)"', json.dumps(config))
    assert sorted(set(dials)) == ["app1:8000", "app2:8000"]
    assert "healing-together.example" in result.stdout
