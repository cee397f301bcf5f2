"""A KPI owner in headless Chromium records a provisional quarter with comparators, then the validated figure for
the same quarter: the KPI page and the scorecard show the restatement, with the earlier value struck through.
axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def record(page, value: str, status: str, england: str = "") -> None:
    page.get_by_role("button", name="Record a value").click()
    page.get_by_label("Period, as published (optional)").fill("Q4 2025")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Value", exact=True).fill(value)
    page.get_by_label(status, exact=True).check()
    if england:
        page.get_by_label("England (optional)").fill(england)
    page.get_by_role("button", name="Record value").click()


def test_owner_records_a_provisional_quarter_then_restates_it(page, live_server, kpi_world):
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}{kpi_world.timeliness.get_absolute_url()}")
    page.get_by_role("button", name="Record a value").click()
    assert_accessible(page)
    page.goto(f"{base}{kpi_world.timeliness.get_absolute_url()}")

    record(page, "44", "Provisional", england="51.2")
    expect(page.get_by_text("Value for Q4 2025 recorded.")).to_be_visible()
    values = page.locator("table", has=page.get_by_text("Recorded values of 1.K1"))
    expect(values.locator("tr", has_text="Q4 2025")).to_contain_text("Provisional")
    expect(values.locator("tr", has_text="Q4 2025")).to_contain_text("England: 51.2%")
    assert_accessible(page)

    record(page, "46", "Actual")
    expect(page.get_by_text("Value for Q4 2025 restated: it was 44% (provisional).")).to_be_visible()
    row = values.locator("tr", has_text="Q4 2025")
    expect(row).to_contain_text("46%")
    expect(row.locator("del")).to_have_text("44%")
    expect(row).not_to_contain_text("Provisional")  # the current value is actual
    assert_accessible(page)

    page.goto(f"{base}/plans/{kpi_world.world.plan.slug}/scorecard/")
    latest = page.locator("tr", has_text="1.K1")
    expect(latest).to_contain_text("Q4 2025")
    expect(latest.locator("del")).to_have_text("44%")
    expect(latest).to_contain_text("England 51.2%")
    assert_accessible(page)
