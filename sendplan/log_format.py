"""One log line per record, in UTC, as key=value pairs a person can read and a log shipper can parse, or, with
LOG_FORMAT=json, as one JSON object per line for a platform that reads JSON (Azure Monitor, CloudWatch, Elastic...).

    2026-03-10T14:02:11.532Z level=WARNING logger=django.request request_id=3f2a9c message="Not Found: /x"
    {"time": "2026-03-10T14:02:11.532Z", "level": "WARNING", "logger": "django.request", "request_id": "3f2a9c", ...}

Fields, the same in both: the time (ISO 8601, UTC, "Z"), level, logger, request id (see sendplan/request_id.py),
message, then every `extra` field the call site passed, sorted by name. Nothing personal is added here (no IP
address, no user name): a call site that needs to say who passes a user id in `extra`. A traceback follows a
key=value line on the lines after it; in JSON it is the record's `exception` field, so a record stays one line.
"""

import json
import logging
import math
import os
import time

from django.core.exceptions import ImproperlyConfigured

from sendplan.request_id import NO_REQUEST

# LOG_FORMAT's values; the first is the default.
FORMATS = ("keyvalue", "json")

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "taskName"}
# Extras Django passes that are objects, not facts: the request (its repr holds the path, already in the message)
# and the dev server's local-time stamp.
_SKIPPED = {"request", "server_time"}
# The fields every line starts with, and JSON's traceback fields: an `extra` of the same name is renamed (extra_...)
# rather than allowed to replace one.
_RESERVED = {"time", "level", "logger", "request_id", "message", "exception", "stack"}
# Characters json.dumps leaves as they are that some readers (Python's splitlines, some shippers) take as line
# breaks: escaped, so a value can never split its record over two lines.
_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def log_format_from_env() -> str:
    """LOG_FORMAT, read by the settings' LOGGING and by gunicorn's config (sendplan/gunicorn.conf.py)."""
    raw = os.environ.get("LOG_FORMAT", "")
    value = raw.strip().lower() or FORMATS[0]
    if value not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be keyvalue or json, not {raw!r}")
    return value


def _json_text(value) -> str:
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    for character, escaped in _LINE_BREAKS.items():
        text = text.replace(character, escaped)
    return text


def _value(value) -> str:
    text = str(value)
    if text and all(ch.isalnum() or ch in "._-:/+@" for ch in text):
        return text
    # Quoted and escaped, so a value with spaces, quotes or line breaks cannot forge another field or line.
    return _json_text(text)


def _json_value(value):
    # Numbers stay numbers, so a platform can sum and compare them (duration_ms, counts); anything else is the text
    # the key=value line shows.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)


def key_value_line(fields: dict) -> str:
    """The fields (time first) as one key=value line. gunicorn's access lines are written with it too."""
    time_field, *rest = fields.items()
    return " ".join([str(time_field[1]), *(f"{key}={_value(value)}" for key, value in rest)])


def json_line(fields: dict) -> str:
    """The same fields as one JSON object on one line."""
    return _json_text({key: _json_value(value) for key, value in fields.items()})


class _RecordFields(logging.Formatter):
    converter = time.gmtime

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return time.strftime("%Y-%m-%dT%H:%M:%S", self.converter(record.created)) + f".{int(record.msecs):03d}Z"

    def fields(self, record: logging.LogRecord) -> dict:
        """The record's fields in order, before either format writes them."""
        fields = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        extras = {k: v for k, v in vars(record).items() if k not in _STANDARD and k not in _SKIPPED}
        for key, value in sorted(extras.items()):
            fields[f"extra_{key}" if key in _RESERVED else key] = value
        return fields


class KeyValueFormatter(_RecordFields):
    def format(self, record: logging.LogRecord) -> str:
        # The time leads the line without a name, as most log viewers expect.
        line = key_value_line(self.fields(record))
        # A traceback goes to the log (never to the page), on the lines after the record.
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


class JsonFormatter(_RecordFields):
    def format(self, record: logging.LogRecord) -> str:
        fields = self.fields(record)
        # Inside the object, not after it: a platform reading one object per line keeps the traceback with its record.
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            fields["stack"] = self.formatStack(record.stack_info)
        return json_line(fields)
