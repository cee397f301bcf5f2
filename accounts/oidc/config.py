"""Organisation sign-in providers, read from the environment when settings load (README, "Configuration").

SENDPLAN_OIDC_PROVIDERS names each provider's key (`council,icb,nhsmail`); SENDPLAN_OIDC_<KEY>_* give its
settings. A provider is deployment configuration with a secret, kept beside SECRET_KEY rather than in the database
(and its backups). This module imports no models: sendplan/settings.py calls it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from sendplan.env import env_bool, env_list, env_str

# Hosts where a plain-http issuer is allowed: a provider on this machine (the test suite's), never over a network.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
KEY_PATTERN = re.compile(r"[a-z][a-z0-9]{0,29}")


@dataclass(frozen=True)
class Provider:
    """One organisation's OpenID Connect provider, e.g. a council's Microsoft Entra ID tenant."""

    key: str
    name: str
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    # E-mail domains whose people may sign in this way (lower case); anyone else is refused.
    allowed_domains: frozenset[str] = frozenset()
    # The provider vouches for every e-mail address it sends (Entra ID's tenant addresses), so an address without
    # `email_verified` still counts for matching a first sign-in to an account.
    trusted_emails: bool = False
    email_claim: str = "email"
    groups_claim: str = "groups"
    # Group id (as the provider sends it) -> role name; empty: roles are given in the app, not by the provider.
    group_roles: Mapping[str, str] = field(default_factory=dict)
    # `amr` entries or an `acr` value that mean the organisation checked a second factor ("mfa").
    mfa_values: frozenset[str] = frozenset()
    scopes: tuple[str, ...] = ("openid", "email", "profile")

    def allows_domain(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return bool(domain) and "@" in email and domain in self.allowed_domains

    def second_factor_checked(self, claims: Mapping) -> bool:
        """Whether the ID token says the organisation checked a second factor: an `amr` method or the `acr` value
        is one of MFA_VALUES."""
        if not self.mfa_values:
            return False
        methods = claims.get("amr") or []
        if isinstance(methods, str):
            methods = [methods]
        said = {str(method) for method in methods if isinstance(method, str)}
        acr = claims.get("acr")
        if isinstance(acr, str):
            said.add(acr)
        return bool(said & self.mfa_values)


def _group_roles(name: str) -> dict[str, str]:
    """`group-id=Role name;other-id=Role name` (semicolons: role names have spaces, Entra group ids have none)."""
    mapping = {}
    for item in env_str(name, default="").split(";"):
        if not item.strip():
            continue
        group, sep, role = item.partition("=")
        if not sep or not group.strip() or not role.strip():
            raise ImproperlyConfigured(f"{name} is group=Role pairs separated by semicolons, not {item.strip()!r}")
        mapping[group.strip()] = role.strip()
    return mapping


def _issuer(name: str) -> str:
    issuer = env_str(name).strip().rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme == "https" and parts.hostname:
        return issuer
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return issuer
    raise ImproperlyConfigured(f"{name} must be an https:// address (http only on this machine), not {issuer!r}")


def provider_from_env(key: str) -> Provider:
    prefix = f"SENDPLAN_OIDC_{key.upper()}_"
    domains = frozenset(domain.lower().lstrip("@") for domain in env_list(prefix + "ALLOWED_DOMAINS"))
    if not domains:
        raise ImproperlyConfigured(
            f"{prefix}ALLOWED_DOMAINS is required: the e-mail domains whose people may sign in with {key} "
            "(e.g. riverside.gov.uk,nhs.net)"
        )
    scopes = tuple(env_str(prefix + "SCOPES", default="openid email profile").split())
    if "openid" not in scopes:
        raise ImproperlyConfigured(f"{prefix}SCOPES must include openid")
    return Provider(
        key=key,
        name=env_str(prefix + "NAME"),
        issuer=_issuer(prefix + "ISSUER"),
        client_id=env_str(prefix + "CLIENT_ID"),
        client_secret=env_str(prefix + "CLIENT_SECRET"),
        allowed_domains=domains,
        trusted_emails=env_bool(prefix + "TRUSTED_EMAILS", default=False),
        email_claim=env_str(prefix + "EMAIL_CLAIM", default="email"),
        groups_claim=env_str(prefix + "GROUPS_CLAIM", default="groups"),
        group_roles=_group_roles(prefix + "GROUP_ROLES"),
        mfa_values=frozenset(env_list(prefix + "MFA_VALUES")),
        scopes=scopes,
    )


def providers_from_env() -> dict[str, Provider]:
    """Every provider SENDPLAN_OIDC_PROVIDERS names, by key, in the order named (the sign-in page's order)."""
    keys = [key.lower() for key in env_list("SENDPLAN_OIDC_PROVIDERS")]
    for key in keys:
        if not KEY_PATTERN.fullmatch(key):
            raise ImproperlyConfigured(
                f"SENDPLAN_OIDC_PROVIDERS names providers by short keys of letters and digits, not {key!r}"
            )
    if len(set(keys)) != len(keys):
        raise ImproperlyConfigured("SENDPLAN_OIDC_PROVIDERS names a provider twice")
    return {key: provider_from_env(key) for key in keys}
