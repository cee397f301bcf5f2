"""Tiers in real headless Chromium, axe-core on every page: a board member opens a plan in the 2023 framework's
shape (areas for priority action, areas for improvement with two reported together, a cross-cutting area and a
workstream) and finds it grouped by tier on the plan page, the dashboard and the termly report's preview."""

import pytest
from playwright.sync_api import expect

from reports.services import report_create
from tests.actions.test_area_tiers import Tiered
from tests.browser import look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_board_member_sees_the_plan_dashboard_and_report_grouped_by_tier(page, live_server, world):
    tiered = Tiered(world)
    report = report_create(plan=world.plan, period=world.period, summary="Two tiers this term.", by=world.manager)
    base = live_server.url
    sign_in(page, base, "meera", PASSWORD)

    page.goto(f"{base}/plans/{world.plan.slug}/")
    table = page.locator("table", has_text="Areas for priority action")
    expect(table.locator(".app-tier-heading")).to_have_text(
        ["Areas for priority action", "Areas for improvement", "Cross-cutting areas", "Workstreams"]
    )
    expect(table.get_by_role("row", name="Area for improvement 3: Preparing")).to_contain_text("Reported together with")
    look(page, "tiers-plan-page")

    page.get_by_role("link", name="Area for improvement 4: Transitions").click()
    heading = "Area for improvement 4: Transitions into adult health services"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    look(page, "tiers-area-page")

    page.goto(f"{base}/plans/{world.plan.slug}/dashboard/")
    expect(page.locator("#delivery + div .app-tier-heading").first).to_have_text("Areas for priority action")
    look(page, "tiers-dashboard")

    page.goto(f"{base}/reports/{report.pk}/preview/")
    expect(page.get_by_role("heading", name="Areas for improvement", exact=True)).to_be_visible()
    expect(page.locator(f"#area-{tiered.i3.pk}")).to_contain_text("Area for improvement 4: Transitions")
    look(page, "tiers-report")
