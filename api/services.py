"""Every write to API tokens: making one (its secret returned once, only its hash kept) and revoking one."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.security_log import log_event
from actions.permissions import user_roles
from api.models import ApiToken

TOKEN_PREFIX = "sp_"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_user_error(user: User) -> str:
    """Why `user` cannot have a token, or "". A token reads as its user, so the user needs a role; an
    administrator's account is refused, as invitations refuse it, so no token carries an administrator's rights."""
    if not user.is_active:
        return "This account is deactivated: a token for it would never work."
    if user.is_superuser:
        return "Choose a service account, not an administrator's: a token must not carry an administrator's rights."
    if not user_roles(user):
        return "This account has no role, so its token could read nothing. Give it a role (Adviser, say) first."
    return ""


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User | None) -> tuple[ApiToken, str]:
    """A new token for `user`: the record and the token itself, which is shown once and never stored."""
    name = name.strip()
    errors = {}
    if not name:
        errors["name"] = "Enter a name for the token, e.g. Power BI board pack."
    elif len(name) > 100:
        errors["name"] = "The name must be 100 characters or fewer."
    if why := api_token_user_error(user):
        errors["user"] = why
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name, user=user, token_hash=token_hash(secret), prefix=secret[len(TOKEN_PREFIX) :][:8], created_by=by
    )
    token.full_clean()
    token.save()
    log_event("api_token_created", user_id=by.pk if by else None, token_id=token.pk, for_user_id=user.pk)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke `token` from now on. Revoking a revoked token changes nothing (two managers clicking at once agree)."""
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    if updated:
        log_event("api_token_revoked", user_id=by.pk, token_id=token.pk)
    token.refresh_from_db()
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The live token `secret` names (its user active), its last use recorded; None for an unknown, revoked or
    deactivated one. Two queries: the token with its user, and the last-used stamp."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    token.last_used_at = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=token.last_used_at)
    return token
