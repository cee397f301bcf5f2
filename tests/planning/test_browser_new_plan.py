"""A new programme manager sets up a plan from nothing to an open round in headless Chromium, never visiting the
admin: the plan with a new partner organisation and termly periods, an area with a finding and an outcome, a
period changed, and the first round opened. axe-core on every page; then every set-up page at a phone's width."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from actions.models import Finding, Organisation, Outcome, Plan, ReportingPeriod
from tests import factories
from tests.browser import PHONE, assert_accessible, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def date_input(page, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_a_manager_sets_up_a_plan_from_nothing_to_an_open_round(page, live_server, world):
    base = live_server.url
    visited = []
    page.on("request", lambda request: visited.append(request.url))
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/")
    page.get_by_role("button", name="Start a new plan").click()
    look(page, "plan-new")

    page.get_by_label("Priority Action Plan").check()
    page.get_by_label("Local area").fill("Kestlebury")
    page.get_by_label("Title").fill("Priority Action Plan")
    page.get_by_label("Riverside Council (Council)").check()
    page.get_by_label("New organisation 1: name").fill("Kestlebury Parent Carer Forum")
    page.get_by_label("New organisation 1: kind").select_option(label="Parent carer forum")
    # No start date yet: refused, everything typed still there.
    page.get_by_role("button", name="Start the plan").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date the plan starts")
    expect(page.get_by_label("New organisation 1: name")).to_have_value("Kestlebury Parent Carer Forum")
    expect(page.get_by_label("Riverside Council (Council)")).to_be_checked()
    look(page, "plan-new-error")
    date_input(page, "Plan starts", "1", "9", "2026")
    expect(page.get_by_label(re.compile("^Termly"))).to_be_checked()
    page.get_by_role("button", name="Start the plan").click()

    expect(page.get_by_text("Priority Action Plan started, with 6 reporting periods")).to_be_visible()
    plan = Plan.objects.get(local_area="Kestlebury")
    assert {o.name for o in plan.partner_organisations.all()} == {"Riverside Council", "Kestlebury Parent Carer Forum"}
    assert Organisation.objects.filter(name="Kestlebury Parent Carer Forum", kind="pcf").exists()
    look(page, "setup-areas-empty")

    page.get_by_role("button", name="Add an area").click()
    page.get_by_label("Area for priority action").check()
    page.get_by_label("Number or reference").fill("1")
    page.get_by_label("Title").fill("Children wait too long for an EHC needs assessment")
    page.get_by_label("Head of SEND (Alice Moreno), Riverside Council").check()
    look(page, "area-add")
    page.get_by_role("button", name="Add the area").click()
    expect(page.get_by_text("Area for priority action 1: Children wait too long")).to_be_visible()

    page.get_by_role("button", name="Add a finding").click()
    page.get_by_label("Reference (optional)").fill("1.1")
    page.get_by_label("Text").fill("Too many EHC plans are issued after 20 weeks.")
    look(page, "finding-add")
    page.get_by_role("button", name="Add the finding").click()
    page.get_by_role("button", name="Add an outcome").click()
    page.get_by_label("Reference (optional)").fill("a")
    page.get_by_label("Text").fill("Families receive their plan within 20 weeks.")
    page.get_by_role("button", name="Add the outcome").click()
    expect(page.get_by_text("Too many EHC plans are issued after 20 weeks.")).to_be_visible()
    expect(page.get_by_text("Families receive their plan within 20 weeks.")).to_be_visible()
    look(page, "area-setup")
    page.get_by_role("link", name="All the plan's areas").click()
    look(page, "setup-areas")

    # The plan's pages: details and key.
    page.goto(f"{base}/plans/{plan.slug}/")
    page.get_by_role("link", name="Change the plan's details").click()
    look(page, "plan-edit")
    page.get_by_label("Inspection, as the plan writes it (optional)").fill("March 2026")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_text("The plan's details are saved.")).to_be_visible()
    page.get_by_role("link", name="RAG key", exact=True).click()
    look(page, "rag-key")
    page.get_by_label("Word for white").fill("")
    page.get_by_label("What white means").fill("")
    page.get_by_role("button", name="Save the key").click()
    expect(page.get_by_text("The RAG key is saved.")).to_be_visible()
    assert not plan.rag_key.filter(code="white").exists()

    # Periods, from the rounds page: an overlapping one is refused; the first gets its deadline.
    page.get_by_role("link", name="Reporting rounds").click()
    expect(page.get_by_role("link", name="Autumn term 2026", exact=True)).to_be_visible()
    look(page, "rounds")
    page.get_by_role("button", name="Add a reporting period").click()
    page.get_by_label("Name").fill("Extra review")
    date_input(page, "Starts", "1", "12", "2026")
    date_input(page, "Ends", "31", "1", "2027")
    page.get_by_role("button", name="Add the period").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("These dates overlap Autumn term 2026")
    expect(page.get_by_label("Name")).to_have_value("Extra review")
    look(page, "period-add-error")
    page.get_by_role("link", name="Cancel").click()
    page.get_by_role("link", name="Change Autumn term 2026").click()
    date_input(page, "Updates due by (optional)", "11", "12", "2026")
    look(page, "period-edit")
    page.get_by_role("button", name="Save the period").click()
    expect(page.get_by_text("Autumn term 2026 is saved.")).to_be_visible()

    page.get_by_role("link", name="Open Autumn term 2026 for updates").click()
    look(page, "round-open")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_text("Autumn term 2026 is open for updates until 11 December 2026")).to_be_visible()
    look(page, "round-opened")
    assert ReportingPeriod.objects.get(plan=plan, name="Autumn term 2026").status == "open"
    assert not [url for url in visited if "/admin/" in url]


def test_every_set_up_page_fits_a_phone(browser, live_server, world):
    base = live_server.url
    finding = Finding.objects.create(area=world.area, ref="1.1", text="Too many EHC plans are issued after 20 weeks.")
    outcome = Outcome.objects.create(area=world.area, ref="a", text="Families receive their plan within 20 weeks.")
    factories.make_area(world.plan, "2", "Joint commissioning")  # two areas: the order column has its buttons
    slug, area, period = world.plan.slug, world.area.pk, world.closed_period.pk
    pages = {
        "plan-new": "/plans/new/",
        "plan-edit": f"/plans/{slug}/details/",
        "rag-key": f"/plans/{slug}/rag-key/",
        "setup-areas": f"/plans/{slug}/setup/areas/",
        "area-add": f"/plans/{slug}/setup/areas/add/",
        "area-setup": f"/areas/{area}/setup/",
        "area-edit": f"/areas/{area}/setup/details/",
        "finding-add": f"/areas/{area}/findings/add/",
        "finding-edit": f"/findings/{finding.pk}/",
        "finding-remove": f"/findings/{finding.pk}/remove/",
        "outcome-edit": f"/outcomes/{outcome.pk}/",
        "outcome-remove": f"/outcomes/{outcome.pk}/remove/",
        "period-add": f"/plans/{slug}/periods/add/",
        "period-edit": f"/periods/{period}/edit/",
        "period-remove": f"/periods/{period}/remove/",
        # The open round's period cannot be removed: the page says why instead of offering the button.
        "period-remove-refused": f"/periods/{world.period.pk}/remove/",
        "rounds": f"/plans/{slug}/rounds/",
    }
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(5000)
    sign_in(page, base, "morgan", PASSWORD)
    for name, address in pages.items():
        response = page.goto(f"{base}{address}")
        assert response.status == 200, address
        assert_accessible(page)
        assert_fits_a_phone(page)
        if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):
            page.screenshot(path=str(Path(folder) / f"{name}-phone.png"), full_page=True)
    context.close()
