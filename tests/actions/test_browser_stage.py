"""Stage beside the rating in real headless Chromium, axe-core on every page: a lead reports an action complete but
still Green with the termly update, and the action page, the list and the dashboard show both."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser import look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_lead_reports_complete_but_green_and_every_page_shows_both(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/update/")
    expect(page.get_by_role("heading", name="Update for Spring 2026")).to_be_visible()
    look(page, "update-form")

    # Complete without its date: refused beside the field, everything typed kept.
    page.get_by_label("Green").check()
    page.get_by_label("Complete", exact=True).check()
    page.get_by_label("Percentage complete (optional)").fill("100")
    page.get_by_label("Progress", exact=True).fill("Weekly panel running in every locality since January.")
    page.get_by_label("Impact").fill("Families hear the decision within six weeks.")
    page.get_by_role("button", name="Submit update").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the action was completed.")
    expect(page.get_by_label("Complete", exact=True)).to_be_checked()
    expect(page.get_by_label("Percentage complete (optional)")).to_have_value("100")
    look(page, "update-form-error")

    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_text("Update for Spring 2026 saved")).to_be_visible()
    expect(page.locator("p", has_text="Current rating:").locator(".govuk-tag")).to_have_text("Green")
    expect(page.locator("p", has_text="Stage:").locator(".govuk-tag")).to_have_text("Complete")
    expect(page.locator("p", has_text="Stage:")).to_contain_text("100% complete, completed on 20 January 2026")
    look(page, "action-page")
    action = Action.objects.get(pk=world.alice_action.pk)
    assert (action.current_rag, action.stage, action.status) == ("green", "complete", Action.Status.OPEN)

    page.goto(f"{base}/actions/?stage=complete")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("Complete")
    look(page, "action-list")

    page.context.clear_cookies()
    sign_in(page, base, "charlie", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/dashboard/")
    expect(page.locator("#delivery")).to_be_visible()
    look(page, "dashboard")


def test_a_lead_gives_a_dated_narrative_entry_in_a_plan_without_ratings(page, live_server, world):
    world.plan.publishes_ratings = False
    world.plan.save()
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/update/")
    expect(page.get_by_text("publishes no RAG ratings")).to_be_visible()
    expect(page.get_by_role("radio", name="Green")).to_have_count(0)
    page.get_by_role("button", name="Submit progress entry").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("with no rating, the entry is its dated narrative")
    look(page, "narrative-form-error")
    page.get_by_label("Progress", exact=True).fill("Working group formed with the parent carer forum (March 2026).")
    page.get_by_role("button", name="Submit progress entry").click()
    expect(page.get_by_text("Progress entry for Spring 2026 saved.")).to_be_visible()
    page.get_by_role("tab", name="Progress updates (1)").click()
    expect(page.locator("#updates")).to_contain_text("Working group formed with the parent carer forum")
    expect(page.locator("#updates")).to_contain_text("Head of SEND (Alice Moreno)")
    look(page, "narrative-action-page")
