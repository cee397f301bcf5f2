"""One log line per record, in UTC, as key=value pairs a person can read and a log shipper can parse.

    2026-03-10T14:02:11.532Z level=WARNING logger=django.request request_id=3f2a9c message="Not Found: /x"

Fields: the time (ISO 8601, UTC, "Z"), level, logger, request id (see sendplan/request_id.py), message, then every
`extra` field the call site passed, sorted by name. Nothing personal is added here (no IP address, no user name):
a call site that needs to say who passes a user id in `extra`.
"""

import json
import logging
import time

from sendplan.request_id import NO_REQUEST

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "taskName"}
# Extras Django passes that are objects, not facts: the request (its repr holds the path, already in the message)
# and the dev server's local-time stamp.
_SKIPPED = {"request", "server_time"}


def _value(value) -> str:
    text = str(value)
    if text and all(ch.isalnum() or ch in "._-:/+@" for ch in text):
        return text
    # Quoted and escaped, so a value with spaces, quotes or line breaks cannot forge another field or line.
    return json.dumps(text, ensure_ascii=False)


class KeyValueFormatter(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        fields = [
            self.formatTime(record),
            f"level={record.levelname}",
            f"logger={record.name}",
            f"request_id={_value(getattr(record, 'request_id', NO_REQUEST))}",
            f"message={_value(record.getMessage())}",
        ]
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and k not in _SKIPPED}
        fields += [f"{key}={_value(value)}" for key, value in sorted(extras.items())]
        line = " ".join(fields)
        # A traceback goes to the log (never to the page), on the lines after the record.
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line
