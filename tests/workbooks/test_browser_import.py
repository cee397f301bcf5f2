"""The programme manager imports a plan workbook in headless Chromium: upload, see problems, upload a corrected
one, preview, confirm, land on the plan. axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD
from tests.workbook_builders import ACTIONS_XML, LAUGHS, oxfordshire_tracker, rewritten, workbook

pytestmark = pytest.mark.browser


def test_upload_problems_then_preview_then_confirm(page, live_server, world, tmp_path):
    bad_sheets = oxfordshire_tracker()
    bad_sheets["Actions"][1][4] = "Spring"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(bad_sheets).getvalue())
    good = tmp_path / "oxfordshire.xlsx"
    good.write_bytes(workbook(oxfordshire_tracker()).getvalue())

    sign_in(page, live_server.url, "morgan", PASSWORD)
    page.get_by_role("link", name="Plans").click()
    page.get_by_role("button", name="Import a plan").click()
    expect(page.get_by_role("heading", name="Import a plan")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Plan file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Problems in the workbook")).to_be_visible()
    expect(page.locator("table")).to_contain_text("Spring")
    expect(page.locator("table")).to_contain_text("By When")
    assert_accessible(page)
    assert not Action.objects.filter(ref="1.1", area__plan__local_area="Oxfordshire").exists()

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Plan file").set_input_files(str(good))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Check what the import will do")).to_be_visible()
    expect(page.locator("tr", has_text="Action")).to_contain_text("6")
    assert_accessible(page)
    assert not Action.objects.filter(area__plan__local_area="Oxfordshire").exists()  # still nothing written

    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported oxfordshire.xlsx")).to_be_visible()
    expect(page.get_by_role("heading", name="Accelerated Progress Plan")).to_be_visible()
    assert_accessible(page)
    assert Action.objects.filter(area__plan__local_area="Oxfordshire").count() == 6


def test_the_preview_warns_about_a_placeholder_lead_and_a_hostile_file_is_a_listed_problem(
    page, live_server, world, tmp_path
):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][3] = "TBC"
    tbc = tmp_path / "tbc.xlsx"
    tbc.write_bytes(workbook(sheets).getvalue())
    laughs = tmp_path / "laughs.xlsx"
    laughs.write_bytes(
        rewritten(
            oxfordshire_tracker(), ACTIONS_XML, lambda xml: LAUGHS + xml.replace(b"JSNA Team", b"&lol9;")
        ).getvalue()
    )

    sign_in(page, live_server.url, "morgan", PASSWORD)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Plan file").set_input_files(str(laughs))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Problems in the workbook")).to_be_visible()
    expect(page.locator("table")).to_contain_text("declares XML entities")
    assert_accessible(page)

    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Plan file").set_input_files(str(tbc))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Check what the import will do")).to_be_visible()
    expect(page.get_by_text("Check these before you confirm")).to_be_visible()
    expect(page.get_by_text("“TBC” is a placeholder, not a person")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported tbc.xlsx")).to_be_visible()
    assert list(Action.objects.get(ref="1.2", area__plan__local_area="Oxfordshire").leads.all()) == []
