#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database, then check it: see docs/deployment.md.
#
#   createdb sendplan_restored
#   DATABASE_URL=postgresql://.../sendplan_restored scripts/restore.sh FILE
#   DATABASE_URL=postgresql://.../sendplan_restored .venv/bin/python manage.py verify_published
#
# It refuses a database that already has tables: a restore never mixes with or overwrites live data. Objects are
# created owned by the role in DATABASE_URL (--no-owner, no grants), so the new server's role need not match the
# old one's. All or nothing: one transaction, stopped at the first error.
set -euo pipefail
source "$(dirname "$0")/pg-tools.sh"

[ $# -eq 1 ] && [ -n "$1" ] || fail "usage: DATABASE_URL=postgresql://.../EMPTY_DATABASE $0 FILE"
require_postgres_url
backup=$1
[ -f "$backup" ] && [ -r "$backup" ] || fail "no backup file $backup"
PG_RESTORE=$(pg_tool pg_restore)
PSQL=$(pg_tool psql)

"$PG_RESTORE" --list "$backup" >/dev/null 2>&1 || fail "$backup is not a pg_dump custom-format backup (scripts/backup.sh makes one)"
tables=$("$PSQL" --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" --command \
  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
[ "$tables" = 0 ] || fail "the database in DATABASE_URL already has $tables tables: restore only into a new, empty database (createdb)"

"$PG_RESTORE" --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$backup"
echo "Restored $backup. Check it: manage.py verify_published"
