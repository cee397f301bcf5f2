"""A plan's own fields in real headless Chromium, axe-core on every page: the programme manager defines a field,
a lead fills it in for their action, the action page shows it, and removing it asks first."""

import re

import pytest
from playwright.sync_api import expect

from planfields.models import PlanField, PlanFieldValue
from planfields.services import plan_field_add
from tests.browser import look, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_manager_defines_fields_a_lead_fills_them_in(page, live_server, world):
    base = live_server.url
    plan_field_add(
        plan=world.plan, applies_to="area", label="Success criteria", kind="long", public=True, by=world.manager
    )
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}/plans/{world.plan.slug}/")
    page.get_by_role("link", name="This plan's own fields").click()
    page.get_by_role("button", name="Add a field").click()
    look(page, "field-add")

    # A label already used: refused beside the field, what was typed kept.
    page.get_by_label("Actions", exact=True).check()
    page.get_by_label("Label").fill("Directorate")
    page.get_by_label("Help text (optional)").fill("The directorate that leads the action.")
    page.get_by_role("group", name="Show this field in public reports?").get_by_label("Yes").check()
    page.get_by_role("button", name="Add the field").click()
    expect(page.get_by_text("Field Directorate added")).to_be_visible()
    page.get_by_role("button", name="Add a field").click()
    page.get_by_label("Actions", exact=True).check()
    page.get_by_label("Label").fill("Section")
    page.get_by_role("button", name="Add the field").click()
    page.get_by_role("button", name="Add a field").click()
    page.get_by_label("Actions", exact=True).check()
    page.get_by_label("Label").fill("section")
    page.get_by_role("button", name="Add the field").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("already has a field called section")
    expect(page.get_by_label("Label")).to_have_value("section")
    look(page, "field-add-error")
    page.get_by_role("link", name="Cancel").click()

    # Section before Directorate.
    page.get_by_role("button", name=re.compile("move Section one place earlier")).click()
    expect(page.locator("table").nth(1).locator("tbody tr").first).to_contain_text("Section")
    look(page, "fields-page")
    page.context.clear_cookies()

    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}/actions/{world.alice_action.pk}/")
    page.get_by_role("link", name="Change Directorate").click()
    page.get_by_label("Directorate").fill("Children's Services")
    page.get_by_label("Section").fill("SEND Services")
    look(page, "values-form")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("2 fields saved.")).to_be_visible()
    own = page.locator(".app-own-fields")
    expect(own).to_contain_text("Children's Services")
    assert own.inner_text().index("Section") < own.inner_text().index("Directorate")
    look(page, "action-page-own-fields")
    page.context.clear_cookies()

    sign_in(page, base, "morgan", PASSWORD)
    directorate = PlanField.objects.get(label="Directorate")
    page.goto(f"{base}/fields/{directorate.pk}/remove/")
    expect(page.locator(".govuk-warning-text")).to_contain_text("1 action holds a value under Directorate")
    look(page, "field-remove")
    page.get_by_role("button", name="Remove the field and its 1 value").click()
    expect(page.get_by_text("Field Directorate removed, with its 1 value.")).to_be_visible()
    assert not PlanFieldValue.objects.filter(field__label="Directorate").exists()
