"""Sign in with your organisation in headless Chromium, through the real test provider (tests/oidc_provider):
the sign-in page's organisation button, the provider's own sign-in page, back into the app; signing out of the
provider too; a first sign-in waiting for a programme manager who links it; the refusal pages. Every new page is
axe-clean at desktop width and at a phone's, and fits the phone."""

import pytest
from playwright.sync_api import expect

from tests.accounts.oidc import PERSON_PASSWORD
from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1280, "height": 900}


def look_at_both_widths(page, name: str) -> None:
    """axe-clean (and a screenshot, with SENDPLAN_SCREENSHOTS) at 1280 px, then at a phone's width, fitting it."""
    page.set_viewport_size(DESKTOP)
    look(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def council_in_browser(council, live_server):
    council.register_app(["http://testserver", live_server.url])
    return council


def sign_in_at_provider(page, username: str) -> None:
    expect(page.get_by_role("heading", name="Sign in to your Test Council account")).to_be_visible()
    page.get_by_label("Work account").fill(username)
    page.get_by_label("Account password").fill(PERSON_PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_a_lead_signs_in_with_their_council_account_and_signs_out_of_both(page, live_server, world, council_in_browser):
    world.alice.email = "alice.moreno@riverside.gov.uk"
    world.alice.save()
    council_in_browser.person("amoreno-b", email="alice.moreno@riverside.gov.uk", email_verified=True)
    base = live_server.url

    page.goto(f"{base}/plans/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()  # the password form stays, for everyone else
    look_at_both_widths(page, "oidc-sign-in")
    page.get_by_role("button", name="Sign in with Riverside Council").click()

    sign_in_at_provider(page, "amoreno-b")

    expect(page.get_by_role("heading", name="Plans")).to_be_visible()  # the page asked for, signed in as alice
    expect(page.get_by_text("Signed in as Alice")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    look_at_both_widths(page, "oidc-signed-out")
    page.get_by_role("button", name="Sign out of Riverside Council").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()

    # Signed out at the provider too: the organisation button asks for the account password again.
    page.get_by_role("button", name="Sign in with Riverside Council").click()
    expect(page.get_by_role("heading", name="Sign in to your Test Council account")).to_be_visible()


def test_a_first_sign_in_waits_and_a_programme_manager_links_it(page, live_server, world, council_in_browser):
    council_in_browser.person("bhale-b", email="b.hale@riverside.gov.uk", email_verified=True, name="Bob Hale")
    base = live_server.url

    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="Sign in with Riverside Council").click()
    sign_in_at_provider(page, "bhale-b")
    expect(page.get_by_role("heading", name="Your sign-in is waiting for a programme manager")).to_be_visible()
    look_at_both_widths(page, "oidc-waiting")

    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/officers/")
    page.get_by_role("link", name="link or refuse it").click()
    expect(page.get_by_role("heading", name="Organisation sign-ins")).to_be_visible()
    look_at_both_widths(page, "oidc-pending-list")
    page.get_by_role("link", name="Link or refuse Bob Hale").click()
    expect(page.get_by_role("heading", name="Link or refuse Bob Hale")).to_be_visible()
    look_at_both_widths(page, "oidc-decide")

    page.get_by_label("Link it to an existing account").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Choose the account to link this sign-in to.")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert page.get_by_label("Link it to an existing account").is_checked()  # the choice made is kept
    look_at_both_widths(page, "oidc-decide-error")

    page.get_by_label("Account to link it to").select_option(label="Bob, Designated Clinical Officer (bob)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Bob Hale can now sign in with Riverside Council as Bob.")).to_be_visible()
    expect(page.get_by_text("No sign-ins are waiting.")).to_be_visible()
    look_at_both_widths(page, "oidc-pending-list-linked")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in with Riverside Council").click()
    # Still signed in at the provider: straight back, as bob.
    expect(page.get_by_text("Signed in as Bob")).to_be_visible()


def test_the_refusal_pages(page, live_server, world, settings, council_in_browser):
    council_in_browser.person("outsider-b", email="someone@gmail.com", email_verified=True)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="Sign in with Riverside Council").click()
    sign_in_at_provider(page, "outsider-b")
    expect(page.get_by_role("heading", name="You cannot sign in with this account")).to_be_visible()
    look_at_both_widths(page, "oidc-refused-domain")

    settings.SENDPLAN_TWO_FACTOR = True
    world.manager.email = "morgan@riverside.gov.uk"
    world.manager.save()
    council_in_browser.person("morgan-b", email="morgan@riverside.gov.uk", email_verified=True, amr=["pwd"])
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("button", name="Sign in with Riverside Council").click()
    sign_in_at_provider(page, "morgan-b")
    expect(page.get_by_role("heading", name="Your organisation did not check a second factor")).to_be_visible()
    look_at_both_widths(page, "oidc-refused-second-factor")
