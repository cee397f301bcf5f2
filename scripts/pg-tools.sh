# Sourced by scripts/backup.sh and scripts/restore.sh: checks DATABASE_URL and finds the PostgreSQL client tools.
# pg_dump must be at least as new as the server: PATH's first (Debian's wrapper picks the newest installed), else
# the newest under /usr/lib/postgresql, as scripts/with-postgres.sh finds the server.

fail() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

require_postgres_url() {
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    "") fail "set DATABASE_URL to the PostgreSQL database, e.g. DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/sendplan" ;;
    # Only the scheme is echoed: the rest of the URL may hold a password.
    *) fail "DATABASE_URL must be a PostgreSQL URL (postgresql://...), not ${DATABASE_URL%%:*}" ;;
  esac
}

pg_tool() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then
    command -v "$name"
    return
  fi
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && [ -x "$dir/$name" ] || fail "$name not found: install the PostgreSQL client (apt-get install postgresql-client)"
  echo "$dir/$name"
}
