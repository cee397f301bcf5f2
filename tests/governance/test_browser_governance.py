"""A board member challenges a Green rating, the lead accepts it and changes the rating, and the chair's dashboard
shows the challenge resolved, now and (as at an earlier date) still open. The programme manager runs a round, a PCF
representative records a co-production comment and the lead answers it. axe-core on every governance page visited,
errors included."""

from datetime import date

import pytest
from playwright.sync_api import expect

from actions.models import Rag
from actions.services import progress_update_submit
from tests import factories
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def rated(world):
    action = world.alice_action
    progress_update_submit(
        action=action,
        period=world.period,
        rag=Rag.GREEN,
        progress="The weekly EHC panel is running.",
        impact="Plans are issued sooner.",
        by=world.alice,
        expected_version=action.version,
    )
    return world


def test_challenge_answered_and_shown_resolved_on_the_dashboard(page, live_server, rated):
    base, world = live_server.url, rated
    action_url = f"{base}/actions/{world.alice_action.pk}/"

    sign_in(page, base, "meera", PASSWORD)
    page.goto(action_url)
    page.get_by_role("tab", name="Challenges and comments").click()
    page.get_by_role("button", name="Challenge the rating").click()
    expect(page.get_by_role("heading", name="Challenge the rating")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the challenge").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the rating does not look right")
    assert_accessible(page)
    page.get_by_label("Why does the rating not look right?").fill("Timeliness is still 30%: this is not Green.")
    page.get_by_role("button", name="Send the challenge").click()
    expect(page.get_by_text("Challenge sent.")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Awaiting response")
    assert_accessible(page)
    page.goto(f"{base}/plans/{world.plan.slug}/challenges/")
    expect(page.get_by_role("table")).to_contain_text("Timeliness is still 30%")
    assert_accessible(page)
    sign_out(page)

    sign_in(page, base, "alice", PASSWORD)
    expect(page.get_by_role("heading", name="Challenges waiting for your answer")).to_be_visible()
    page.get_by_role("link", name="Answer the challenge to action 1.1").click()
    expect(page.get_by_role("heading", name="Answer the challenge")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Accepted: rating changed").check()
    page.get_by_label("Response").fill("Agreed: Amber until the 20-week figure moves.")
    page.get_by_role("button", name="Send your answer").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the new rating.")
    expect(page.get_by_label("Response")).to_have_value("Agreed: Amber until the 20-week figure moves.")
    assert_accessible(page)
    page.get_by_label("Amber").check()
    page.get_by_role("button", name="Send your answer").click()
    expect(page.get_by_text("Your answer is recorded")).to_be_visible()
    expect(page.locator(".govuk-summary-list")).to_contain_text("Accepted: rating changed: now Amber")
    sign_out(page)

    sign_in(page, base, "charlie", PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Board dashboard")).to_be_visible()
    challenges = page.locator(".govuk-grid-column-one-half", has=page.get_by_role("heading", name="Challenges"))
    expect(challenges).to_contain_text("0 open, 1 resolved.")
    expect(page.get_by_role("img", name="RAG ratings of actions in each area")).to_be_visible()
    assert_accessible(page)
    # The same dashboard before the plan started: it says so rather than showing empty figures.
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2020")
    page.get_by_role("button", name="Show the dashboard").click()
    expect(page.get_by_text("As the data stood at the end of 1 January 2020")).to_be_visible()
    expect(page.get_by_text("The plan had not started on 1 January 2020")).to_be_visible()
    expect(page.get_by_text("updated this round")).to_have_count(0)
    assert_accessible(page)
    # On its first day, the position then: the challenge was not raised yet.
    page.get_by_label("Day").fill("1")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Show the dashboard").click()
    expect(challenges).to_contain_text("0 open, 0 resolved.")
    page.get_by_label("Year").fill("20x0")
    page.get_by_role("button", name="Show the dashboard").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("As at must be a real date")
    assert_accessible(page)
    # A date to come is refused, not shown as a "Past position".
    page.get_by_label("Year").fill("2030")
    page.get_by_role("button", name="Show the dashboard").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("As at must be today or in the past")
    expect(page.get_by_text("Past position")).to_have_count(0)
    assert_accessible(page)
    # A closed area shows as closed, with its date and reason.
    world.area.closed_on, world.area.closed_reason = date(2026, 3, 1), "The revisit found the timeliness target met."
    world.area.save()
    page.goto(f"{base}/plans/{world.plan.slug}/dashboard/")
    area_row = page.get_by_role("row").filter(has_text="Timeliness of EHC plans").first
    expect(area_row).to_contain_text("Closed on 1 March 2026: The revisit found the timeliness target met.")
    assert_accessible(page)


def test_manager_opens_a_round_and_pcf_comments(page, live_server, rated):
    base, world = live_server.url, rated
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/rounds/")
    expect(page.get_by_role("heading", name="Reporting rounds")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Spring 2026", exact=True).click()
    expect(page.get_by_text("3 still without an update")).to_be_visible()
    expect(page.locator(".app-figure-row")).to_contain_text("25%")
    assert_accessible(page)
    page.goto(f"{base}/plans/{world.plan.slug}/rounds/")
    page.get_by_role("link", name="Open Autumn 2025 for updates").click()
    page.get_by_role("button", name="Open the round").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date updates are due.")
    assert_accessible(page)
    page.get_by_label("Day").fill("12")
    page.get_by_label("Month").fill("12")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_text("Autumn 2025 is open for updates until 12 December 2025.")).to_be_visible()
    world.period.refresh_from_db()
    assert world.period.status == "closed"
    sign_out(page)

    sign_in(page, base, "pat", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/comments/new/")
    expect(page.get_by_role("heading", name="Record a co-production comment")).to_be_visible()
    assert_accessible(page)
    # Private unless the representative chooses to publish it, and the form says where it would appear.
    publish = page.get_by_role("checkbox", name="Publish this comment")
    expect(publish).not_to_be_checked()
    expect(page.get_by_text("public Local Offer web pages")).to_be_visible()
    page.get_by_label("Comment", exact=True).fill("Parents at the forum said letters now arrive on time.")
    page.get_by_label("About the update for").select_option(label="Spring 2026 (Green)")
    page.get_by_role("button", name="Record the comment").click()
    expect(page.get_by_text("Comment recorded on action 1.1.")).to_be_visible()
    page.get_by_role("tab", name="Challenges and comments").click()
    expect(page.locator("#governance")).to_contain_text("letters now arrive on time")
    assert_accessible(page)
    sign_out(page)

    # The lead answers the forum: "You said, we did".
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/")
    page.get_by_role("tab", name="Challenges and comments").click()
    page.get_by_role("link", name="Say what we did").click()
    expect(page.get_by_role("heading", name="You said, we did")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save what we did").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what was done because of this comment.")
    assert_accessible(page)
    page.get_by_label("What we did").fill("Letters are now checked by the forum before they go out.")
    page.get_by_role("button", name="Save what we did").click()
    expect(page.locator("#governance")).to_contain_text("What we did: Letters are now checked by the forum")

    # With two plans, the dashboard link lists them.
    factories.make_plan("riverside-pap", open_period=False)
    page.goto(f"{base}/dashboard/")
    expect(page.get_by_role("heading", name="Board dashboards")).to_be_visible()
    assert_accessible(page)
