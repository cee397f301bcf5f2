"""What the timeout warning (static/js/app.js) needs to know, for the base template's body attributes."""

from __future__ import annotations

import time

from django.conf import settings

from accounts.sessions import seconds_left


def session_timeout(request):
    """The seconds the signed-in session has left when the page is made, and how early to warn. Relative seconds,
    not a time of day: the browser's clock may not agree with the server's."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "session_timeout": {
            "seconds_left": seconds_left(request.session, now=time.time()),
            "warning_seconds": settings.SESSION_WARNING_SECONDS,
        }
    }
