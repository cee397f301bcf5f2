#!/usr/bin/env bash
# Run sendplan in production on PostgreSQL (`make serve`, docs/deployment.md): check the settings that have no safe
# default, migrate the database, collect the static files, then run gunicorn (sendplan/gunicorn.conf.py) with the
# background job workers beside it (scripts/with-workers.sh; SENDPLAN_JOB_WORKERS, default 1, 0 for none).
#
#   scripts/serve.sh           check, migrate, collectstatic, serve with workers
#   scripts/serve.sh --worker  check, then run only the job workers (a machine that takes jobs, not web requests)
#   scripts/serve.sh --check   only check the settings (make serve runs this before installing anything)
#
# SENDPLAN_MIGRATE=0 skips the migration, for app servers started after a deploy step that migrated once.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

fail() {
  echo "serve: $*" >&2
  exit 2
}

check() {
  case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) ;;
    "") fail "set DATABASE_URL to the PostgreSQL database, e.g. DATABASE_URL=postgresql://USER:PASSWORD@HOST:5432/sendplan" ;;
    # Only the scheme is echoed: the rest of the URL may hold a password.
    *) fail "DATABASE_URL must be a PostgreSQL URL (postgresql://...), not ${DATABASE_URL%%:*}: SQLite is for make demo only" ;;
  esac
  [ -n "${SECRET_KEY:-}" ] ||
    fail "set SECRET_KEY to a long random string, the same on every app server, e.g. SECRET_KEY=\$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
  case "$(echo "${DJANGO_DEBUG:-}" | tr '[:upper:]' '[:lower:]')" in
    1 | true | yes | on) fail "DJANGO_DEBUG is on: debug pages show settings and code to anyone; unset it to serve" ;;
  esac
  case "${SENDPLAN_MIGRATE:-1}" in
    0 | 1) ;;
    *) fail "SENDPLAN_MIGRATE must be 1 (migrate before serving, the default) or 0 (another step migrates)" ;;
  esac
  [[ ${WEB_CONCURRENCY:-2} =~ ^[1-9][0-9]*$ ]] || fail "WEB_CONCURRENCY must be a number of workers, not ${WEB_CONCURRENCY}"
  [[ ${SENDPLAN_JOB_WORKERS:-1} =~ ^[0-9]+$ ]] ||
    fail "SENDPLAN_JOB_WORKERS must be a number of background job workers (0 for none), not ${SENDPLAN_JOB_WORKERS}"
}

check
[ "${1:-}" = "--check" ] && exit 0
if [ "${1:-}" = "--worker" ]; then
  [ "${SENDPLAN_JOB_WORKERS:-1}" -gt 0 ] || fail "--worker runs job workers only: SENDPLAN_JOB_WORKERS must be 1 or more"
  echo "serve: ${SENDPLAN_JOB_WORKERS:-1} background job worker(s), no web server"
  exec scripts/with-workers.sh
fi
[ $# -eq 0 ] || fail "unknown option $1 (scripts/serve.sh [--check | --worker])"

if [ "${SENDPLAN_MIGRATE:-1}" = 1 ]; then
  "$PY" manage.py migrate --no-input
fi
# Into STATIC_ROOT with hashed names (whitenoise's manifest storage), which whitenoise serves cached for a year.
"$PY" manage.py collectstatic --no-input -v0
echo "serve: gunicorn on ${BIND:-127.0.0.1:8000} with ${WEB_CONCURRENCY:-2} workers, and ${SENDPLAN_JOB_WORKERS:-1} background job worker(s)"
exec scripts/with-workers.sh "$PY" -m gunicorn --config sendplan/gunicorn.conf.py
