"""A KPI owner's journey in headless Chromium: a value that misses the trajectory turns the milestone red, it
shows as an exception, My actions asks for commentary, the owner gives it. axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_owner_records_a_value_that_turns_a_milestone_red_then_explains_it(page, live_server, kpi_world):
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/plans/{kpi_world.world.plan.slug}/scorecard/")
    expect(page.get_by_role("heading", name="Scorecard")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="1.K1").click()
    expect(page.get_by_role("heading", name="KPI 1.K1: % of new EHC plans issued within 20 weeks")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record a value").click()
    assert_accessible(page)

    # A value without a number is refused beside the field, keeping the date typed.
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Record value").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the value as a number.")
    expect(page.get_by_label("Day")).to_have_value("30")
    assert_accessible(page)

    # 30% on 30 Nov is far below the line from 32.6% towards 40% by 1 Dec: the 3-month milestone goes red.
    page.get_by_label("Value").fill("30")
    page.get_by_role("button", name="Record value").click()
    expect(page.get_by_text("Value for 30 November 2025 recorded.")).to_be_visible()
    milestones = page.locator("table", has=page.get_by_text("Milestones of 1.K1"))
    expect(milestones.locator("tr", has_text="3 months").locator(".govuk-tag")).to_have_text("Red")
    assert_accessible(page)

    page.goto(f"{base}/plans/{kpi_world.world.plan.slug}/exceptions/")
    card = page.locator(".govuk-summary-card", has_text="1.K1")
    expect(card).to_contain_text("Commentary needed")
    assert_accessible(page)

    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="KPI commentary needed")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1.K1 % of new EHC plans issued within 20 weeks, 3-month milestone").click()
    expect(page.get_by_role("heading", name="3-month milestone")).to_be_visible()
    assert_accessible(page)

    # Rating it Amber against a Red suggestion needs a reason.
    page.get_by_label("Amber").check()
    page.get_by_label("Commentary").fill("Two caseworkers off sick in November; agency cover from December.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The numbers suggest Red.")
    expect(page.get_by_label("Commentary")).to_have_value(
        "Two caseworkers off sick in November; agency cover from December."
    )
    assert_accessible(page)
    page.get_by_label("Red", exact=True).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("3-month milestone of 1.K1 saved.")).to_be_visible()

    page.goto(f"{base}/plans/{kpi_world.world.plan.slug}/exceptions/")
    expect(card).to_contain_text("Two caseworkers off sick in November")
    expect(card).not_to_contain_text("Commentary needed")
    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="KPI commentary needed")).to_have_count(0)
