#!/usr/bin/env bash
# Run the app server with background job workers beside it (docs/deployment.md, "Background jobs"):
#
#   scripts/with-workers.sh COMMAND...   SENDPLAN_JOB_WORKERS workers (default 1), then COMMAND in the foreground
#   scripts/with-workers.sh              the workers alone (a machine that only runs jobs)
#
# The workers (`manage.py db_worker`) take report renders, large imports and the daily reminders from the queue in
# the database. When any of the processes ends, or on Ctrl+C or SIGTERM, the others are sent SIGTERM: a worker
# finishes the job in hand first. The exit status is the first process's to end, so a supervisor (systemd, the
# platform) restarts the whole set.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
workers=${SENDPLAN_JOB_WORKERS:-1}
[[ $workers =~ ^[0-9]+$ ]] || { echo "with-workers: SENDPLAN_JOB_WORKERS must be a number, not $workers" >&2; exit 2; }
[ $# -gt 0 ] || [ "$workers" -gt 0 ] || { echo "with-workers: SENDPLAN_JOB_WORKERS=0 and nothing else to run" >&2; exit 2; }

pids=()
stop() {
  trap - INT TERM
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

# Queue the next daily reminder run if none is (and today's, if its time passed while nothing was running).
"$PY" manage.py schedule_reminders || exit $?
for _ in $(seq 1 "$workers"); do
  "$PY" manage.py db_worker &
  pids+=($!)
done
echo "with-workers: $workers background job worker(s) started"
if [ $# -gt 0 ]; then
  "$@" &
  pids+=($!)
fi
wait -n "${pids[@]}"
status=$?
stop
exit "$status"
