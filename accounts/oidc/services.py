"""Writes for organisation sign-in: a verified ID token becoming an app user (matched, linked, roles from groups),
and a programme manager's decision on a sign-in that waits (docs/security.md, "Sign in with your organisation")."""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import OrganisationIdentity, OrganisationMfa
from accounts.oidc.client import SignInRefused
from accounts.oidc.config import Provider
from accounts.oidc.selectors import accounts_with_email, link_choices
from accounts.security_log import log_event
from actions.locking import save_versioned
from actions.permissions import Role

ROLE_NAMES = frozenset(role.value for role in Role)


def _email(provider: Provider, claims: Mapping) -> str:
    value = claims.get(provider.email_claim)
    return value.strip().lower() if isinstance(value, str) else ""


def _name(claims: Mapping) -> str:
    value = claims.get("name")
    return value.strip()[:200] if isinstance(value, str) else ""


def _email_vouched_for(provider: Provider, claims: Mapping) -> bool:
    verified = claims.get("email_verified")
    return provider.trusted_emails or verified is True or verified == "true"


def _link_by_email(identity: OrganisationIdentity, provider: Provider, claims: Mapping) -> None:
    """Link a first sign-in to the one account its vouched-for e-mail address names, if there is exactly one and it
    has no other account at this provider linked already."""
    if not _email_vouched_for(provider, claims):
        return
    matches = accounts_with_email(identity.email)
    if len(matches) != 1:
        return
    (user,) = matches
    if OrganisationIdentity.objects.filter(provider=provider.key, user=user).exists():
        return
    identity.user = user
    identity.status = OrganisationIdentity.Status.LINKED
    identity.linked_by = OrganisationIdentity.LinkedBy.EMAIL
    identity.decided_at = timezone.now()
    identity.full_clean()
    identity._history_user = None
    identity.save()
    log_event(
        "organisation_identity_linked",
        user_id=None,
        linked_user_id=user.pk,
        identity_id=identity.pk,
        provider=provider.key,
        method="email",
    )


def _sync_roles(user, provider: Provider, claims: Mapping) -> None:
    """With a group mapping configured, the user's roles are those their groups at the provider map to, at every
    sign-in: the organisation's directory decides, so a leaver or mover loses a role there and here alike. Groups
    that are not roles are left alone, and so is an administrator."""
    if not provider.group_roles or user.is_superuser:
        return
    groups = claims.get(provider.groups_claim) or []
    if not isinstance(groups, list):
        groups = [groups]
    wanted = {
        provider.group_roles[group] for group in groups if isinstance(group, str) and group in provider.group_roles
    }
    current = set(user.groups.filter(name__in=ROLE_NAMES).values_list("name", flat=True))
    if wanted == current:
        return
    user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in sorted(wanted - current)])
    user.__dict__.pop("_sendplan_roles", None)
    log_event(
        "organisation_roles_changed",
        user_id=user.pk,
        provider=provider.key,
        roles=",".join(sorted(wanted)),
        removed=",".join(sorted(current - wanted)),
    )


def organisation_sign_in(*, provider: Provider, claims: Mapping):
    """The app user a verified ID token signs in as, their roles brought up to date from its groups; or
    SignInRefused: `domain` (an address outside ALLOWED_DOMAINS, or none), `unlinked` (waiting for a programme
    manager: the sign-in is kept for them), `refused` (a manager refused it), `inactive` (a deactivated account).
    """
    email = _email(provider, claims)
    if not provider.allows_domain(email):
        raise SignInRefused("domain")
    # Recorded first and committed, so a sign-in that waits is on the programme managers' list even though the
    # person is refused for now.
    user, refusal = _recorded_sign_in(provider, claims, email)
    if refusal is not None:
        raise refusal
    return user


@transaction.atomic
def _recorded_sign_in(provider: Provider, claims: Mapping, email: str):
    identity, _ = OrganisationIdentity.objects.select_for_update().get_or_create(
        provider=provider.key, subject=claims["sub"], defaults={"email": email, "name": _name(claims)}
    )
    # What the provider says now, for the programme manager's list: no history row, no version (not a decision).
    identity.email, identity.name, identity.last_sign_in_at = email, _name(claims), timezone.now()
    OrganisationIdentity.objects.filter(pk=identity.pk).update(
        email=identity.email, name=identity.name, last_sign_in_at=identity.last_sign_in_at
    )
    if identity.status == OrganisationIdentity.Status.REFUSED:
        return None, SignInRefused("refused", identity_id=identity.pk)
    if identity.user is None:
        _link_by_email(identity, provider, claims)
    if identity.user is None:
        return None, SignInRefused("unlinked", identity_id=identity.pk)
    user = identity.user
    if not user.is_active:
        return None, SignInRefused("inactive", user_id=user.pk, identity_id=identity.pk)
    _sync_roles(user, provider, claims)
    return user, None


@transaction.atomic
def organisation_mfa_device(*, user, provider: Provider) -> OrganisationMfa:
    """The device standing for this provider's second factor for this user (made the first time it is used)."""
    device, _ = OrganisationMfa.objects.get_or_create(
        user=user, provider=provider.key, defaults={"name": f"{provider.name} multi-factor", "confirmed": True}
    )
    return device


def _decided(identity: OrganisationIdentity, *, by, expected_version: int) -> None:
    identity.decided_by = by
    identity.decided_at = timezone.now()
    save_versioned(identity, expected_version=expected_version, by=by)


@transaction.atomic
def identity_link(*, identity: OrganisationIdentity, user, by, expected_version: int) -> OrganisationIdentity:
    """A programme manager links a waiting sign-in to an existing account: its next sign-in signs in as that account.
    Refused (ValidationError on `user`) for an account that is inactive, an administrator's, or linked at this
    provider already. A decision made since the page was loaded is a stale edit (StaleEditError)."""
    if not link_choices(identity).filter(pk=user.pk).exists():
        raise ValidationError(
            {
                "user": "Choose an active account that is not an administrator's and has no sign-in with this "
                "organisation linked already."
            }
        )
    identity.user = user
    identity.status = OrganisationIdentity.Status.LINKED
    identity.linked_by = OrganisationIdentity.LinkedBy.MANAGER
    _decided(identity, by=by, expected_version=expected_version)
    log_event(
        "organisation_identity_linked",
        user_id=by.pk,
        linked_user_id=user.pk,
        identity_id=identity.pk,
        provider=identity.provider,
        method="manager",
    )
    return identity


@transaction.atomic
def identity_refuse(*, identity: OrganisationIdentity, by, expected_version: int) -> OrganisationIdentity:
    """A programme manager refuses a waiting sign-in: it is told so each time it tries again."""
    identity.status = OrganisationIdentity.Status.REFUSED
    _decided(identity, by=by, expected_version=expected_version)
    log_event("organisation_identity_refused", user_id=by.pk, identity_id=identity.pk, provider=identity.provider)
    return identity
