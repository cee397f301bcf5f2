"""In real headless Chromium: a programme manager opens API tokens from People and posts, is told what is missing,
makes a token for the adviser's account (shown once), and revokes it. Axe-clean at 1280 px and at a phone's 390 px,
with screenshots when SENDPLAN_SCREENSHOTS is set."""

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def both_widths(page, name: str) -> None:
    look(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_manager_makes_and_revokes_a_token(page, live_server, world):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/officers/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    both_widths(page, "api-tokens")

    page.get_by_role("button", name="Make a token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the account the token reads as.")
    both_widths(page, "api-tokens-errors")

    page.get_by_label("Account the token reads as").select_option(label="Ada (ada): Adviser")
    page.get_by_label("What is the token for?").fill("Power BI board pack")
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("heading", name="Token made: copy it now")).to_be_visible()
    assert page.locator("#new-token").inner_text().startswith("sp_")
    both_widths(page, "api-tokens-made")

    page.get_by_role("button", name="Revoke Power BI board pack").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    both_widths(page, "api-tokens-revoked")
