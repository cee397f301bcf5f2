"""Receivers that turn sign-in signals into security events (accounts.security_log) and start session timing.

Usernames never reach the log: a failed sign-in names the account's id when the username belongs to one, else no
id at all.
"""

from __future__ import annotations

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.security_log import log_event
from accounts.sessions import session_start

# Set on a request whose session ran out, so the sign-out it causes is logged once, as session_expired.
EXPIRED_ATTRIBUTE = "accounts_session_expired"


def _user_id_for(username) -> int | None:
    if not username:
        return None
    model = get_user_model()
    return model._default_manager.filter(**{model.USERNAME_FIELD: username}).values_list("pk", flat=True).first()


@receiver(user_logged_in, dispatch_uid="accounts.login_succeeded")
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_start(request.session, now=time.time())
    # An organisation sign-in (accounts.oidc.views) says which provider, and whether its multi-factor check counted.
    how = getattr(request, "accounts_sign_in", None) or {}
    log_event("login_succeeded", user_id=user.pk, **how)


@receiver(user_login_failed, dispatch_uid="accounts.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    model = get_user_model()
    # axes (connected first) marks the request when this attempt leaves the username locked out.
    locked_out = bool(getattr(request, "axes_locked_out", False))
    log_event("login_failed", user_id=_user_id_for(credentials.get(model.USERNAME_FIELD)), locked_out=locked_out)


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def _locked_out(sender, request=None, username=None, **kwargs):
    log_event("locked_out", user_id=_user_id_for(username))


@receiver(user_logged_out, dispatch_uid="accounts.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if user is None or getattr(request, EXPIRED_ATTRIBUTE, False):
        return
    log_event("logged_out", user_id=user.pk)
