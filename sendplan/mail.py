"""Every email the app sends goes through `send()`, whichever channel the instance uses (SENDPLAN_EMAIL_CHANNEL).

Call sites give both shapes of a message: the `subject`, `body` (and optional `html`) that Django's mail backends
send (console, smtp), and the `personalisation` that a GOV.UK Notify template of the same `kind` is filled with
(notify). So a call site never knows the channel, and changing channel needs no code (docs/deployment.md lists
the Notify templates and their fields).

A failed send raises EmailNotSent, whatever the channel's own error was (an SMTP refusal, a Notify HTTP error or
timeout), with that error's message: callers keep nothing of the send and say so (reminders are retried on the
next run, an invitation is refused, a password reset is logged).
"""

from __future__ import annotations

import enum
import logging
import re
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives

logger = logging.getLogger(__name__)


class Kind(enum.StrEnum):
    """What a message is: each kind is one Notify template (NOTIFY_TEMPLATE_<KIND>)."""

    BOARD_PACK = "board_pack"
    DIGEST = "digest"
    ESCALATION = "escalation"
    INVITE = "invite"
    PASSWORD_RESET = "password_reset"


# The channels SENDPLAN_EMAIL_CHANNEL may name. console and smtp both send through Django's EMAIL_BACKEND (they
# differ only in its default: sendplan/settings.py).
CHANNELS = ("console", "smtp", "notify")
DEFAULT_NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"
# A Notify API key is "{key name}-{service id}-{secret}", the last two UUIDs (the key name may contain dashes).
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
NOTIFY_API_KEY_FORMAT = re.compile(rf".+-{_UUID}-{_UUID}", re.IGNORECASE)
NOTIFY_TEMPLATE_ID_FORMAT = re.compile(_UUID, re.IGNORECASE)


class EmailNotSent(Exception):
    """The channel did not take the message. str() is the channel's own reason, for logs and command output."""


def template_setting(kind: Kind) -> str:
    return f"NOTIFY_TEMPLATE_{kind.name}"


def notify_settings_errors(*, api_key: str, templates: dict[str, str]) -> list[str]:
    """What is wrong with the Notify settings, in words an operator can act on (empty when they are usable).
    sendplan/settings.py refuses to start with any: a reminder run would otherwise fail every email, hours later."""
    errors = []
    if not api_key:
        errors.append("SENDPLAN_EMAIL_CHANNEL=notify needs NOTIFY_API_KEY (an API key from your Notify service)")
    elif not NOTIFY_API_KEY_FORMAT.fullmatch(api_key):
        errors.append("NOTIFY_API_KEY is not a Notify API key: it looks like {key name}-{service id}-{secret}")
    for kind in Kind:
        name = template_setting(kind)
        value = templates.get(kind.value, "")
        if not value:
            errors.append(f"SENDPLAN_EMAIL_CHANNEL=notify needs {name} (the id of the {kind.value} template)")
        elif not NOTIFY_TEMPLATE_ID_FORMAT.fullmatch(value):
            errors.append(f"{name} is not a Notify template id (a UUID), not {value!r}")
    return errors


def send(kind: Kind, to: str, personalisation: dict[str, str], subject: str, body: str, html: str = "") -> None:
    """Send one message of `kind` to the address `to` on the configured channel; EmailNotSent if it was not taken.
    `personalisation` fills the Notify template; `subject`, `body` and `html` are the message for the other
    channels. The channel is read on each call, so tests (and a settings change) take effect at once."""
    kind = Kind(kind)
    if settings.SENDPLAN_EMAIL_CHANNEL == "notify":
        _send_by_notify(kind, to, personalisation)
    else:
        _send_by_django(to, subject, body, html)


def _send_by_django(to: str, subject: str, body: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to])
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (OSError, smtplib.SMTPException) as error:
        raise EmailNotSent(str(error) or type(error).__name__) from error


def _notify_client():
    # Imported here: only an instance that uses Notify needs the client loaded.
    from notifications_python_client.notifications import NotificationsAPIClient

    if not settings.NOTIFY_API_KEY:
        raise ImproperlyConfigured("SENDPLAN_EMAIL_CHANNEL=notify needs NOTIFY_API_KEY")
    return NotificationsAPIClient(
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=settings.NOTIFY_TIMEOUT_SECONDS
    )


def _send_by_notify(kind: Kind, to: str, personalisation: dict[str, str]) -> None:
    from notifications_python_client.errors import APIError, TokenError

    template_id = settings.NOTIFY_TEMPLATES.get(kind.value)
    if not template_id:
        raise ImproperlyConfigured(f"SENDPLAN_EMAIL_CHANNEL=notify needs {template_setting(kind)}")
    try:
        # Notify fills what the template names and refuses (400) a field the template needs but is not given.
        _notify_client().send_email_notification(
            email_address=to,
            template_id=template_id,
            personalisation={key: str(value) for key, value in personalisation.items()},
        )
    except (APIError, TokenError) as error:
        # The client turns timeouts and refused connections into an HTTPError too (status 503, "Request failed").
        logger.warning("Notify did not take a %s email: %s", kind.value, error)
        reason = getattr(error, "message", "") if isinstance(error, TokenError) else str(error)
        raise EmailNotSent(f"GOV.UK Notify: {reason}") from error


@dataclass
class Message:
    """One email, in both shapes `send()` takes: built by the code that knows what it says, sent on any channel."""

    kind: Kind
    to: str
    personalisation: dict[str, str]
    subject: str
    body: str
    html: str = ""

    def send(self) -> None:
        send(self.kind, self.to, self.personalisation, self.subject, self.body, self.html)
