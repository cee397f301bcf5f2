"""The published report's names, in headless Chromium: outcome letters restart with each finding, so each outcome is
named with its finding (no two landmarks share a name, which axe checks), and the risk table is captioned with the
area's ref, not a database key."""

import pytest
from playwright.sync_api import expect

from actions.models import Finding, Outcome, Rag
from actions.services import progress_update_submit
from governance.services import round_close
from reports.services import report_approve, report_create, report_publish, report_submit
from tests.browser import assert_accessible
from tests.conftest import RiskWorld

pytestmark = pytest.mark.browser


@pytest.fixture
def published(world):
    """Area 1 with findings 1.1 and 1.2, each with its own "outcome a" and an action under it, and a risk. The term
    is rated, closed and its report published."""
    for ref, action in [("1.1", world.alice_action), ("1.2", world.bob_action)]:
        finding = Finding.objects.create(area=world.area, ref=ref, text=f"Finding {ref} text.")
        outcome = Outcome.objects.create(area=world.area, finding=finding, ref="a", text=f"Outcome for {ref}.")
        action.outcome = outcome
        action.save()
    RiskWorld(world)
    for action, by in [(world.alice_action, world.alice), (world.bob_action, world.bob)]:
        action.refresh_from_db()
        progress_update_submit(
            action=action, period=world.period, rag=Rag.AMBER, progress="Begun.", by=by, expected_version=action.version
        )
    round_close(period=world.period, by=world.manager, expected_version=world.period.version)
    report = report_create(plan=world.plan, period=world.period, summary="A summary.", by=world.comms)
    report = report_submit(report=report, by=world.comms, expected_version=report.version)
    report = report_approve(report=report, by=world.chair, expected_version=report.version)
    return report_publish(report=report, by=world.comms, expected_version=report.version)


def test_outcomes_are_named_with_their_finding_and_risks_with_their_area(page, live_server, published):
    page.goto(f"{live_server.url}{published.get_public_url()}")
    expect(page.get_by_role("heading", name="Finding 1.1, outcome a: Outcome for 1.1.")).to_be_visible()
    expect(page.get_by_role("heading", name="Finding 1.2, outcome a: Outcome for 1.2.")).to_be_visible()
    expect(page.get_by_role("region", name="Actions in area 1, finding 1.1, outcome a", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name="Open risks in area 1")).to_be_attached()
    expect(page.locator("caption", has_text="area-")).to_have_count(0)
    assert_accessible(page)
