"""How long a signed-in session lasts: an idle timeout and an absolute lifetime (docs/security.md).

Both moments are kept in the session as epoch seconds. Last activity is refreshed at most once a minute, so a
session is written once a minute at most rather than on every request; the idle timeout is therefore exact to
within a minute.
"""

from __future__ import annotations

from django.conf import settings

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN_AT = "accounts_last_seen_at"
REFRESH_EVERY_SECONDS = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def session_start(session, *, now: float) -> None:
    """Called at sign-in (Django's login() has already given the session a new key)."""
    session[SIGNED_IN_AT] = session[LAST_SEEN_AT] = int(now)


def session_expiry(session, *, now: float) -> str | None:
    """IDLE or ABSOLUTE if the session has run out, else None.

    A signed-in session without the timestamps (one started before this rule existed) counts as out of time:
    signing in again is cheaper than guessing how old it is."""
    signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        return ABSOLUTE
    if now - signed_in_at >= settings.SESSION_MAX_HOURS * 3600:
        return ABSOLUTE
    if now - last_seen_at >= settings.SESSION_IDLE_MINUTES * 60:
        return IDLE
    return None


def session_touch(session, *, now: float) -> None:
    """Record activity, writing the session only when the last record is a minute old or more."""
    if now - session.get(LAST_SEEN_AT, 0) >= REFRESH_EVERY_SECONDS:
        session[LAST_SEEN_AT] = int(now)


def session_keep_alive(session, *, now: float) -> None:
    """ "Stay signed in" in the timeout warning: activity now, written at once (not once a minute) so the idle timeout
    restarts from this moment, as the dialog's countdown assumes."""
    session[LAST_SEEN_AT] = int(now)


def seconds_left(session, *, now: float) -> int:
    """Seconds until the session runs out, by whichever limit comes first (0 when it has). Counted from the moments
    the server keeps, so a page that did not refresh last activity (it was refreshed under a minute ago) still tells
    the browser the true time left."""
    signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if signed_in_at is None or last_seen_at is None:
        return 0
    ends_at = min(last_seen_at + settings.SESSION_IDLE_MINUTES * 60, signed_in_at + settings.SESSION_MAX_HOURS * 3600)
    return max(0, int(ends_at - now))


def expiry_message(reason: str) -> str:
    if reason == IDLE:
        minutes = settings.SESSION_IDLE_MINUTES
        return f"You were signed out after {minutes} minutes without activity. Sign in again to carry on."
    hours = settings.SESSION_MAX_HOURS
    return f"You were signed out because you signed in more than {hours} hours ago. Sign in again to carry on."
