"""gunicorn settings for sendplan's app servers (`make serve`, scripts/serve.sh, docs/deployment.md).

Each value can be overridden per server without editing this file: `BIND` and `WEB_CONCURRENCY` here, anything
else with gunicorn's own GUNICORN_CMD_ARGS (e.g. GUNICORN_CMD_ARGS="--timeout 180") or command-line options.
"""

import os
from datetime import UTC, datetime

from gunicorn import glogging

wsgi_app = "sendplan.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
# Sync workers: one request at a time each. Nothing slow happens in a request: PDFs, large imports and reminders
# are background jobs, run by `manage.py db_worker` processes beside gunicorn (scripts/with-workers.sh).
# WEB_CONCURRENCY is the variable gunicorn and most platforms use; docs/deployment.md says how to size it.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# The slowest request left is a small import checked in the request (under SENDPLAN_IMPORT_BACKGROUND_ROWS rows, a
# second or two) or a large page on a busy server: 60 s still recycles a worker that is truly stuck.
timeout = 60
# On a restart (deploy, SIGTERM) a worker gets this long to finish its request.
graceful_timeout = 30
# WeasyPrint's fonts and layout caches grow a worker's memory; replacing each worker now and then bounds it.
# The jitter keeps the workers from restarting at the same moment.
max_requests = 1000
max_requests_jitter = 100
# No runtime control socket (recent gunicorn): nothing here uses it, and app servers sharing a host would share its
# default path in the home directory.
control_socket_disable = True


class UtcLogger(glogging.Logger):
    """Access lines stamped in UTC like the app's own log lines (sendplan/log_format.py)."""

    def now(self):
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


logger_class = UtcLogger
# Both logs on the process's output, where the platform collects them. One key=value line per request, with the
# request id the app put on the response (sendplan/request_id.py) so a line leads to the request's app logs.
accesslog = "-"
errorlog = "-"
access_log_format = (
    "%(t)s level=INFO logger=gunicorn.access request_id=%({x-request-id}o)s "
    'method=%(m)s path="%(U)s" status=%(s)s duration_ms=%(M)s'
)
