"""Two-factor authentication in headless Chromium, for a comms officer: sign in, set up an authenticator app from
the key on the page (axe-core on each page, the wrong-code error included), reach the reports; sign out and in
again and enter a code."""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def app_code(key: bytes, *, steps_ahead: int = 0) -> str:
    """What an authenticator app given this key shows now (or that many 30-second steps later)."""
    generator = TOTP(key)
    generator.time = time.time() + steps_ahead * 30
    return f"{generator.token():06d}"


def test_a_comms_officer_sets_up_two_factor_and_signs_in_with_it(page, live_server, world, settings):
    settings.SENDPLAN_TWO_FACTOR = True
    base = live_server.url

    sign_in(page, base, "colin", PASSWORD)
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    assert_accessible(page)
    # The user types the key shown under the QR code into their app.
    typed = page.locator("#manual-key").inner_text().replace(" ", "")
    key = b32decode(typed + "=" * (-len(typed) % 8))

    page.get_by_label("Code", exact=True).fill("000000" if app_code(key) != "000000" else "111111")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="The code is not right, or it has run out.", exact=False)).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)

    # django-otp makes the next try wait a second after a wrong code.
    device = TOTPDevice.objects.get(user=world.comms)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    page.get_by_label("Code", exact=True).fill(app_code(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("Two-factor authentication is set up.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Termly reports")).to_be_visible()
    page.get_by_role("link", name="your account").click()
    expect(page.get_by_text("On: a code from your authenticator app")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "colin", PASSWORD)
    expect(page.get_by_role("heading", name="Enter the code from your authenticator app")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill(app_code(key, steps_ahead=1))  # the code just used cannot be used again
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Termly reports")).to_be_visible()
