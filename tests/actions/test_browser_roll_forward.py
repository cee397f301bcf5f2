"""A programme manager rolls a plan forward in real headless Chromium, with axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from actions.models import Action, Plan
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD, make_action, make_area

pytestmark = pytest.mark.browser


def test_manager_rolls_a_plan_forward_with_one_area_and_one_action(page, live_server, world):
    other_area = make_area(world.plan, "2", "Joint commissioning")
    make_action(other_area, "2.1", [world.dco])
    base = live_server.url
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{world.plan.get_absolute_url()}")
    page.get_by_role("link", name="Roll forward into a new plan").click()
    expect(page.get_by_role("heading", name="Roll forward into a new plan")).to_be_visible()
    assert_accessible(page)

    # A first try without a start date: refused beside the field, with the choices kept.
    page.get_by_label("Accelerated Progress Plan").check()
    page.get_by_label("Title").fill("Accelerated Progress Plan")
    page.get_by_label("Web address").fill("riverside-app")
    page.get_by_label("1. Timeliness of EHC plans").check()
    page.get_by_label("1.1 Action 1.1: improve the 20-week EHCP timeline").check()
    page.get_by_role("button", name="Create the new plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the new plan starts.")
    expect(page.locator("#id_start_date-error")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Accelerated Progress Plan")
    expect(page.get_by_label("1.1 Action 1.1: improve the 20-week EHCP timeline")).to_be_checked()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("9")
    start.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Create the new plan").click()
    expect(page.get_by_text("1 area and 1 action carried forward.")).to_be_visible()
    expect(page.get_by_role("heading", name="Accelerated Progress Plan")).to_be_visible()
    expect(page.get_by_role("link", name="Riverside: Written Statement of Action")).to_be_visible()  # "Follows"
    assert_accessible(page)
    plan = Plan.objects.get(slug="riverside-app")
    assert list(plan.areas.values_list("ref", flat=True)) == ["1"]

    with page.expect_navigation():  # axe runs on the area's page, not on the page being left
        page.get_by_role("link", name="1. Timeliness of EHC plans").click()
    assert_accessible(page)
    page.get_by_role("link", name="Action 1.1: improve the 20-week EHCP timeline").click()
    expect(page.get_by_role("heading", name="Action 1.1")).to_be_visible()
    row = page.locator(".govuk-summary-list__row", has_text="Carried from")
    expect(row).to_contain_text("Action 1.1 of Written Statement of Action")
    assert_accessible(page)

    row.get_by_role("link").click()
    status = page.locator(".govuk-summary-list__row", has=page.get_by_text("Status", exact=True))
    expect(status).to_contain_text("Carried forward to a new plan")
    expect(page.get_by_role("link", name="Action 1.1 of Accelerated Progress Plan")).to_be_visible()
    assert_accessible(page)
    assert Action.objects.get(pk=world.alice_action.pk).status == "carried_forward"


def test_an_action_already_due_is_carried_with_a_new_due_date_and_keeps_the_old_one(page, live_server, world):
    from datetime import date

    Action.objects.filter(pk=world.alice_action.pk).update(due_date=date(2026, 3, 31))
    base = live_server.url
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{world.plan.get_absolute_url()}roll-forward/")
    page.get_by_label("Accelerated Progress Plan").check()
    page.get_by_label("Title").fill("Accelerated Progress Plan")
    page.get_by_label("Web address").fill("riverside-app")
    start = page.get_by_role("group", name="Start date")
    start.get_by_label("Day").fill("1")
    start.get_by_label("Month").fill("9")
    start.get_by_label("Year").fill("2026")
    page.get_by_label("1. Timeliness of EHC plans").check()
    carried = page.get_by_label("1.1 Action 1.1: improve the 20-week EHCP timeline (due 31 March 2026)")
    carried.check()
    page.get_by_role("button", name="Create the new plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("would be overdue on its first day")
    expect(carried).to_be_checked()
    assert_accessible(page)

    new_due = page.get_by_role("group", name="New due date for carried actions already due")
    new_due.get_by_label("Day").fill("28")
    new_due.get_by_label("Month").fill("2")
    new_due.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Create the new plan").click()
    expect(page.get_by_text("1 area and 1 action carried forward.")).to_be_visible()
    copy = Action.objects.get(area__plan__slug="riverside-app", ref="1.1")
    page.goto(f"{base}{copy.get_absolute_url()}")
    due = page.locator(".govuk-summary-list__row", has=page.get_by_text("Due", exact=True))
    expect(due).to_contain_text("Revised to 28 Feb 2027")
    expect(due).to_contain_text("it was due March 2026 (31 March 2026)")
    expect(due).not_to_contain_text("Overdue")
    assert_accessible(page)
