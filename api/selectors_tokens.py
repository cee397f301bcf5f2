"""Reads for the API tokens page: the accounts a token may be made for, and the tokens themselves."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from actions.permissions import Role
from api.models import ApiToken


def token_user_choices() -> QuerySet[User]:
    """Active accounts with a role, administrators left out (api.services.api_token_user_error is the rule)."""
    return (
        User.objects.filter(is_active=True, is_superuser=False, groups__name__in=[role.value for role in Role])
        .distinct()
        .prefetch_related("groups")
        .order_by("username")
    )


def api_tokens() -> list[ApiToken]:
    return list(ApiToken.objects.select_related("user", "created_by", "revoked_by"))
