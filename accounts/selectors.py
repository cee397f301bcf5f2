"""Reads for two-factor authentication: who must use it, and which device a user has."""

from __future__ import annotations

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.permissions import Role, user_roles

# Roles that change or publish what everyone reads: the programme manager maintains every plan (and the admin),
# the comms officer publishes reports to the public Local Offer pages.
TWO_FACTOR_ROLES = frozenset({Role.PROGRAMME_MANAGER, Role.COMMS_OFFICER})


def two_factor_enabled() -> bool:
    return settings.SENDPLAN_TWO_FACTOR


def two_factor_required(user) -> bool:
    """Users who must set up two-factor authentication: the roles above and anyone who can reach the admin."""
    return user.is_staff or user.is_superuser or bool(user_roles(user) & TWO_FACTOR_ROLES)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def pending_device(user) -> TOTPDevice | None:
    """The device being set up: its key is shown as a QR code until the user confirms it with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def must_verify(user) -> bool:
    """Whether this signed-in user needs a code before using the service: their role requires two-factor, or they
    chose to set it up (a device they set up protects their account only if it is asked for)."""
    return two_factor_required(user) or confirmed_device(user) is not None
