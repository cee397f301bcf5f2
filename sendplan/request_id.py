"""A request id on every request, response and log line, so a support call ("quote reference ...") finds its logs.

The middleware runs first. It keeps an id the load balancer or proxy already gave the request (X-Request-ID), when it
looks like an id, so one request can be followed through every tier; anything else (too long, spaces, markup, line
breaks that would forge log lines) is replaced by a fresh uuid4. The id is on `request.request_id`, in a contextvar
that `RequestIdFilter` puts on every log record, and in the X-Request-ID response header.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
_SAFE = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Log records written outside a request (management commands, start-up) carry this instead.
NO_REQUEST = "-"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_REQUEST)


def current_request_id() -> str:
    return _current.get()


def request_id_from(incoming: str | None) -> str:
    """The incoming id when it is safe to log and echo back, else a new one."""
    if incoming and _SAFE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _request_over(**kwargs) -> None:
    _current.set(NO_REQUEST)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The id stays set until the response is closed, not just until this middleware returns: Django logs a
        # 4xx response ("Not Found: /x") after the whole middleware chain has run.
        request_finished.connect(_request_over, dispatch_uid="sendplan.request_id")

    def __call__(self, request):
        request_id = request_id_from(request.META.get(_META_KEY))
        request.request_id = request_id
        _current.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on the record (keeping one a call site passed in `extra`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return True
