"""A programme manager closes an area of weakness from its page in real headless Chromium; its action drops out
of the lead's "needs update" and overdue counts, and the manager reopens it. axe-core on every page visited."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import AreaOfWeakness
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD, make_action, make_area

pytestmark = pytest.mark.browser


def test_manager_closes_an_area_and_its_action_leaves_the_leads_counts(page, live_server, world):
    area = make_area(world.plan, "2", "Joint commissioning")
    make_action(area, "2.1", [world.head_of_send], due_date=date(2026, 1, 31), text="Agree a joint commissioning plan")
    base = live_server.url

    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/my-actions/")
    expect(page.locator("main")).to_contain_text("1 is overdue")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{area.get_absolute_url()}")
    page.get_by_role("link", name="Close this area").click()
    expect(page.get_by_role("heading", name="Close this area of weakness")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why is the area closed?").fill("The board agreed the joint plan is in place.")
    page.get_by_role("button", name="Close the area").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the area was closed.")
    expect(page.get_by_label("Why is the area closed?")).to_have_value("The board agreed the joint plan is in place.")
    assert page.title().startswith("Error:")
    assert_accessible(page)

    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_role("button", name="Close the area").click()
    expect(page.get_by_text(f"Area 2 closed on {today:%-d %B %Y}.")).to_be_visible()
    closed = page.locator(".govuk-summary-list__row", has_text="Closed")
    expect(closed).to_contain_text("The board agreed the joint plan is in place.")
    expect(closed).to_contain_text("no longer monitored")
    assert_accessible(page)
    page.get_by_role("link", name="Agree a joint commissioning plan").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("no longer monitored")
    expect(page.get_by_text("Overdue", exact=True)).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/my-actions/")
    expect(page.locator("main")).not_to_contain_text("overdue")
    page.get_by_role("button", name="Sign out").click()

    # Closed by mistake: the manager reopens it.
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{area.get_absolute_url()}")
    page.get_by_role("link", name="Change or reopen the closure").click()
    expect(page.get_by_role("heading", name="Change the closure of this area")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reopen the area").click()
    expect(page.get_by_text("Area 2 is open again")).to_be_visible()
    assert AreaOfWeakness.objects.get(pk=area.pk).closed_on is None
