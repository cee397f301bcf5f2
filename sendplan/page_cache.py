"""Parts of pages that are the same for every reader, cached until the data under them changes.

Keyed on actions.data_version's token, which changes in the same instant as any committed write to plan data: a
cached part is never older than the data, so there is nothing to invalidate and no write path that could forget to.
The cache ("pages" in settings.CACHES) is each app process's own memory: nothing is shared between app servers, and
one that has not seen a part yet builds it. Where there is no token (SQLite), nothing is cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.utils.safestring import SafeString, mark_safe

from actions.data_version import current_token


def cached_html(name: str, vary_on: tuple, render: Callable[[], str]) -> SafeString:
    """`render()`'s HTML, from the cache while the data has not changed since it was built for the same `vary_on`
    (everything besides the data that the HTML depends on: the filters, and today's date where "overdue" or "due
    soon" depend on it). The HTML must be the same for everyone who may see the page: nothing from the request."""
    token = current_token()
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
