"""The timeout warning in headless Chromium (WCAG 2.2.1), with a 24-second idle timeout and a 20-second warning: the
dialog is used with the keyboard alone and is axe-clean; staying signed in (Escape, then Enter on the button)
restarts the server's timeout; left alone, the form typed into is posted, the sign-in page says why, and signing in
again shows the form filled in."""

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, assert_accessible, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

TYPED = "Two caseworkers started in January; the backlog is down to 40."


def focus_is_in_the_dialog(page) -> bool:
    return page.evaluate("() => document.activeElement.closest('[role=dialog]') !== null")


def seconds_left(page) -> int:
    answer = page.evaluate("() => fetch('/accounts/session/').then((response) => response.json())")
    assert answer["signed_in"] is True
    return answer["seconds_left"]


def test_the_warning_keeps_a_lead_signed_in_or_keeps_what_they_typed(page, live_server, world, settings):
    settings.SESSION_IDLE_MINUTES = 0.4
    settings.SESSION_WARNING_SECONDS = 20
    base = live_server.url
    url = f"{base}/actions/{world.shared_action.pk}/update/"
    blocked = []
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append(message.text))

    sign_in(page, base, "alice", PASSWORD)
    page.goto(url)
    progress = page.get_by_label("Progress", exact=True)
    progress.fill(TYPED)

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(dialog).to_contain_text("For your security, we will sign you out in")
    assert focus_is_in_the_dialog(page)
    stay = dialog.get_by_role("button", name="Stay signed in")
    leave = dialog.get_by_role("button", name="Sign out")
    # Tab and Shift+Tab go round the dialog's two buttons and never reach the page behind.
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(leave).to_be_focused()
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(leave).to_be_focused()
    look(page, "timeout-dialog-1280")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, "timeout-dialog-390")
    page.set_viewport_size({"width": 1280, "height": 720})

    # Escape is "Stay signed in": the server's idle timeout starts again and focus goes back to the form.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(progress).to_be_focused()
    assert seconds_left(page) >= 21

    # Enter on the button does the same.
    expect(dialog).to_be_visible(timeout=15_000)
    page.keyboard.press("Tab")
    expect(stay).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert seconds_left(page) >= 21
    expect(progress).to_have_value(TYPED)

    # Left alone: the form is posted after the session ran out, kept, and the sign-in page says why.
    expect(dialog).to_be_visible(timeout=15_000)
    expect(page.get_by_text("You were signed out after")).to_be_visible(timeout=40_000)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    sign_in_url = page.url
    assert sign_in_url.startswith(f"{base}/accounts/login/?next=")

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(url)
    expect(
        page.get_by_text("You were signed out. What you typed has been kept: check it and submit again.")
    ).to_be_visible()
    expect(page.get_by_label("Progress", exact=True)).to_have_value(TYPED)
    look(page, "timeout-kept-form-1280")
    assert blocked == []  # the dialog, its styles and the kept form's page break no rule of the CSP


def test_staying_signed_in_in_one_tab_keeps_another_tab_signed_in(page, live_server, world, settings):
    settings.SESSION_IDLE_MINUTES = 0.75  # 45 seconds, warned at 20
    settings.SESSION_WARNING_SECONDS = 20
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    other = page.context.new_page()
    other.goto(f"{base}/actions/")
    first_dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    other_dialog = other.get_by_role("dialog", name="You’re about to be signed out")
    expect(other_dialog).to_be_visible(timeout=35_000)
    expect(first_dialog).to_be_visible(timeout=15_000)

    other_dialog.get_by_role("button", name="Stay signed in").click()
    expect(other_dialog).to_be_hidden()
    # The first tab's open dialog asks the server every 15 seconds, hears there is time again, and closes.
    expect(first_dialog).to_be_hidden(timeout=17_000)
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    assert "/accounts/login/" not in page.url


def test_near_the_absolute_lifetime_the_dialog_says_staying_longer_is_not_possible(page, live_server, world, settings):
    settings.SESSION_MAX_HOURS = 18 / 3600  # the session ends 18 seconds after signing in, however busy
    settings.SESSION_WARNING_SECONDS = 20
    sign_in(page, live_server.url, "alice", PASSWORD)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=10_000)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(dialog).to_contain_text("You have been signed in for as long as is allowed.")
    leave = dialog.get_by_role("button", name="Sign out")
    expect(leave).to_be_focused()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_have_count(0)
    page.keyboard.press("Tab")
    expect(leave).to_be_focused()  # the only button left: focus stays on it
    assert_accessible(page)
