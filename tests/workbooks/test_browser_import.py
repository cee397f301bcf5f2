"""The programme manager imports a plan workbook in headless Chromium: upload, see problems, upload a corrected
one, preview, confirm, land on the plan. axe-core on every page visited."""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser import PHONE, assert_accessible, assert_fits_a_phone, look, sign_in
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
    summary = page.get_by_role("table", name="Summary")
    expect(summary.locator("tr", has=page.get_by_role("rowheader", name="Action", exact=True))).to_contain_text("6")
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


def test_a_councils_tracker_is_mapped_previewed_and_imported_then_next_terms_file_reopens_as_confirmed(
    page, live_server, world, tmp_path
):
    from io import BytesIO

    from openpyxl import load_workbook

    from actions.models import Plan, ProgressUpdate
    from tests.workbooks import tracker_builders

    tracker = tmp_path / "northshire.xlsx"
    tracker.write_bytes(tracker_builders.council_tracker().data)
    sign_in(page, live_server.url, "morgan", PASSWORD)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Plan file").set_input_files(str(tracker))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Check what each column holds")).to_be_visible()
    expect(page.get_by_label("What “Lead Officer” holds")).to_have_value("leads")
    expect(page.get_by_label("Round of “Update Jan 2025”")).to_have_value("January 2025")
    look(page, "tracker-mapping")
    page.set_viewport_size(PHONE)
    assert_fits_a_phone(page)
    look(page, "tracker-mapping-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    # Without the new plan's facts the page says what is missing, keeping every choice made.
    page.get_by_label("What “Comments” holds").select_option("own")
    page.get_by_label("Name of the plan's own field for “Comments”").fill("Programme office notes")
    page.get_by_label("A new plan").check()
    page.get_by_role("button", name="Check what the import will do").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page.get_by_role("link", name="Enter the plan's title.")).to_be_visible()
    expect(page.get_by_label("Name of the plan's own field for “Comments”")).to_have_value("Programme office notes")
    look(page, "tracker-mapping-errors")

    page.get_by_label("Local area").fill("Northshire")
    page.get_by_label("Title of the plan").fill("Written Statement of Action")
    page.get_by_role("radio", name="Written Statement of Action", exact=True).check()
    started = page.get_by_role("group", name="Date the plan started")
    started.get_by_label("Day").fill("1")
    started.get_by_label("Month").fill("9")
    started.get_by_label("Year").fill("2024")
    page.get_by_label("The round this file reports").fill("Spring term 2025")
    page.get_by_role("button", name="Check what the import will do").click()
    expect(page.get_by_role("heading", name="Check what the import will do")).to_be_visible()
    look(page, "tracker-preview")
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported northshire.xlsx")).to_be_visible()
    plan = Plan.objects.get(local_area="Northshire")
    assert ProgressUpdate.objects.filter(action__area__plan=plan, period__name="January 2025").count() == 3

    book = load_workbook(BytesIO(tracker.read_bytes()))
    book.active["I4"], book.active["I5"] = "Update Apr 2025", "Strategy published"
    spring = tmp_path / "northshire-april.xlsx"
    book.save(spring)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Plan file").set_input_files(str(spring))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_text("This file looks like the tracker of")).to_be_visible()
    expect(page.get_by_label("Northshire: Written Statement of Action")).to_be_checked()
    expect(page.get_by_label("Name of the plan's own field for “Comments”")).to_have_value("Programme office notes")
    expect(page.get_by_label("Round of “Update Apr 2025”")).to_have_value("April 2025")
    look(page, "tracker-mapping-next-term")
    page.get_by_label("The round this file reports").fill("Summer term 2025")
    page.get_by_role("button", name="Check what the import will do").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported northshire-april.xlsx")).to_be_visible()
    assert ProgressUpdate.objects.get(action__area__plan=plan, period__name="April 2025").progress == (
        "Strategy published"
    )


def test_a_trackers_own_status_words_are_chosen_on_the_mapping_page(page, live_server, world, tmp_path):
    from actions.models import Action
    from tests.workbooks import tracker_builders

    tracker = tmp_path / "directorate.xlsx"
    tracker.write_bytes(tracker_builders.directorate_tracker().data)
    sign_in(page, live_server.url, "morgan", PASSWORD)
    page.goto(f"{live_server.url}/imports/")
    page.get_by_label("Plan file").set_input_files(str(tracker))
    page.get_by_role("button", name="Upload and continue").click()
    expect(page.get_by_role("heading", name="Words the app does not know")).to_be_visible()
    page.get_by_label("A new plan").check()
    page.get_by_label("Local area").fill("Westmere")
    page.get_by_label("Title of the plan").fill("Improvement plan")
    page.get_by_role("radio", name="Improvement plan", exact=True).check()
    started = page.get_by_role("group", name="Date the plan started")
    for part, value in (("Day", "1"), ("Month", "4"), ("Year", "2025")):
        started.get_by_label(part).fill(value)
    page.get_by_label("The round this file reports").fill("Spring term 2025")
    page.get_by_label("“On track” in a rating column").select_option("green")
    look(page, "tracker-mapping-words")
    page.get_by_role("button", name="Check what the import will do").click()
    expect(page.get_by_role("link", name="Choose what “Off track” means in a rating column.")).to_be_visible()
    expect(page.get_by_label("“On track” in a rating column")).to_have_value("green")
    assert_accessible(page)
    page.get_by_label("“Off track” in a rating column").select_option("red")
    page.get_by_role("button", name="Check what the import will do").click()
    page.get_by_role("button", name="Confirm and import").click()
    expect(page.get_by_text("Imported directorate.xlsx")).to_be_visible()
    assert Action.objects.get(area__plan__local_area="Westmere", ref="4.02.01").current_rag == "red"


def test_the_preview_of_a_corrected_file_shows_each_changed_field_old_and_new(page, live_server, world, tmp_path):
    first = tmp_path / "oxfordshire.xlsx"
    first.write_bytes(workbook(oxfordshire_tracker()).getvalue())
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][2] = "Refresh the SEND Sufficiency Strategy with the parent carer forum " + "and schools " * 20
    sheets["Actions"][1][4] = "June 2020"
    sheets["Actions"][2][3] = "Head of SEND (Jayne Howarth)"
    corrected = tmp_path / "oxfordshire-corrected.xlsx"
    corrected.write_bytes(workbook(sheets).getvalue())

    sign_in(page, live_server.url, "morgan", PASSWORD)
    for file in (first, corrected):
        page.goto(f"{live_server.url}/imports/")
        page.get_by_label("Plan file").set_input_files(str(file))
        page.get_by_role("button", name="Upload and continue").click()
        expect(page.get_by_role("heading", name="Check what the import will do")).to_be_visible()
        if file == first:
            page.get_by_role("button", name="Confirm and import").click()
            expect(page.get_by_text("Imported oxfordshire.xlsx")).to_be_visible()

    # Only what changes is listed, under its type: two actions changed, 1.2 in who leads it.
    page.get_by_text("Action: 2 changed").click()
    table = page.get_by_role("table", name="Action: changed")
    leads_changed = table.get_by_role("row").filter(has_text="Leads")
    expect(leads_changed).to_contain_text("JSNA Team")
    expect(leads_changed).to_contain_text("Head of SEND (Jayne Howarth), Oxfordshire")
    due = table.get_by_role("row").filter(has_text="Due date")
    expect(due).to_contain_text("31 March 2020")
    expect(due).to_contain_text("30 June 2020")
    text = table.get_by_role("row").filter(has_text="Text")
    expect(text).to_contain_text("Refresh SEND Sufficiency Strategy")
    # The long new text is shown by its opening words and opens in full.
    whole = text.locator("details")
    whole.get_by_text("Refresh the SEND Sufficiency Strategy with the pa").first.click()
    expect(whole.locator(".govuk-details__text")).to_contain_text("and schools and schools")
    expect(whole.locator(".govuk-details__text")).to_be_visible()
    look(page, "preview-old-and-new")

    # Each action's leads cell as written, and the officers it was read as.
    page.get_by_text("The leads of 6 actions, as written and as read").click()
    leads = page.get_by_role("table", name="Leads read for each action").get_by_role("row").filter(has_text="1.2")
    expect(leads).to_contain_text("Actions, row 3")
    expect(leads).to_contain_text("Head of SEND (Jayne Howarth), Oxfordshire")
    look(page, "preview-leads-read")
    page.set_viewport_size(PHONE)  # the wide tables scroll in their regions, never the page
    assert_fits_a_phone(page)
    look(page, "preview-phone")
    assert not Action.objects.filter(text__startswith="Refresh the SEND").exists()  # still nothing written
