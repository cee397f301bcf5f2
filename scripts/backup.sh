#!/usr/bin/env bash
# Back up sendplan's database: everything, the published reports' PDF files included (they live in the database).
#
#   DATABASE_URL=postgresql://... scripts/backup.sh FILE
#
# FILE is pg_dump's custom format: compressed, restored with scripts/restore.sh (pg_restore). The dump is one
# consistent snapshot taken while the app keeps running. It is written beside FILE first and moved into place
# only when complete, so a failed run never leaves something that looks like a backup. See docs/deployment.md.
set -euo pipefail
source "$(dirname "$0")/pg-tools.sh"

[ $# -eq 1 ] && [ -n "$1" ] || fail "usage: DATABASE_URL=postgresql://... $0 FILE"
require_postgres_url
out=$1
[ -d "$(dirname "$out")" ] || fail "no directory $(dirname "$out") for the backup file"
PG_DUMP=$(pg_tool pg_dump)

partial="$out.partial"
trap 'rm -f "$partial"' EXIT
"$PG_DUMP" --format=custom --file="$partial" --dbname="$DATABASE_URL"
mv "$partial" "$out"
trap - EXIT
echo "Backed up to $out ($(wc -c <"$out") bytes)."
