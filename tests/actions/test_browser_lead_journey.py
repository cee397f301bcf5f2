"""A SEND lead's journey in real headless Chromium, with axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from actions.models import ProgressUpdate
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_lead_updates_an_action_after_fixing_an_error(page, live_server, world):
    base = live_server.url
    page.goto(f"{base}/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/")
    assert_accessible(page)

    sign_in(page, base, "alice", PASSWORD)
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    expect(page.get_by_text("2 actions still need an update")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Action 1.1: improve the 20-week EHCP timeline").click()
    expect(page.get_by_role("heading", name="Action 1.1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("tab", name="History").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Add the update for Spring 2026").click()
    expect(page.get_by_role("heading", name="Update for Spring 2026")).to_be_visible()
    assert_accessible(page)

    # Red without a recovery note: refused, with the error beside the field and the typed text kept.
    page.get_by_label("Red").check()
    page.get_by_label("Progress", exact=True).fill("The new caseworkers did not start in January.")
    page.get_by_role("button", name="Submit update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say what will bring this action back on track, and by when.")
    expect(page.locator("#id_recovery_note-error")).to_be_visible()
    expect(page.get_by_label("Progress", exact=True)).to_have_value("The new caseworkers did not start in January.")
    expect(page.get_by_label("Red")).to_be_checked()
    assert page.title().startswith("Error:")
    assert_accessible(page)

    summary.get_by_role("link").click()
    expect(page.get_by_label("Recovery note")).to_be_focused()
    page.get_by_label("Recovery note").fill("Agency caseworkers start in May; back on track by July.")
    page.get_by_role("button", name="Submit update").click()

    expect(page.get_by_text("Update for Spring 2026 saved: 1.1 is now Red.")).to_be_visible()
    expect(page.locator("p", has_text="Current rating:").locator(".govuk-tag")).to_have_text("Red")
    assert_accessible(page)
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    assert (update.rag, update.submitted_by) == ("red", world.alice)

    page.get_by_role("tab", name="Progress updates (1)").click()
    expect(page.locator("#updates")).to_contain_text("Agency caseworkers start in May")
    page.get_by_role("tab", name="History").click()
    expect(page.locator("#history")).to_contain_text("Head of SEND (Alice Moreno)")


def test_reader_browses_plan_area_and_filtered_action_list(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "charlie", PASSWORD)
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Riverside: Written Statement of Action").click()
    expect(page.get_by_role("heading", name="RAG key")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="1. Timeliness of EHC plans").click()
    expect(page.get_by_role("heading", name="Area 1: Timeliness of EHC plans")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="All actions").click()
    expect(page.get_by_text("4 actions.", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Lead", exact=True).select_option(label="Designated Clinical Officer (Bob Hale)")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("2 actions.", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these 2 actions as CSV").click()
    assert download.value.suggested_filename.startswith("actions-")
    assert_accessible(page)
    # A read-only reader gets no update button.
    page.get_by_role("link", name="Action 1.2: improve the 20-week EHCP timeline").click()
    expect(page.get_by_role("button", name="Add the update for Spring 2026")).to_have_count(0)


def test_second_of_two_simultaneous_edits_is_refused_and_keeps_the_text(browser, live_server, world):
    base = live_server.url
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    sign_in(alice, base, "alice", PASSWORD)
    sign_in(bob, base, "bob", PASSWORD)
    form_url = f"{base}/actions/{world.shared_action.pk}/update/"
    alice.goto(form_url)
    bob.goto(form_url)

    bob.get_by_label("Amber").check()
    bob.get_by_label("Progress", exact=True).fill("Bob: health advice audit started.")
    bob.get_by_role("button", name="Submit update").click()
    expect(bob.get_by_text("is now Amber")).to_be_visible()

    alice.get_by_label("Green").check()
    alice.get_by_label("Progress", exact=True).fill("Alice: panel running weekly.")
    alice.get_by_label("Impact").fill("Families hear within 6 weeks.")
    alice.get_by_role("button", name="Submit update").click()
    expect(alice.get_by_role("heading", name="Someone else has changed this")).to_be_visible()
    expect(alice.locator(".govuk-error-summary")).to_contain_text("Designated Clinical Officer (Bob Hale) changed")
    expect(alice.locator(".govuk-error-summary")).to_contain_text("Bob: health advice audit started.")
    expect(alice.get_by_label("Progress", exact=True)).to_have_value("Alice: panel running weekly.")
    assert_accessible(alice)
    update = ProgressUpdate.objects.get(action=world.shared_action, period=world.period)
    assert (update.rag, update.progress) == ("amber", "Bob: health advice audit started.")


def test_lead_saves_a_draft_and_submits_it_later(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/update/")
    page.get_by_label("Green").check()
    page.get_by_label("Progress", exact=True).fill("The panel now sits weekly; the March figures are still to come.")
    # Green needs impact to be submitted, but a draft may be unfinished.
    page.get_by_role("button", name="Save as draft").click()

    expect(page.get_by_text("Draft saved. It is not part of the plan's progress until you submit it.")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("is a draft, saved by Head of SEND (Alice Moreno)")
    expect(page.locator("p", has_text="Current rating:").locator(".govuk-tag")).to_have_text("Not rated")
    assert_accessible(page)

    page.goto(f"{base}/my-actions/")
    expect(page.get_by_text("(1 with a draft saved, not yet submitted)")).to_be_visible()
    expect(page.locator("strong.govuk-tag", has_text="Draft saved")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Action 1.1: improve the 20-week EHCP timeline").click()
    page.get_by_role("button", name="Continue the draft update for Spring 2026").click()
    expect(page.get_by_label("Progress", exact=True)).to_have_value(
        "The panel now sits weekly; the March figures are still to come."
    )
    expect(page.get_by_label("Green")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Impact").fill("Families hear the panel's decision within six weeks.")
    page.get_by_role("button", name="Submit update").click()

    expect(page.get_by_text("Update for Spring 2026 saved: 1.1 is now Green.")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_have_count(0)
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    assert (update.status, update.rag) == ("submitted", "green")
