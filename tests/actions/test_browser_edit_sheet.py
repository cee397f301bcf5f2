"""A programme manager edits an area's actions as a sheet in real headless Chromium: two rows changed (a lead
picked with the posts' search box) and one added, saved together; then a second manager's save from a sheet loaded
earlier is refused at the stale row, naming who changed what, with everything they typed kept. axe-core clean,
also at a phone's width, where the wide table scrolls in its own region."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from actions.permissions import Role
from tests import factories
from tests.browser import PHONE, assert_accessible, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_manager_edits_the_sheet_and_a_stale_row_is_refused(page, browser, live_server, world):
    base = live_server.url
    second = factories.make_user("pam", Role.PROGRAMME_MANAGER)
    sheet_path = f"/areas/{world.area.pk}/actions/edit/"

    # The second manager opens the sheet first, and keeps it open.
    other_context = browser.new_context()
    other = other_context.new_page()
    other.set_default_timeout(5000)
    sign_in(other, base, second.username, PASSWORD)
    other.goto(f"{base}{sheet_path}")

    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{world.area.get_absolute_url()}")
    page.get_by_role("link", name="Edit these actions as a sheet").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Edit actions")
    look(page, "sheet-1280")
    # The columns beyond the screen are reached by scrolling the table's own region.
    region = page.get_by_role("region", name="Actions of Area 1, as a sheet to edit")
    region.evaluate("region => { region.scrollLeft = region.scrollWidth; }")
    expect(page.get_by_label("Open or closed, row 1 (action 1.1)", exact=True)).to_be_in_viewport()
    look(page, "sheet-1280-right")
    region.evaluate("region => { region.scrollLeft = 0; }")

    page.get_by_label("Action, row 1 (action 1.1)", exact=True).fill("Issue every EHC plan within 20 weeks")
    page.get_by_label("Due, as the plan words it, row 1 (action 1.1)", exact=True).fill("Summer term 2026")
    # Row 2's leads: open the picker, search the posts, tick one.
    picker = page.locator("#row-2 details").first
    picker.locator("summary").click()
    picker.get_by_label("Search posts").fill("cara")
    expect(picker.get_by_label("Head of SEND (Alice Moreno), Riverside Council")).to_be_hidden()
    picker.get_by_label("SEN Casework Manager (Cara Dune), Riverside Council").check()
    expect(picker.locator("summary")).to_contain_text("SEN Casework Manager (Cara Dune)")
    page.get_by_label("Ref, row 5", exact=True).fill("1.5")
    page.get_by_label("Action, row 5", exact=True).fill("Train every SENCO in the new needs assessment pathway")
    assert_accessible(page)
    page.get_by_role("button", name="Save all changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved: 2 actions changed, 1 added.")
    assert Action.objects.get(pk=world.alice_action.pk).due_label == "Summer term 2026"
    assert set(Action.objects.get(pk=world.bob_action.pk).leads.all()) == {world.dco, world.council_colleague}
    assert Action.objects.filter(area=world.area, ref="1.5").exists()

    # The second manager, on the sheet loaded before, changes 1.1 (stale) and 1.4 (not), and saves.
    other.get_by_label("Due, as the plan words it, row 1 (action 1.1)", exact=True).fill("Autumn term 2026")
    other.get_by_label("Due, as the plan words it, row 4 (action 1.4)", exact=True).fill("Spring term 2027")
    other.get_by_role("button", name="Save all changes").click()
    expect(other.locator(".govuk-error-summary")).to_contain_text("Row 1 (action 1.1): Morgan changed")
    stale = other.locator("#row-1-stale")
    expect(stale).to_contain_text("Row 1 was not saved: someone else has changed action 1.1")
    expect(stale).to_contain_text("Summer term 2026")  # what Morgan changed it to
    expect(stale).to_contain_text("Autumn term 2026")  # beside what Pam typed
    expect(other.get_by_label("Due, as the plan words it, row 1 (action 1.1)", exact=True)).to_have_value(
        "Autumn term 2026"
    )
    expect(other.get_by_label("Due, as the plan words it, row 4 (action 1.4)", exact=True)).to_have_value(
        "Spring term 2027"
    )
    expect(other.get_by_label("Action, row 1 (action 1.1)", exact=True)).to_have_value(
        "Issue every EHC plan within 20 weeks"
    )
    assert Action.objects.get(pk=world.colleague_action.pk).due_label == ""  # all or nothing
    look(other, "sheet-stale-1280")

    other.set_viewport_size(PHONE)
    assert_fits_a_phone(other)
    look(other, "sheet-stale-390")
    page.set_viewport_size(PHONE)
    page.goto(f"{base}{sheet_path}")
    assert_fits_a_phone(page)
    page.locator("#row-1 details summary").first.click()
    look(page, "sheet-390")

    # Saving again, having seen Morgan's change, saves what Pam typed.
    other.get_by_role("button", name="Save all changes").click()
    expect(other.locator(".govuk-notification-banner")).to_contain_text("Saved: 2 actions changed.")
    assert Action.objects.get(pk=world.alice_action.pk).due_label == "Autumn term 2026"
    # Row 2, which Pam never touched, keeps the lead Morgan added; Morgan's new wording of 1.1, which Pam left
    # alone, was shown to her as it is now and is kept.
    assert set(Action.objects.get(pk=world.bob_action.pk).leads.all()) == {world.dco, world.council_colleague}
    assert Action.objects.get(pk=world.alice_action.pk).text == "Issue every EHC plan within 20 weeks"
    other_context.close()


def test_the_sheet_works_without_javascript(browser, live_server, world):
    """No script at all: the pickers are native <details> with checkboxes, "Add 3 more blank rows" is a button that
    keeps what was typed, and saving is a plain form post."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, live_server.url, "morgan", PASSWORD)
    page.goto(f"{live_server.url}/areas/{world.area.pk}/actions/edit/")
    page.get_by_label("Action, row 4 (action 1.4)", exact=True).fill("Typed before adding rows")
    page.get_by_role("button", name="Add 3 more blank rows").click()
    expect(page.get_by_label("Ref, row 10", exact=True)).to_be_visible()
    expect(page.get_by_label("Action, row 4 (action 1.4)", exact=True)).to_have_value("Typed before adding rows")
    picker = page.locator("#row-4 details").nth(1)  # accountable
    picker.locator("summary").click()
    expect(picker.get_by_label("Search posts")).to_have_count(0)  # the search box is JavaScript's
    picker.get_by_label("Designated Clinical Officer (Bob Hale), Riverside ICB").check()
    page.get_by_label("Ref, row 9", exact=True).fill("1.6")
    page.get_by_label("Action, row 9", exact=True).fill("Added without JavaScript")
    # (axe-core is a script: the page is checked with it in the test above.)
    page.get_by_role("button", name="Save all changes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Saved: 1 action changed, 1 added.")
    colleague = Action.objects.get(pk=world.colleague_action.pk)
    assert colleague.text == "Typed before adding rows"
    assert list(colleague.accountable_officers.all()) == [world.dco]
    assert Action.objects.get(area=world.area, ref="1.6").text == "Added without JavaScript"
    context.close()
