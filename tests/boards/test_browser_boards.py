"""The governance journey in headless Chromium: the programme manager sets up a board, the chair records a meeting
with an agenda item, a decision and a board action for alice, and alice marks it done from My actions.
axe-core on every page visited, forms with errors included."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def fill_date(page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def switch_user(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username, PASSWORD)


def test_a_board_is_set_up_meets_and_its_board_action_is_done(page, live_server, world):
    base = live_server.url
    today = timezone.localdate()

    # The programme manager sets up the board, under the Health and Wellbeing Board.
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/boards/")
    expect(page.get_by_role("heading", name="Governance structure")).to_be_visible()
    page.get_by_role("button", name="Set up a board").click()
    page.get_by_role("button", name="Save board").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the name of the board.")
    assert_accessible(page)
    page.get_by_label("Name of the board").fill("Health and Wellbeing Board")
    page.get_by_label("Partnership board").check()
    page.get_by_role("button", name="Save board").click()
    expect(page.get_by_text("Board saved.")).to_be_visible()

    page.goto(f"{base}/boards/new/")
    page.get_by_label("Name of the board").fill("SEND Improvement Board")
    page.get_by_label("Improvement board").check()
    page.get_by_label("Chair", exact=True).select_option(label="Head of SEND (Alice Moreno), Riverside Council")
    page.get_by_role("group", name="Members").get_by_label("Designated Clinical Officer (Bob Hale)").check()
    page.get_by_role("group", name="Members").get_by_label("Head of SEND (Alice Moreno)").check()
    page.get_by_label("Reports to").select_option(label="Health and Wellbeing Board")
    page.get_by_label("Riverside: Written Statement of Action").check()
    page.get_by_label("How often it meets").fill("Every six weeks")
    page.get_by_role("button", name="Save board").click()
    expect(page.get_by_role("heading", name="SEND Improvement Board", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Members of SEND Improvement Board")).to_contain_text("Riverside ICB")
    assert_accessible(page)

    page.goto(f"{base}/boards/")
    tree = page.get_by_role("list", name="Reporting to Health and Wellbeing Board")
    expect(tree).to_contain_text("SEND Improvement Board")
    expect(tree).to_contain_text("meets every six weeks")
    assert_accessible(page)

    # The chair records a meeting held last week and publishes the update.
    switch_user(page, base, "charlie")
    page.goto(f"{base}/boards/")
    page.get_by_role("link", name="SEND Improvement Board").click()
    page.get_by_role("button", name="Record a meeting").click()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the meeting.")
    assert_accessible(page)
    fill_date(page, "Date of the meeting", today - timedelta(days=7))
    page.get_by_label("Title").fill("Six-week review")
    page.get_by_role("group", name="Present").get_by_label("Head of SEND (Alice Moreno), Riverside Council").check()
    page.get_by_role("group", name="Apologies").get_by_label(
        "Designated Clinical Officer (Bob Hale), Riverside ICB"
    ).check()
    page.get_by_label("Chair's update", exact=True).fill(
        "We looked at how long EHC plans take and agreed to fund two coordinators."
    )
    page.get_by_label("Publish the chair's update").check()
    page.get_by_role("button", name="Save meeting").click()
    expect(page.get_by_role("heading", name="Six-week review", level=1)).to_be_visible()
    expect(page.get_by_text("Published", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add an agenda item").click()
    page.get_by_label("Agenda item").fill("Timeliness of EHC plans")
    page.get_by_label("Action", exact=True).select_option(label="1.1 Action 1.1: improve the 20-week EHCP timeline")
    assert_accessible(page)
    page.get_by_role("button", name="Add agenda item").click()
    expect(page.get_by_role("link", name="action 1.1")).to_be_visible()

    page.get_by_role("button", name="Record a decision").click()
    page.get_by_label("What the board decided").fill("Fund two more EHC plan coordinators.")
    page.get_by_label("Under agenda item").select_option(label="1. Timeliness of EHC plans")
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Under agenda item 1: Timeliness of EHC plans")).to_be_visible()

    page.get_by_role("button", name="Add a board action").click()
    page.get_by_label("What the board asked for").fill("Report the 20-week rate by team.")
    page.get_by_label("Who will do it").select_option(label="Head of SEND (Alice Moreno), Riverside Council")
    fill_date(page, "Due date", today + timedelta(days=14))
    page.get_by_label("Following decision").select_option(label="Fund two more EHC plan coordinators.")
    assert_accessible(page)
    page.get_by_role("button", name="Add board action").click()
    actions = page.get_by_role("table", name="What the meeting asked people to do, soonest due first")
    expect(actions).to_contain_text("Report the 20-week rate by team.")
    expect(actions).to_contain_text("Open")
    assert_accessible(page)

    # Alice finds it on My actions and marks it done.
    switch_user(page, base, "alice")
    page.goto(f"{base}/my-actions/")
    panel = page.get_by_role("table", name="Your open board actions, overdue first")
    expect(panel).to_contain_text("SEND Improvement Board")
    assert_accessible(page)
    panel.get_by_role("link", name="Report the 20-week rate by team.").click()
    expect(page.get_by_role("heading", name="Update a board action")).to_be_visible()
    expect(page.get_by_label("What the board asked for")).to_have_count(0)
    page.get_by_label("Done", exact=True).check()
    page.get_by_role("button", name="Save board action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the date the board action was done.")
    assert_accessible(page)
    fill_date(page, "Date done", today)
    page.get_by_label("Progress note").fill("Sent to the board secretary.")
    page.get_by_role("button", name="Save board action").click()
    expect(page.get_by_text("Board action updated.")).to_be_visible()
    expect(page.get_by_role("table", name="Your open board actions, overdue first")).to_have_count(0)

    page.goto(f"{base}/boards/")
    page.get_by_role("link", name="SEND Improvement Board").click()
    page.get_by_role("link", name=(today - timedelta(days=7)).strftime("%-d %b %Y")).click()
    expect(page.get_by_role("table", name="What the meeting asked people to do, soonest due first")).to_contain_text(
        "Done"
    )
    assert_accessible(page)
