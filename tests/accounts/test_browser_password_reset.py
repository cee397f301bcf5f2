"""In real headless Chromium: someone who has forgotten their password follows the link on the sign-in page, asks
for a reset link (a bad address first), opens the emailed link, is refused a weak password, sets a good one and
signs in with it; the used link then says so and offers a new one; asking too often is refused on the same page.
Every page is axe-clean at 1280 px and at a phone's 390 px, with screenshots when SENDPLAN_SCREENSHOTS is set."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits_a_phone, look

pytestmark = pytest.mark.browser

ALICE = "alice@riverside.example"
NEW_PASSWORD = "ripe-plum-tandem-42"


def both_widths(page, name: str) -> None:
    """Axe-clean (and a screenshot) at 1280 px and at a phone's width, where nothing scrolls sideways."""
    look(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_forgotten_password_is_reset_from_the_emailed_link(page, live_server, world, settings):
    settings.SENDPLAN_PASSWORD_RESETS_PER_EMAIL = 2
    world.alice.email = ALICE
    world.alice.save()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    both_widths(page, "sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    both_widths(page, "password-reset")

    page.get_by_label("Email address").fill("alice at riverside")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    expect(page.get_by_label("Email address")).to_have_value("alice at riverside")
    both_widths(page, "password-reset-error")
    page.get_by_label("Email address").fill(ALICE)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    both_widths(page, "password-reset-sent")

    # The live server shares this process's outbox.
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    both_widths(page, "password-reset-confirm")
    page.get_by_label("New password", exact=True).fill("password123")
    page.get_by_label("Type the new password again").fill("password123")
    page.get_by_role("button", name="Set my new password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too common.")
    both_widths(page, "password-reset-confirm-error")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    expect(page.get_by_text("Your password is changed")).to_be_visible()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Alice")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The link is spent: it says so and offers a new one.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    both_widths(page, "password-reset-used")
    page.get_by_role("button", name="Send me a new link").click()
    page.get_by_label("Email address").fill(ALICE)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.get_by_role("link", name="ask for another link").click()
    page.get_by_label("Email address").fill(ALICE)
    page.get_by_role("button", name="Send me a link").click()  # the third this hour: past the limit of 2
    expect(page.locator(".govuk-error-summary")).to_contain_text("There have been too many requests")
    expect(page.get_by_label("Email address")).to_have_value(ALICE)
    both_widths(page, "password-reset-throttled")
    assert len(mail.outbox) == 2
