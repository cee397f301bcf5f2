"""The public pages in real headless Chromium, axe-core (WCAG 2.2 AA) on each at desktop and phone widths: a visitor
follows the footer to each page, the programme manager previews and saves a change, and a stale save is refused."""

import pytest
from playwright.sync_api import expect

from statements.services import statement_edit
from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_visitor_reads_each_page_from_the_footer(browser, live_server, world, viewport, size):
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(5000)
    page.goto(f"{live_server.url}/local-offer/")
    for link, heading, name in [
        ("Accessibility statement", "Accessibility statement for", "accessibility"),
        ("Privacy", "Privacy notice", "privacy"),
        ("Cookies", "Cookies", "cookies"),
    ]:
        page.locator("footer").get_by_role("link", name=link, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        expect(page.get_by_text("Last updated:")).to_be_visible()
        if size == "phone":
            assert_fits_a_phone(page)
        look(page, f"statement-{name}-{size}")
    page.context.close()


@pytest.mark.parametrize(("viewport", "size"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_programme_manager_previews_and_saves_a_change(browser, live_server, world, viewport, size):
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(5000)
    sign_in(page, live_server.url, "morgan", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.locator("footer").get_by_role("link", name="Privacy", exact=True).click()
    page.get_by_role("link", name="Change this page").click()
    look(page, f"statement-edit-{size}")

    text = page.get_by_label("Text of the page")
    text.fill("## Who we are\n\nRiverside Council runs this website.\n\n- accounts\n- <b>security logs</b>")
    page.get_by_role("button", name="Preview").click()
    preview = page.get_by_role("region", name="Preview (not saved yet)")
    expect(preview.get_by_role("heading", name="Who we are")).to_be_visible()
    expect(preview.get_by_text("<b>security logs</b>")).to_be_visible()  # shown as typed, never as markup
    if size == "phone":
        assert_fits_a_phone(page)
    look(page, f"statement-preview-{size}")

    # Someone else saves first: the save is refused, showing their change beside this one.
    statement_edit(kind="privacy", body="Their privacy notice.", by=world.manager, expected_version=1)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Someone else has changed this")).to_be_visible()
    expect(text).to_have_value(
        "## Who we are\n\nRiverside Council runs this website.\n\n- accounts\n- <b>security logs</b>"
    )
    look(page, f"statement-stale-{size}")

    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Privacy notice saved")).to_be_visible()
    expect(page.get_by_role("heading", name="Who we are")).to_be_visible()
    look(page, f"statement-saved-{size}")
    page.context.close()
