"""The Local Offer's new links and page in headless Chromium, as an anonymous visitor: the published report's open
data links and feed, the plan page's chair's updates, and a chair's update page; axe-core on each, at desktop width
and at a phone's (where nothing scrolls sideways). The world is tests/reports/test_open_data.py's, with everything
that must stay inside present (evidence files not publishable, removed or on a draft among them)."""

import pytest
from playwright.sync_api import expect

from tests.browser import PHONE, assert_fits_a_phone, look
from tests.reports.test_open_data import published, stand_in_pdf  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def test_public_pages_link_open_data_feeds_and_chair_updates(page, live_server, published):  # noqa: F811
    base, slug, report = live_server.url, published.plan.slug, published.report
    for width, suffix in [({"width": 1280, "height": 900}, "desktop"), (PHONE, "phone")]:
        page.set_viewport_size(width)
        page.goto(f"{base}/local-offer/")
        expect(page.get_by_role("link", name="Follow new reports on every plan")).to_be_visible()
        look(page, f"open-data-index-{suffix}")

        page.get_by_role("link", name="Riverside: Written Statement of Action").click()
        expect(page.get_by_role("heading", name="Updates from the board's chair")).to_be_visible()
        expect(page.get_by_role("link", name="Follow new reports on this plan")).to_be_visible()
        look(page, f"open-data-plan-{suffix}")

        page.goto(f"{base}/local-offer/{slug}/{report.pk}/")
        section = page.locator("section.app-report-open-data")
        expect(section.get_by_role("heading", name="This report's figures as open data")).to_be_visible()
        expect(section.get_by_role("link", name="Actions and progress in Spring 2026 (CSV)")).to_have_attribute(
            "href", f"/local-offer/{slug}/{report.pk}/actions.csv"
        )
        expect(section.get_by_role("link", name="Everything in the report's tables (JSON)")).to_be_visible()
        expect(section.get_by_role("link", name="Open Government Licence v3.0")).to_be_visible()
        expect(page.locator("head link[rel=alternate][type='application/atom+xml']")).to_have_count(1)
        evidence = page.locator("section.app-report-evidence")
        expect(evidence.get_by_role("link", name="published-audit.pdf")).to_be_visible()
        expect(evidence.locator("li")).to_have_count(1)
        expect(page.locator("body")).not_to_contain_text("Bob Hale")
        look(page, f"open-data-report-{suffix}")
        if width == PHONE:
            assert_fits_a_phone(page)

        page.goto(f"{base}/local-offer/{slug}/")
        page.get_by_role("link", name="SEND Improvement Board").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Chair's update: SEND Improvement Board")
        expect(page.get_by_text("We agreed to fund two EHC plan coordinators.")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("SECRET MINUTES")
        look(page, f"open-data-chair-update-{suffix}")
        if width == PHONE:
            assert_fits_a_phone(page)
