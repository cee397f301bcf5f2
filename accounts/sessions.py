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


def expiry_message(reason: str) -> str:
    if reason == IDLE:
        minutes = settings.SESSION_IDLE_MINUTES
        return f"You were signed out after {minutes} minutes without activity. Sign in again to carry on."
    hours = settings.SESSION_MAX_HOURS
    return f"You were signed out because you signed in more than {hours} hours ago. Sign in again to carry on."
