"""In real headless Chromium: a programme manager adds an organisation and a post on the plan's people page, invites
the person in it, and the invited person sets a password from the emailed link and signs in. Every page is
axe-clean at 1280 px and at a phone's 390 px (assert_fits_a_phone), with screenshots when SENDPLAN_SCREENSHOTS is
set."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

NEW_PASSWORD = "ripe-plum-tandem-42"


def both_widths(page, name: str) -> None:
    """Axe-clean (and a screenshot) at 1280 px and at a phone's width, where nothing scrolls sideways."""
    look(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_manager_adds_a_post_invites_its_holder_who_sets_a_password_and_signs_in(page, live_server, world):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/")
    page.get_by_role("link", name="People and posts").click()
    expect(page.get_by_role("heading", name="People and posts")).to_be_visible()
    both_widths(page, "people")

    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the organisation's full name.")
    both_widths(page, "organisation-new-error")
    page.get_by_label("Full name").fill("Riverside Parent Carer Forum")
    page.get_by_label("Short name (optional)").fill("RPCF")
    page.get_by_label("Parent carer forum").check()
    page.get_by_role("button", name="Add the organisation").click()
    expect(page.get_by_text("Riverside Parent Carer Forum added: it now works on this plan.")).to_be_visible()
    page.get_by_role("link", name="Change Riverside Parent Carer Forum").click()
    expect(page.get_by_label("Full name")).to_have_value("Riverside Parent Carer Forum")
    both_widths(page, "organisation-edit")
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Add a post to Riverside Parent Carer Forum").click()
    expect(page.get_by_label("Organisation")).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Post title").fill("Participation Lead")
    page.get_by_label("Name of the person in the post (optional)").fill("Priya Shah")
    page.get_by_label("Email address (optional)").fill("not-an-email")
    page.get_by_role("button", name="Add the post").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter an email address in the correct format")
    expect(page.get_by_label("Post title")).to_have_value("Participation Lead")
    both_widths(page, "officer-new-error")
    page.get_by_label("Email address (optional)").fill("priya.shah@rpcf.example")
    page.get_by_role("button", name="Add the post").click()
    expect(page.get_by_role("heading", name="Participation Lead", exact=True)).to_be_visible()
    both_widths(page, "officer-page")

    # Changing the post: from the plan's people page, with the person's name left to handovers and corrections.
    page.goto(f"{base}/plans/{world.plan.slug}/officers/")
    page.get_by_role("link", name="Change Participation Lead").click()
    expect(page.get_by_label("Organisation")).to_contain_text("Riverside Parent Carer Forum")
    both_widths(page, "officer-edit")
    page.get_by_label("Post title").fill("Participation and Engagement Lead")
    page.get_by_role("button", name="Save the post").click()
    expect(page.get_by_role("heading", name="Participation and Engagement Lead", exact=True)).to_be_visible()

    page.get_by_role("link", name="Invite to sign in").click()  # on the post's page
    expect(page.get_by_label("Their email address")).to_have_value("priya.shah@rpcf.example")
    expect(page.get_by_label("SEND lead")).to_be_checked()  # the default role
    both_widths(page, "invite")
    page.get_by_label("PCF representative").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Invitation sent to priya.shah@rpcf.example.")).to_be_visible()
    expect(page.get_by_text("invited: no password set yet")).to_be_visible()
    page.get_by_role("link", name="Deactivate their account").click()
    both_widths(page, "deactivate")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("button", name="Sign out").click()

    # The invited person opens the link in the email (the live server shares this process's outbox).
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/accounts/set-password/\S+/)", mail.outbox[0].body).group(1)
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="Set your password")).to_be_visible()
    both_widths(page, "set-password")
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Type the new password again").fill("short")
    page.get_by_role("button", name="Set my password").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("This password is too short.")
    both_widths(page, "set-password-error")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page.get_by_text("Your password is set.")).to_be_visible()
    page.get_by_label("Username").fill("priya.shah@rpcf.example")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as Priya Shah")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    # The link is spent: it says so plainly.
    page.goto(f"{base}{path}")
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    both_widths(page, "set-password-used")
