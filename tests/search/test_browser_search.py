"""In real headless Chromium: a SEND lead searches from the header's search box, finding an action by its reference
and by a word from its text, and narrows the results by kind. The results page is axe-clean at 1280 px and at a
phone's 390 px, where the header's box fits the screen (screenshots when SENDPLAN_SCREENSHOTS is set)."""

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_lead_finds_an_action_by_ref_and_by_a_word_from_the_header(page, live_server, world):
    world.bob_action.text = "Commission a weekly multi-agency panel for needs assessments"
    world.bob_action.save()
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "alice", PASSWORD)
    header_box = page.get_by_role("searchbox", name="Search actions, KPIs, risks and areas")
    header_box.fill("1.2")
    header_box.press("Enter")
    expect(page.get_by_role("heading", name="Search results for “1.2”")).to_be_visible()
    first = page.locator(".app-search-results li").first
    expect(first.get_by_role("link")).to_have_text("Action 1.2")
    look(page, "search-ref-1280")

    page.get_by_role("searchbox", name="Search actions, KPIs, risks and areas").fill("panel")
    page.get_by_role("button", name="Search", exact=True).first.click()
    expect(page.get_by_role("heading", name="Search results for “panel”")).to_be_visible()
    expect(page.locator(".app-search-results")).to_contain_text("Commission a weekly multi-agency panel")
    page.get_by_role("link", name="Action 1.2").click()
    expect(page.get_by_role("heading", name="Action 1.2", exact=True)).to_be_visible()

    page.goto(f"{base}/search/?q=zebra")
    expect(page.get_by_text("Nothing matches “zebra”")).to_be_visible()
    look(page, "search-nothing-1280")

    page.set_viewport_size(PHONE)
    page.goto(f"{base}/search/?q=1.2&kind=actions")
    expect(page.locator(".app-search-results li").first.get_by_role("link")).to_have_text("Action 1.2")
    assert_fits_a_phone(page)
    look(page, "search-ref-390")
    page.goto(f"{base}/my-actions/")
    assert_fits_a_phone(page)
    look(page, "my-actions-with-search-390")
