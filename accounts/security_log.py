"""Security events, one log record each, on the logger "sendplan.security" (docs/security.md).

A record names the event and the user's id, never the username, password, e-mail or IP address: the log is kept
longer and read by more people than the user table, so it holds no personal data beyond the id. The formatter
(sendplan/settings.py LOGGING) adds the UTC time and the request id.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("sendplan.security")

# Events that mean someone was stopped: WARNING, so an alert can watch for them without reading every sign-in.
WARNING_EVENTS = frozenset(
    {
        "locked_out",
        "authorisation_refused",
        "two_factor_failed",
        "password_reset_throttled",
        "password_reset_not_sent",
        "organisation_sign_in_refused",
    }
)
# A call site that passes one of these has a bug: refuse it rather than write personal data to the log.
FORBIDDEN_FIELDS = frozenset({"username", "password", "email", "ip", "ip_address", "remote_addr", "token"})
# Names a LogRecord has already ("created", "name", "module" ...): logging refuses them as extra fields.
RESERVED_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def log_event(event: str, *, user_id: int | None = None, **fields) -> None:
    """Log one security event with the acting user's id (None when there is no account) and its own facts.

    The message is the event name; the facts travel as `extra` so the formatter writes them as fields."""
    refused = FORBIDDEN_FIELDS.intersection(fields)
    if refused:
        raise ValueError(f"Security events carry no personal data: drop {', '.join(sorted(refused))}")
    clashing = RESERVED_FIELDS.intersection(fields)
    if clashing:
        raise ValueError(f"Log records already have {', '.join(sorted(clashing))}: name the field differently")
    level = logging.WARNING if event in WARNING_EVENTS else logging.INFO
    logger.log(level, event, extra={"event": event, "user_id": user_id, **fields})
