#!/usr/bin/env bash
# Back up the portal's PostgreSQL database to one file (pg_dump's custom format: compressed, restorable table by table).
#
#   bash scripts/backup_db.sh "$DATABASE_URL" /backups/portal-$(date +%F).dump
#
# Run it from cron or a systemd timer; keep the files off the database's machine. Uploaded files
# (PORTAL_MEDIA_ROOT) are backed up separately, with the same schedule (rsync or the volume's snapshots).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DATABASE_URL FILE" >&2; exit 2; }
url=$1 file=$2
tmp="$file.partial"
pg_dump --format=custom --no-owner --no-privileges --file="$tmp" "$url"
mv "$tmp" "$file"  # a file under its final name is always a whole backup
echo "backed up to $file ($(du -h "$file" | cut -f1))" >&2
