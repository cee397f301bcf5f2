"""Parts of pages that readers share, cached until the data under them changes.

Keyed on actions.data_version's token, which changes in the same instant as any committed write to plan data: a
cached part is never older than the data, so there is nothing to invalidate and no write path that could forget to.
Where there is no token (SQLite), nothing is cached.

Two levels: each app process's own memory ("pages" in settings.CACHES) in front of a table in the app's database
("pages_shared", Django's database cache) that every app process and worker, on every machine, reads and writes. A
part built once is then read by all of them (one query), and a background job can build a part before anyone asks
for it: after each write that changes the token, the warmers in settings.SENDPLAN_PAGE_WARMERS (the board
dashboards) are queued with the new token, so the first board member to open the dashboard after an update finds it
built (docs/decisions/0016-pages-near-the-floor.md).
"""

from __future__ import annotations

import contextvars
import hashlib
import logging
import zlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString, mark_safe

from actions.data_version import current_token
from actions.models import Plan

logger = logging.getLogger(__name__)

_UNREAD, _OUTSIDE = object(), object()
# The token as read once for the GET request being answered (a page has several cached parts); unset outside one.
_request_token: contextvars.ContextVar = contextvars.ContextVar("sendplan_page_token")


class PageTokenMiddleware:
    """Reads the data-version token at most once per GET (or HEAD) request, for all of the page's cached parts:
    they then agree on one moment of the data. Not for other methods: a POST writes, and what it shows after
    writing must read the new token. After a request that changed the data (any method but GET and HEAD), queues the
    page warmers for the new token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("GET", "HEAD"):
            reset = _request_token.set(_UNREAD)
            try:
                return self.get_response(request)
            finally:
                _request_token.reset(reset)
        if not settings.SENDPLAN_PAGE_WARMERS:
            return self.get_response(request)
        before = current_token()
        response = self.get_response(request)
        warm_if_changed(before)
        return response


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
    (everything besides the data that the HTML depends on: the filters, the reader's rights, and today's date where
    "overdue" or "due soon" depend on it). Nothing from the request may be in the HTML beyond what `vary_on` names."""
    token = _token()
    if token is None:
        return mark_safe(render())
    parts = "\x1f".join(str(part) for part in (name, token, *vary_on))
    key = f"{name}:{hashlib.sha256(parts.encode()).hexdigest()}"
    local, shared = caches["pages"], caches["pages_shared"]
    html = local.get(key)
    if html is None:
        packed = shared.get(key)
        if packed is None:
            html = render()
            shared.set(key, _pack(html))
        else:
            html = _unpack(packed)
        local.set(key, html)
    return mark_safe(html)


# Parts go into the shared table compressed: the scorecard's part is half a megabyte of HTML (60 trend charts with
# their data tables), which the database cache would store as base64 text of its pickle and every app process would
# fetch, decode and unpickle on its first view after a change. Compressed it is a tenth of that, and zlib takes
# under a millisecond to unpack it. Level 1: the worker that builds it packs it once, and more effort gains little.
def _pack(html: str) -> bytes:
    return zlib.compress(html.encode(), 1)


def _unpack(packed) -> str:
    if isinstance(packed, str):  # a part stored before parts were compressed, until it expires
        return packed
    return zlib.decompress(packed).decode()


def warm_if_changed(before: str | None) -> None:
    """Queue the page warmers if the data changed since the token was `before` (read before the writing began)."""
    after = current_token()
    if after is None or after == before:
        return
    for path in settings.SENDPLAN_PAGE_WARMERS:
        try:
            import_string(path).enqueue(after)
        except Exception:
            # A page built in the request instead is slower, not wrong: never fail the write that asked for it.
            logger.exception("page_warmer_not_queued warmer=%s", path)


def token_is(token: str) -> bool:
    """Whether `token` is still the current one: a warmer whose token has moved on leaves the work to the next."""
    return current_token() == token


def build_for_each_plan(token: str, what: str, build: Callable) -> str:
    """A page warmer's work: `build(plan)` for every plan, into the shared cache, while the data is still as it was
    at `token`. If it changes meanwhile, the warmer queued for that change builds them instead: this one stops."""
    built = 0
    for plan in Plan.objects.order_by("pk"):
        if not token_is(token):
            logger.info("%s_not_warmed reason=changed_since built=%d", what, built)
            return f"built {built}; the data changed again, left to the next"
        build(plan)
        built += 1
    logger.info("%s_warmed plans=%d", what, built)
    return f"built {built}"
