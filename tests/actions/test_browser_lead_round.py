"""A SEND lead's termly round in headless Chromium: ten actions through the walk in under 15 clicks plus typing, and
the one-page form with one bad row then corrected. axe-core on every page, at a phone's width too."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate
from tests import factories
from tests.browser import PHONE, assert_fits_a_phone, look
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


class Clicks:
    """Every click or key press of the journey goes through here, so the test can say how many it took."""

    def __init__(self):
        self.count = 0

    def click(self, locator) -> None:
        self.count += 1
        locator.click()

    def check(self, locator) -> None:
        self.count += 1
        locator.check()


def rated_last_term(world, action, rag="amber"):
    """The action rated in the closed period, as its lead rated it last term (written directly: the services take
    updates only into the open period)."""
    ProgressUpdate.objects.create(
        action=action, period=world.closed_period, rag=rag, progress=f"Autumn: {action.ref} under way."
    )
    Action.objects.filter(pk=action.pk).update(current_rag=rag)


@pytest.fixture
def ten_actions(world):
    """Alice leads ten actions (1.1, 1.3 and eight more over two areas), each rated Amber last term; one overdue."""
    area2 = factories.make_area(world.plan, "2", "Joint commissioning")
    extra = [
        factories.make_action(area2 if i % 2 else world.area, f"{2 if i % 2 else 1}.{i + 5}", [world.head_of_send])
        for i in range(8)
    ]
    Action.objects.filter(pk=extra[3].pk).update(due_date=date(2025, 11, 30))
    actions = [world.alice_action, world.shared_action, *extra]
    for action in actions:
        rated_last_term(world, action)
    return actions


def sign_in_counted(page, base, clicks: Clicks, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    clicks.click(page.get_by_role("button", name="Sign in"))


def test_a_lead_updates_ten_actions_with_the_walk_in_under_fifteen_clicks(page, live_server, world, ten_actions):
    base = live_server.url
    clicks = Clicks()
    sign_in_counted(page, base, clicks, "alice")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    # The overdue action leads, in its own table across areas.
    expect(page.locator("caption", has_text="Overdue, in every area")).to_be_visible()
    look(page, "round-my-actions")
    clicks.click(page.get_by_role("button", name="Update my actions for Spring 2026"))

    for done in range(10):
        expect(page.get_by_text(f"{done} of 10 done")).to_be_visible()
        heading = page.get_by_role("heading", level=1).inner_text()
        ref = heading.removeprefix("Action ")
        # The previous update is on the page, and the rating it gave is where the form starts.
        expect(page.locator(".govuk-summary-list").first).to_contain_text(f"Autumn: {ref} under way.")
        expect(page.get_by_label("Amber")).to_be_checked()
        if done == 0:
            expect(page.get_by_text("Overdue", exact=True)).to_be_visible()
            look(page, "round-walk")
        if done == 9:
            # The last one has moved on to Green, which needs the impact: the first try forgets it.
            clicks.check(page.get_by_label("Green"))
            page.get_by_label("Progress", exact=True).fill("The joint panel now meets weekly.")
            clicks.click(page.get_by_role("button", name="Save and next"))
            expect(page.locator(".govuk-error-summary")).to_contain_text("Describe the impact")
            expect(page.get_by_label("Progress", exact=True)).to_have_value("The joint panel now meets weekly.")
            expect(page.get_by_text("9 of 10 done")).to_be_visible()
            look(page, "round-walk-error")
            page.get_by_label("Impact").fill("Families hear within six weeks.")
        else:
            page.get_by_label("Progress", exact=True).fill(f"Spring: {ref} moved on as planned.")
        clicks.click(page.get_by_role("button", name="Save and next"))

    expect(page.get_by_role("heading", name="Your round for Spring 2026 is done")).to_be_visible()
    expect(page.get_by_role("heading", name="Submitted (10)")).to_be_visible()
    look(page, "round-summary-done")
    assert clicks.count < 15, f"{clicks.count} clicks"
    assert clicks.count == 14  # sign in, start, ten saves, Green and the save after the error
    submitted = ProgressUpdate.objects.filter(period=world.period, status="submitted")
    assert submitted.count() == 10
    assert sorted(submitted.values_list("rag", flat=True)) == ["amber"] * 9 + ["green"]

    page.goto(f"{base}/my-actions/")
    expect(page.get_by_text("All your actions are up to date for the current reporting period.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Update my actions"))).to_have_count(0)


def test_skip_and_draft_are_listed_in_the_summary_and_the_walk_fits_a_phone(browser, live_server, world, ten_actions):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(5000)
    base = live_server.url
    clicks = Clicks()
    sign_in_counted(page, base, clicks, "alice")
    assert_fits_a_phone(page)
    look(page, "round-my-actions-phone")
    clicks.click(page.get_by_role("button", name="Update my actions for Spring 2026"))
    assert_fits_a_phone(page)
    look(page, "round-walk-phone")
    first = page.get_by_role("heading", level=1).inner_text()
    clicks.click(page.get_by_role("button", name="Skip"))
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first)
    second = page.get_by_role("heading", level=1).inner_text()
    page.get_by_label("Progress", exact=True).fill("Half written")
    clicks.click(page.get_by_role("button", name="Save as draft and next"))
    expect(page.get_by_text("2 of 10 done")).to_be_visible()
    # A reload keeps the walk where it was.
    page.reload()
    expect(page.get_by_text("2 of 10 done")).to_be_visible()
    clicks.click(page.get_by_role("link", name="Stop here and see your round"))
    expect(page.get_by_role("heading", name="Saved as drafts (1)")).to_be_visible()
    expect(page.locator("ul", has=page.get_by_role("link", name=re.compile(second))).first).to_be_visible()
    expect(page.get_by_role("heading", name="Skipped (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Not looked at yet (8)")).to_be_visible()
    assert_fits_a_phone(page)
    look(page, "round-summary-phone")
    context.close()


def test_the_one_page_form_shows_a_bad_row_then_saves_every_row(page, live_server, world):
    base = live_server.url
    clicks = Clicks()
    sign_in_counted(page, base, clicks, "alice")
    clicks.click(page.get_by_role("link", name="Update all on one page"))
    expect(page.get_by_role("heading", name="Update all your actions for Spring 2026")).to_be_visible()
    look(page, "round-all")

    page.get_by_label("RAG rating for action 1.1").select_option("red")
    page.get_by_label("Progress for action 1.1").fill("The new caseworkers did not start.")
    page.get_by_label("RAG rating for action 1.3").select_option("amber")
    page.get_by_label("Progress for action 1.3").fill("Health advice audit started.")
    clicks.click(page.get_by_role("button", name="Submit these updates"))

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("1.1: Say what will bring this action back on track, and by when.")
    expect(page.get_by_label("Progress for action 1.3")).to_have_value("Health advice audit started.")
    expect(page.get_by_label("RAG rating for action 1.1")).to_have_value("red")
    assert page.title().startswith("Error:")
    assert not ProgressUpdate.objects.filter(period=world.period).exists()
    look(page, "round-all-error")

    clicks.click(summary.get_by_role("link"))
    expect(page.get_by_label("Recovery note for action 1.1")).to_be_focused()
    page.get_by_label("Recovery note for action 1.1").fill("Agency caseworkers start in May.")
    clicks.click(page.get_by_role("button", name="Submit these updates"))

    expect(page.get_by_text("2 updates for Spring 2026 submitted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Your round for Spring 2026 is done")).to_be_visible()
    rags = dict(ProgressUpdate.objects.filter(period=world.period).values_list("action__ref", "rag"))
    assert rags == {"1.1": "red", "1.3": "amber"}
    assert clicks.count == 5


def test_the_one_page_form_at_a_phones_width(browser, live_server, world):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in_counted(page, live_server.url, Clicks(), "alice")
    page.goto(f"{live_server.url}/plans/{world.plan.slug}/my-round/all/")
    page.get_by_label("RAG rating for action 1.1").select_option("blue")
    page.get_by_role("button", name="Submit these updates").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("1.1:")
    assert_fits_a_phone(page)
    look(page, "round-all-phone")
    context.close()
