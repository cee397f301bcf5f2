"""Writes for two-factor authentication: setting up an authenticator app and checking its codes.

django-otp's TOTP device throttles wrong codes itself (1, 2, 4, 8 ... seconds between tries after each wrong one,
OTP_TOTP_THROTTLE_FACTOR); these services keep that on for set-up as well as sign-in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.selectors import pending_device

DEVICE_NAME = "Authenticator app"


@dataclass(frozen=True)
class CodeCheck:
    """The answer to a code: the device that accepted it, or why not (`wait_until` set while throttled)."""

    device: TOTPDevice | None
    wait_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.device is not None


@transaction.atomic
def totp_setup_start(*, user) -> TOTPDevice:
    """The unconfirmed device whose key the set-up page shows. One already waiting is reused, so reloading the page
    keeps the QR code the user may have scanned already."""
    device = pending_device(user)
    if device is None:
        device = TOTPDevice(user=user, name=DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _check(device: TOTPDevice, token: str) -> CodeCheck:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return CodeCheck(device=None, wait_until=(details or {}).get("locked_until"))
    # verify_token counts a wrong code towards throttling and refuses a code already used (last_t).
    return CodeCheck(device=device if device.verify_token(token) else None)


@transaction.atomic
def totp_setup_confirm(*, user, token: str) -> CodeCheck:
    """Confirm the device being set up (the one whose key the page showed) with a code from the app. On success it
    replaces any earlier device (a new phone): the old app's codes stop working."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return CodeCheck(device=None)
    check = _check(device, token)
    if check.ok:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    return check


@transaction.atomic
def totp_verify(*, user, token: str) -> CodeCheck:
    """Check a sign-in code against the user's confirmed device (locked, so two tries at once count as two)."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
    if device is None:
        return CodeCheck(device=None)
    return _check(device, token)
