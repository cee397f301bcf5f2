"""gunicorn settings for sendplan's app servers (`make serve`, scripts/serve.sh, docs/deployment.md).

Each value can be overridden per server without editing this file: `BIND` and `WEB_CONCURRENCY` here, anything
else with gunicorn's own GUNICORN_CMD_ARGS (e.g. GUNICORN_CMD_ARGS="--timeout 180") or command-line options.
"""

import os
from datetime import UTC, datetime

from gunicorn import glogging

from sendplan.log_format import JsonFormatter, KeyValueFormatter, json_line, key_value_line, log_format_from_env

# LOG_FORMAT, as the app's own log lines follow it (sendplan/settings.py): keyvalue (the default) or json.
LOG_FORMAT = log_format_from_env()

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
    """Lines in the app's own format (sendplan/log_format.py): stamped in UTC, key=value or JSON per LOG_FORMAT."""

    def now(self):
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn's own lines (starting, a worker booting or timing out) as the app's, not in gunicorn's format.
        formatter = JsonFormatter() if LOG_FORMAT == "json" else KeyValueFormatter()
        for handler in self.error_log.handlers:
            if getattr(handler, "_gunicorn", False):
                handler.setFormatter(formatter)

    def access(self, resp, req, environ, request_time):
        # Older gunicorn has no access_log_enabled; this config always sets accesslog.
        if not getattr(self, "access_log_enabled", True):
            return
        # Written here rather than by gunicorn's access_log_format, which escapes only double quotes: a path with a
        # line break in it would forge a second line.
        atoms = self.atoms(resp, req, environ, request_time)
        status = str(atoms["s"])
        fields = {
            "time": atoms["t"],
            "level": "INFO",
            "logger": "gunicorn.access",
            "request_id": atoms.get("{x-request-id}o") or "-",
            "method": atoms["m"],
            "path": atoms["U"],
            "status": int(status) if status.isdigit() else status,
            "duration_ms": atoms["M"],
        }
        try:
            self.access_log.info("%s", json_line(fields) if LOG_FORMAT == "json" else key_value_line(fields))
        except Exception:  # as gunicorn's own access(): a log line that fails must not fail the request
            self.exception("access log line failed")


logger_class = UtcLogger
# Both logs on the process's output, where the platform collects them. One line per request (UtcLogger.access: time,
# level, logger, request_id, method, path, status, duration_ms), with the request id the app put on the response
# (sendplan/request_id.py) so a line leads to the request's app logs.
accesslog = "-"
errorlog = "-"
