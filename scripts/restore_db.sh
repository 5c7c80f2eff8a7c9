#!/usr/bin/env bash
# Restore a backup made by scripts/backup_db.sh into an EMPTY database, then check its migrations.
#
#   createdb portal_restored
#   bash scripts/restore_db.sh /backups/portal-2026-12-07.dump postgres://portal@db/portal_restored
#
# It refuses a database that already has the portal's tables (restore into a new one, check it,
# then point DATABASE_URL at it). Stop the web, worker and beat first if you restore in place of
# the live database, so that nothing writes between the backup and the switch.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 FILE DATABASE_URL" >&2; exit 2; }
file=$1 url=$2
if [ "$(psql "$url" -tAc "select to_regclass('public.django_migrations') is not null")" = "t" ]; then
  echo "$url already has the portal's tables: restore into an empty database" >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
here=$(cd "$(dirname "$0")/.." && pwd)
DATABASE_URL=$url "${PYTHON:-$here/.venv/bin/python}" "$here/manage.py" migrate --check >/dev/null \
  || { echo "restored, but migrations are missing: run manage.py migrate with this DATABASE_URL" >&2; exit 1; }
echo "restored $file into the database; its migrations are up to date" >&2
