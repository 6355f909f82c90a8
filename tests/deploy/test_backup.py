"""Backups that are known to restore: deploy/backup.sh (`pg_dump -Fc`, checked, rotated) and
deploy/restore.sh, run for real on the machine's PostgreSQL (127.0.0.1:5432) with throwaway
databases that are dropped afterwards.
"""

import os
import re
import stat

import pytest

from tests import servers

BACKUP = servers.REPO_ROOT / "deploy" / "backup.sh"
RESTORE = servers.REPO_ROOT / "deploy" / "restore.sh"

# Reference data, migrations and an account: enough tables to tell a partial restore.
TABLES = [
    "django_migrations",
    "auth_user",
    "directory_region",
    "directory_province",
    "directory_municipality",
    "directory_postalcode",
    "directory_audience",
    "directory_topic",
    "directory_helpline",
    "directory_network",
    "directory_platform",
]


def sql(database_url, statement):
    server_url, name = database_url.rsplit("/", 1)
    return servers.psql(server_url, statement, name)


def row_counts(database_url):
    counts = {}
    for table in TABLES:  # fixed names, not input
        counts[table] = int(sql(database_url, f"SELECT count(*) FROM {table}"))  # noqa: S608
    return counts


def script_env(database_url, **extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKUP_")}
    env.update(DATABASE_URL=database_url, **extra)
    return env


def dumps(directory):
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(".dump"))


@pytest.fixture(scope="module")
def source_database():
    """A migrated database with the reference data and one staff account."""
    servers.require_local_postgres()
    with servers.throwaway_database("ht_backup_src") as database_url:
        env = servers.production_env(database_url)
        servers.manage(env, "migrate", "--no-input")
        servers.manage(env, "load_reference")
        env["DJANGO_SUPERUSER_PASSWORD"] = "a-long-test-only-password"  # noqa: S105
        servers.manage(
            env, "createsuperuser", "--no-input", "--username=editor", "--email=e@example.org"
        )
        yield database_url


def test_a_backup_restores_into_a_new_database_with_every_row(source_database, tmp_path):
    backups = tmp_path / "backups"
    servers.run("sh", BACKUP, env=script_env(source_database, BACKUP_DIR=str(backups)))
    [dump] = dumps(backups)
    assert re.fullmatch(r"healing_together-\d{8}T\d{6}Z\.dump", dump), dump
    mode = stat.S_IMODE((backups / dump).stat().st_mode)
    assert mode == 0o600, f"a dump holds personal data; it is {oct(mode)}"
    assert not [path for path in backups.iterdir() if path.name.startswith(".")]
    # Custom format: pg_restore can read its table of contents.
    listing = servers.run("pg_restore", "--list", backups / dump).stdout
    assert "TABLE DATA public directory_postalcode" in listing

    expected = row_counts(source_database)
    assert expected["directory_municipality"] > 500  # Belgium has 565 municipalities
    assert expected["auth_user"] == 1
    with servers.throwaway_database("ht_backup_dst") as target:
        result = servers.run("sh", RESTORE, backups / dump, env=script_env(target))
        assert "restored into" in result.stdout
        assert row_counts(target) == expected
        # The restored database is complete for this code: no migration is missing.
        servers.manage(servers.production_env(target), "migrate", "--check")

        # Restoring over data is refused without --clean, and replaces it with --clean.
        refused = servers.run("sh", RESTORE, backups / dump, env=script_env(target), check=False)
        assert refused.returncode != 0
        assert "already has" in refused.stderr
        sql(target, "DELETE FROM directory_helpline")
        servers.run("sh", RESTORE, "--clean", backups / dump, env=script_env(target))
        assert row_counts(target) == expected


def test_rotation_keeps_the_newest_dumps_and_nothing_else_is_touched(source_database, tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    older = ["healing_together-20240101T020000Z.dump", "healing_together-20240102T020000Z.dump"]
    for name in [*older, "notes.txt", "other-20240101T020000Z.dump"]:
        (backups / name).write_text("not a dump")
    env = script_env(source_database, BACKUP_DIR=str(backups), BACKUP_KEEP="2")
    result = servers.run("sh", BACKUP, env=env)
    kept = dumps(backups)
    assert "healing_together-20240101T020000Z.dump" not in kept
    assert "healing_together-20240102T020000Z.dump" in kept
    assert len([name for name in kept if name.startswith("healing_together-")]) == 2
    assert "other-20240101T020000Z.dump" in kept
    assert (backups / "notes.txt").exists()
    assert "removed" in result.stdout


def test_a_failed_backup_exits_non_zero_and_leaves_no_file(tmp_path):
    backups = tmp_path / "backups"
    unreachable = f"postgres://postgres@127.0.0.1:{servers.free_port()}/nothing"
    result = servers.run(
        "sh",
        BACKUP,
        env=script_env(unreachable, BACKUP_DIR=str(backups), PGCONNECT_TIMEOUT="3"),
        check=False,
    )
    assert result.returncode != 0
    assert list(backups.iterdir()) == []


@pytest.mark.parametrize("keep", ["0", "two", "-1"])
def test_a_bad_keep_count_is_refused_before_dumping(tmp_path, keep):
    backups = tmp_path / "backups"
    env = script_env("postgres://unused/x", BACKUP_DIR=str(backups), BACKUP_KEEP=keep)
    result = servers.run("sh", BACKUP, env=env, check=False)
    assert result.returncode == 2
    assert "BACKUP_KEEP" in result.stderr
    assert not backups.exists()


def test_restore_needs_a_readable_dump(tmp_path):
    result = servers.run(
        "sh", RESTORE, tmp_path / "missing.dump", env=script_env("postgres://unused/x"), check=False
    )
    assert result.returncode == 1
    assert "cannot read" in result.stderr
    usage = servers.run("sh", RESTORE, env=script_env("postgres://unused/x"), check=False)
    assert usage.returncode == 2
