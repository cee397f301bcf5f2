"""Two leads of one action in two real browsers: the second submits from a form loaded before the first saved,
sees the other change beside theirs with their text kept, looks at the action as it is now in a new tab, submits
again and it saves."""

import pytest
from playwright.sync_api import expect

from actions.models import Action, ProgressUpdate
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_stale_update_is_shown_beside_the_other_and_saves_on_the_second_submit(browser, live_server, world):
    base = live_server.url
    update_url = f"{base}/actions/{world.shared_action.pk}/update/"
    alice_context, bob_context = browser.new_context(), browser.new_context()
    alice, bob = alice_context.new_page(), bob_context.new_page()
    for page, name in ((alice, "alice"), (bob, "bob")):
        page.set_default_timeout(5000)
        sign_in(page, base, name, PASSWORD)
        page.goto(update_url)
        expect(page.get_by_role("heading", name="Update for Spring 2026")).to_be_visible()

    bob.get_by_label("Amber").check()
    bob.get_by_label("Progress", exact=True).fill("Bob's progress: the ICB has funded two therapists.")
    bob.get_by_role("button", name="Submit update").click()
    expect(bob.get_by_text("Update for Spring 2026 saved: 1.3 is now Amber.")).to_be_visible()

    alice.get_by_label("Green").check()
    alice.get_by_label("Progress", exact=True).fill("Alice's progress: panels now meet weekly.")
    alice.get_by_label("Impact").fill("Families hear within six weeks.")
    alice.get_by_role("button", name="Submit update").click()

    refusal = alice.locator(".govuk-error-summary")
    expect(refusal).to_contain_text("Someone else has changed this")
    expect(refusal).to_contain_text("Designated Clinical Officer (Bob Hale) changed")
    progress_row = refusal.locator("tr", has_text="Update for Spring 2026: Progress")
    expect(progress_row).to_contain_text("Bob's progress: the ICB has funded two therapists.")  # theirs
    expect(progress_row).to_contain_text("Alice's progress: panels now meet weekly.")  # beside hers
    expect(alice.get_by_label("Progress", exact=True)).to_have_value("Alice's progress: panels now meet weekly.")
    expect(alice.get_by_label("Impact")).to_have_value("Families hear within six weeks.")
    expect(alice.get_by_label("Green")).to_be_checked()
    assert_accessible(alice)

    # "See it as it is now" opens in a new tab; the form and its text stay where they are.
    with alice_context.expect_page() as opened:
        refusal.get_by_role("link", name="see it as it is now (opens in a new tab)").click()
    current = opened.value
    expect(current.get_by_role("heading", name="Action 1.3")).to_be_visible()
    expect(current.locator("p", has_text="Current rating:").locator(".govuk-tag")).to_have_text("Amber")
    current.close()
    expect(alice.get_by_label("Progress", exact=True)).to_have_value("Alice's progress: panels now meet weekly.")

    alice.get_by_role("button", name="Submit update").click()
    expect(alice.get_by_text("Update for Spring 2026 saved: 1.3 is now Green.")).to_be_visible()
    update = ProgressUpdate.objects.get(action=world.shared_action, period=world.period)
    assert (update.rag, update.progress, update.submitted_by) == (
        "green",
        "Alice's progress: panels now meet weekly.",
        world.alice,
    )
    assert Action.objects.get(pk=world.shared_action.pk).current_rag == "green"
    alice_context.close()
    bob_context.close()
