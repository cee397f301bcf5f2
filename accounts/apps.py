from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and sessions"

    def ready(self):
        # Connects the security-event receivers (logins, failures, lockouts, sign-outs).
        from accounts import signals  # noqa: F401

        _check_provider_roles()


def _check_provider_roles() -> None:
    """A provider's group mapping names roles by name: a misspelt one fails at start-up, not at someone's sign-in.
    (The settings cannot check it: the roles live in actions.permissions, which needs the apps loaded.)"""
    from django.conf import settings

    from actions.permissions import Role

    roles = {role.value for role in Role}
    for provider in settings.SENDPLAN_OIDC_PROVIDERS.values():
        unknown = sorted(set(provider.group_roles.values()) - roles)
        if unknown:
            raise ImproperlyConfigured(
                f"SENDPLAN_OIDC_{provider.key.upper()}_GROUP_ROLES names roles that do not exist: "
                f"{', '.join(unknown)} (roles: {', '.join(sorted(roles))})"
            )
