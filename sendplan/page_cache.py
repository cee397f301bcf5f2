"""Parts of pages that are the same for every reader, cached until the data under them changes.

Keyed on actions.data_version's token, which changes in the same instant as any committed write to plan data: a
cached part is never older than the data, so there is nothing to invalidate and no write path that could forget to.
The cache ("pages" in settings.CACHES) is each app process's own memory: nothing is shared between app servers, and
one that has not seen a part yet builds it. Where there is no token (SQLite), nothing is cached.
"""

from __future__ import annotations

import contextvars
import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from actions.data_version import current_token

_UNREAD, _OUTSIDE = object(), object()
# The token as read once for the GET request being answered (a page has several cached parts); unset outside one.
_request_token: contextvars.ContextVar = contextvars.ContextVar("sendplan_page_token")


class PageTokenMiddleware:
    """Reads the data-version token at most once per GET (or HEAD) request, for all of the page's cached parts:
    they then agree on one moment of the data. Not for other methods: a POST writes, and what it shows after
    writing must read the new token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        reset = _request_token.set(_UNREAD)
        try:
            return self.get_response(request)
        finally:
            _request_token.reset(reset)


def _token() -> str | None:
    token = _request_token.get(_OUTSIDE)
    if token is _OUTSIDE:  # not in a GET request
        return current_token()
    if token is _UNREAD:
        token = current_token()
        _request_token.set(token)
    return token


def cached_html(name: str, vary_on: tuple, render: Callable[[], str]) -> SafeString:
    """`render()`'s HTML, from the cache while the data has not changed since it was built for the same `vary_on`
    (everything besides the data that the HTML depends on: the filters, and today's date where "overdue" or "due
    soon" depend on it). The HTML must be the same for everyone who may see the page: nothing from the request."""
    token = _token()
    if token is None:
        return mark_safe(render())
    parts = "\x1f".join(str(part) for part in (name, token, *vary_on))
    key = f"{name}:{hashlib.sha256(parts.encode()).hexdigest()}"
    cache = caches["pages"]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html)
    return mark_safe(html)
