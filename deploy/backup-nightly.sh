#!/bin/sh
# The `backup` service of compose.yaml: runs deploy/backup.sh every night at BACKUP_AT (HH:MM,
# UTC; default 02:30). A failed night is logged and retried the next night; the container keeps
# running. Outside compose, call deploy/backup.sh from cron or a scheduled job instead.
set -u

at=${BACKUP_AT:-02:30}
if ! date -u -d "today $at" +%s >/dev/null 2>&1; then
    echo "backup-nightly: BACKUP_AT must be a time of day (HH:MM), not '$at'" >&2
    exit 2
fi

while :; do
    now=$(date -u +%s)
    next=$(date -u -d "today $at" +%s)
    if [ "$next" -le "$now" ]; then
        next=$(date -u -d "tomorrow $at" +%s)
    fi
    echo "backup-nightly: next backup at $(date -u -d "@$next" '+%Y-%m-%d %H:%M UTC')"
    sleep $((next - now))
    sh "$(dirname "$0")/backup.sh" || echo "backup-nightly: the backup failed (see above)" >&2
done
