"""A risk owner reviews a risk in headless Chromium: an error kept, the review recorded, the register and heat
map show the new position. axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_owner_reviews_a_risk_and_the_register_and_heat_map_follow(page, live_server, risk_world):
    base, slug = live_server.url, risk_world.world.plan.slug
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/plans/{slug}/risks/")
    expect(page.get_by_role("heading", name="Risk register")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="R1", exact=True).click()
    expect(page.get_by_role("heading", name="Risk R1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a review").click()
    expect(page.get_by_role("heading", name="Record a review")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Likelihood now").select_option("5")
    page.get_by_label("Impact now").select_option("4")
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what the review found")
    expect(page.get_by_label("Likelihood now")).to_have_value("5")
    assert_accessible(page)

    page.get_by_label("What the review found").fill("Three secondary schools withdrew from the SENCO network.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review of R1 recorded.")).to_be_visible()
    expect(page.locator(".govuk-summary-list__row", has_text="Current")).to_contain_text("= 20")
    expect(page.locator(".govuk-summary-list__row", has_text="Current")).to_contain_text("Very high")
    assert_accessible(page)

    page.goto(f"{base}/plans/{slug}/risks/")
    row = page.locator("tr", has=page.get_by_role("link", name="R1", exact=True))
    expect(row).to_contain_text("Higher than Autumn 2025 (12)")
    page.get_by_role("link", name="See the heat map").click()
    expect(page.get_by_role("img", name="Heat map of 1 scored open risks")).to_be_visible()
    expect(page.locator("table", has_text="Risks that moved")).to_contain_text("L4 × I3 = 12")
    assert_accessible(page)
