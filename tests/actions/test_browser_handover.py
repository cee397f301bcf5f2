"""A programme manager hands a post over in real headless Chromium, from the action page's lead name: the
officer page, its forms (with an error shown again) and axe-core on each; a screenshot of the officer page."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_manager_hands_over_a_post_from_the_action_page(page, live_server, world, tmp_path):
    base = live_server.url
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{world.alice_action.get_absolute_url()}")
    page.get_by_role("link", name="Head of SEND (Alice Moreno)").first.click()
    expect(page.get_by_role("heading", name="Head of SEND", exact=True)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Hand over this post").click()
    page.get_by_label("New person's full name").fill("Dev Patel")
    page.get_by_role("button", name="Hand over the post").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the new person took over the post.")
    expect(page.get_by_label("New person's full name")).to_have_value("Dev Patel")
    assert_accessible(page)
    page.get_by_label("Day").fill("5")
    page.get_by_label("Month").fill("1")
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Hand over the post").click()
    expect(page.get_by_text("Dev Patel holds the post of Head of SEND from 5 January 2026")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Alice Moreno")
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "officer-page.png"), full_page=True)

    page.get_by_role("link", name="Correct the name").click()
    expect(page.get_by_label("The name as it should be spelt")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{base}/plans/{world.plan.slug}/officers/")
    expect(page.get_by_role("link", name="Head of SEND", exact=True)).to_be_visible()
    assert_accessible(page)
