"""Whoever a termly report waits for finds it where they land after signing in, in headless Chromium: the board
chair a report to approve, then the comms officer the approved report to publish. axe-core on each page."""

import pytest
from playwright.sync_api import expect

from actions.models import Rag
from actions.services import progress_update_submit
from governance.services import round_close
from reports.services import report_create, report_submit
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def submitted(world):
    progress_update_submit(
        action=world.alice_action,
        period=world.period,
        rag=Rag.AMBER,
        progress="Begun.",
        by=world.alice,
        expected_version=world.alice_action.version,
    )
    round_close(period=world.period, by=world.manager, expected_version=world.period.version)
    report = report_create(plan=world.plan, period=world.period, summary="A summary.", by=world.comms)
    return report_submit(report=report, by=world.comms, expected_version=report.version)


def test_the_chair_then_the_comms_officer_find_the_report_waiting_for_them(page, live_server, submitted):
    base = live_server.url
    sign_in(page, base, "charlie", PASSWORD)
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    panel = page.get_by_role("heading", name="Termly reports waiting for you")
    expect(panel).to_be_visible()
    expect(page.get_by_text("Approve it for publication, or send it back")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Riverside: progress report, Spring 2026").click()
    page.get_by_role("button", name="Approve for publication").click()
    expect(page.get_by_text("Report approved.")).to_be_visible()
    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="Termly reports waiting for you")).to_have_count(0)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "colin", PASSWORD)
    expect(page.get_by_role("heading", name="Termly reports waiting for you")).to_be_visible()
    expect(page.get_by_text("Approved by the board chair: publish it on the Local Offer")).to_be_visible()
    assert_accessible(page)
