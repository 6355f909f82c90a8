#!/bin/sh
# Restore a dump made by deploy/backup.sh into the database named by DATABASE_URL.
#
#   DATABASE_URL=postgres://user:password@db:5432/healing_together_restored deploy/restore.sh FILE.dump
#   DATABASE_URL=… deploy/restore.sh --clean FILE.dump
#
# Without --clean the target database must be empty: create a new one, restore into it, check it,
# then point the app at it (the safe way; see docs/deploy.md). With --clean the objects in the
# dump are dropped and recreated in the target first, replacing what is there.
#
# The restore runs in one transaction and stops at the first error: it either restores
# everything or changes nothing. Ownership and grants are not restored, so any role that may
# create tables in the target database can restore into it.
set -eu

usage() {
    echo "usage: DATABASE_URL=postgres://… $0 [--clean] FILE.dump" >&2
    exit 2
}

clean=0
if [ "${1:-}" = "--clean" ]; then
    clean=1
    shift
fi
[ $# -eq 1 ] || usage
dump=$1
: "${DATABASE_URL:?DATABASE_URL must be set to the database to restore into}"

if [ ! -r "$dump" ]; then
    echo "restore: cannot read $dump" >&2
    exit 1
fi
pg_restore --list "$dump" >/dev/null

if [ "$clean" -eq 0 ]; then
    tables=$(psql "$DATABASE_URL" -X -tAc \
        "select count(*) from pg_tables where schemaname not in ('pg_catalog', 'information_schema')")
    if [ "$tables" != 0 ]; then
        echo "restore: the target database already has $tables tables. Restore into a new, empty" \
            "database, or pass --clean to replace what is there." >&2
        exit 1
    fi
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
        --dbname="$DATABASE_URL" "$dump"
else
    pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error \
        --single-transaction --dbname="$DATABASE_URL" "$dump"
fi

echo "restore: $dump restored into $(psql "$DATABASE_URL" -X -tAc 'select current_database()')"
