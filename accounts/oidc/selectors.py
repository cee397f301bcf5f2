"""Reads for organisation sign-in: the providers, who an e-mail address belongs to, what waits for a manager."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from accounts.models import OrganisationIdentity
from accounts.oidc.config import Provider


def providers() -> list[Provider]:
    """The configured providers, in the order SENDPLAN_OIDC_PROVIDERS names them (the sign-in page's order)."""
    return list(settings.SENDPLAN_OIDC_PROVIDERS.values())


def provider(key: str) -> Provider | None:
    return settings.SENDPLAN_OIDC_PROVIDERS.get(key)


def provider_name(key: str) -> str:
    """A provider's name for pages; one removed from the settings since is still named by its key."""
    found = provider(key)
    return found.name if found is not None else key


def accounts_with_email(email: str) -> list:
    """Active accounts an e-mail address names: the account's own address or the address of the post it holds.
    Administrators (superusers) never: they sign in with a password and a code, not through an organisation."""
    if not email:
        return []
    user_model = get_user_model()
    return list(
        user_model.objects.filter(is_active=True, is_superuser=False)
        .filter(Q(email__iexact=email) | Q(officer__email__iexact=email))
        .distinct()[:2]
    )


def pending_identities() -> QuerySet[OrganisationIdentity]:
    return OrganisationIdentity.objects.filter(status=OrganisationIdentity.Status.PENDING).order_by(
        "first_seen_at", "pk"
    )


def recent_decisions(limit: int = 20) -> QuerySet[OrganisationIdentity]:
    """The latest links and refusals made by programme managers, newest first, for the same page."""
    return (
        OrganisationIdentity.objects.exclude(status=OrganisationIdentity.Status.PENDING)
        .filter(linked_by__in=["", OrganisationIdentity.LinkedBy.MANAGER])
        .select_related("user__officer", "decided_by")
        .order_by("-decided_at", "-pk")[:limit]
    )


def link_choices(identity: OrganisationIdentity):
    """The accounts a waiting sign-in may be linked to: active, not an administrator's, and not linked to another
    account at the same provider already."""
    user_model = get_user_model()
    taken = OrganisationIdentity.objects.filter(provider=identity.provider, user__isnull=False).values("user_id")
    return (
        user_model.objects.filter(is_active=True, is_superuser=False)
        .exclude(pk__in=taken)
        .select_related("officer")
        .order_by("first_name", "last_name", "username")
    )
