"""Forgotten passwords (docs/security.md, "Forgotten passwords"): ask for a link by email address, set a new password
with it.

The link is an invitation's (accounts.invites: link_path, link_user) made by its own token generator, so a reset
link is no invitation and the reverse, and it runs out sooner. Asking says the same whether or not an account has
the address, and nothing is sent to a deactivated account or one that signs in without a password. Requests are
counted per address and per client address over the last hour (the "throttle" cache, a table every app process
shares); past either limit nothing is sent. Each request and each completed reset is in the security log, by id.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import base36_to_int

from accounts.invites import InviteTokenGenerator, email_text, end_sessions, link_path, link_user
from accounts.security_log import log_event
from sendplan.mail import EmailNotSent, Kind, Message

User = get_user_model()
WINDOW_SECONDS = 3600


class ResetTokenGenerator(InviteTokenGenerator):
    """An invitation's token (spent by a new password, a sign-in or deactivation) with its own salt, that also runs
    out after SENDPLAN_PASSWORD_RESET_HOURS: a reset link sits in a mailbox that may not be only its owner's."""

    key_salt = "accounts.password_reset.ResetTokenGenerator"

    def check_token(self, user, token):
        if not super().check_token(user, token):
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - made <= settings.SENDPLAN_PASSWORD_RESET_HOURS * 3600


reset_tokens = ResetTokenGenerator()


def reset_user(uidb64: str, token: str):
    """The account a reset link is for, or None when it is garbled, used, run out or the account is deactivated."""
    return link_user(uidb64, token, reset_tokens)


def _count_request(kind: str, value: str, limit: int) -> bool:
    """Count one request against `value` (an address) and say whether it is within `limit` for the last hour. The
    cache key is a keyed hash: the throttle table holds no email or IP address."""
    cache = caches["throttle"]
    key = f"password-reset:{kind}:{salted_hmac('accounts.password_reset', value.lower()).hexdigest()}"
    now = time.time()
    recent = [at for at in cache.get(key, []) if at > now - WINDOW_SECONDS]
    allowed = len(recent) < limit
    if allowed:  # refused requests are not counted: a flood cannot push the window on for ever
        recent.append(now)
        cache.set(key, recent, WINDOW_SECONDS)
    return allowed


def client_address(request) -> str:
    """The address the request came from. Behind a proxy (SENDPLAN_BEHIND_PROXY) that is the last entry of
    X-Forwarded-For, the one the proxy added; the entries before it are whatever the client sent."""
    if settings.SENDPLAN_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR", "")


@dataclass
class ResetRequest:
    throttled: bool  # the only outcome the person asking is told: never whether an account has the address


def password_reset_request(*, email: str, address: str) -> ResetRequest:
    """Email a reset link to each active account with `email` that signs in with a password, unless the address or
    the client `address` has asked too often in the last hour. A failed send is logged, not shown: showing it would
    say the account exists."""
    email = email.strip()
    # Both limits are checked on every request (not the second only when the first allows), so each counts all the
    # requests it let through, whatever the other said.
    by_email = _count_request("email", email, settings.SENDPLAN_PASSWORD_RESETS_PER_EMAIL)
    by_address = _count_request("address", address, settings.SENDPLAN_PASSWORD_RESETS_PER_ADDRESS)
    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True).order_by("pk")
        if user.has_usable_password()
    ]
    first_id = users[0].pk if users else None
    if not (by_email and by_address):
        log_event("password_reset_throttled", user_id=first_id, by_email=not by_email, by_address=not by_address)
        return ResetRequest(throttled=True)
    emailed = 0
    for user in users:
        try:
            reset_message(user).send()
            emailed += 1
        except EmailNotSent:
            # Not the reason: an SMTP refusal quotes the address. The channel logs what it can (sendplan.mail).
            log_event("password_reset_not_sent", user_id=user.pk)
    log_event("password_reset_requested", user_id=first_id, accounts=len(users), emailed=emailed)
    return ResetRequest(throttled=False)


def reset_message(user) -> Message:
    link = f"{settings.SENDPLAN_SITE_URL}{link_path(user, 'password-reset-confirm', reset_tokens)}"
    again = f"{settings.SENDPLAN_SITE_URL}{reverse('password-reset')}"
    context = {
        "user": user,
        "link": link,
        "again": again,
        "hours": settings.SENDPLAN_PASSWORD_RESET_HOURS,
        "brand_name": settings.SENDPLAN_BRAND_NAME,
    }
    personalisation = {
        "name": user.first_name or user.get_username(),
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "link": link,
        "hours": str(settings.SENDPLAN_PASSWORD_RESET_HOURS),
        "username": user.get_username(),
        "request_again_link": again,
    }
    return Message(
        kind=Kind.PASSWORD_RESET,
        to=user.email,
        personalisation=personalisation,
        subject=f"{settings.SENDPLAN_BRAND_NAME}: reset your password",
        body=email_text("accounts/email/password_reset.txt", context),
        html=render_to_string("accounts/email/password_reset.html", context),
    )


@transaction.atomic
def password_reset_complete(*, user, password: str) -> int:
    """Set the new password (already checked against the validators by the form) and end every session the
    account has, wherever it is signed in: whoever knew the old password is signed out. The link is spent (its
    token was made from the old password). Two-factor stays as it was: signing in still asks for a code. Returns
    how many sessions were ended."""
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = end_sessions(user)
    log_event("password_reset_completed", user_id=user.pk, sessions_ended=ended)
    return ended
