#!/bin/sh
# One backup of the PostgreSQL database: `pg_dump -Fc` (custom format: compressed, restorable
# table by table with pg_restore), checked, then rotated. Run it nightly (cron, a Kubernetes
# CronJob, or the `backup` service of compose.yaml); restore with deploy/restore.sh.
#
#   DATABASE_URL=postgres://user:password@db:5432/healing_together BACKUP_DIR=/backups deploy/backup.sh
#
# Environment:
#   DATABASE_URL    the database to dump (required; the same URL the app uses)
#   BACKUP_DIR      where dumps are written (default /backups)
#   BACKUP_KEEP     how many dumps to keep, newest first (default 14: two weeks of nights)
#   BACKUP_PREFIX   file name prefix (default healing_together)
#
# A dump is written under a temporary name, read back with `pg_restore --list`, and only then
# renamed to PREFIX-YYYYMMDDTHHMMSSZ.dump: a failed or partial dump never replaces a good one and
# never counts towards BACKUP_KEEP. Dumps hold personal data (subscribers): they are created
# readable by their owner only. Exit status is non-zero on any failure, for the scheduler to
# report.
set -eu

: "${DATABASE_URL:?DATABASE_URL must be set to the database to back up}"
dir=${BACKUP_DIR:-/backups}
keep=${BACKUP_KEEP:-14}
prefix=${BACKUP_PREFIX:-healing_together}

case $keep in
    '' | *[!0-9]* | 0)
        echo "backup: BACKUP_KEEP must be a whole number of at least 1, not '$keep'" >&2
        exit 2
        ;;
esac

umask 077
mkdir -p "$dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$dir/$prefix-$stamp.dump"
partial="$dir/.$prefix-$stamp.dump.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --file="$partial" --dbname="$DATABASE_URL"
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"

# Rotation: only files this script names, newest first (the names sort by time).
find "$dir" -maxdepth 1 -type f -name "$prefix-*.dump" -exec basename {} \; \
    | grep -E "^$prefix-[0-9]{8}T[0-9]{6}Z\.dump$" \
    | sort -r \
    | tail -n +"$((keep + 1))" \
    | while read -r old; do
        rm -f "$dir/$old"
        echo "backup: removed $dir/$old"
    done

echo "backup: wrote $final ($(wc -c <"$final") bytes); keeping the newest $keep"
