"""The preview's changes, field by field: each record created or changed with its old and new values as people
read them (dates in words, officers by post and organisation), kept with a staged upload as JSON, and printed by
`import_plan --dry-run`."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.changes import FieldChange, RecordChange
from workbooks.importer import ImportResult, import_workbook


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def fields_of(result: ImportResult, record_type: str, record: str) -> dict[str, tuple[str, str]]:
    [change] = [c for c in result.changes if (c.record_type, c.record) == (record_type, record)]
    return {f.field: (f.old, f.new) for f in change.fields}


def test_an_action_whose_text_and_due_date_change_shows_both_old_and_new(manager):
    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][2] = "Refresh the SEND Sufficiency Strategy with the parent carer forum"
    sheets["Actions"][1][4] = "June 2020"
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    assert fields_of(result, "Action", "1.1") == {
        "Text": (
            "Refresh SEND Sufficiency Strategy",
            "Refresh the SEND Sufficiency Strategy with the parent carer forum",
        ),
        "Due date": ("31 March 2020", "30 June 2020"),
        "Due label": ("March 2020", "June 2020"),
    }
    [change] = [c for c in result.changes if c.record == "1.1"]
    assert change.kind == "changed"
    assert change.lines()[1:3] == [
        "  Text: Refresh SEND Sufficiency Strategy → Refresh the SEND Sufficiency Strategy with the parent carer forum",
        "  Due date: 31 March 2020 → 30 June 2020",
    ]


def test_a_new_action_shows_its_values_and_a_new_officer_its_organisation(manager):
    result = import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=True)
    assert result.ok
    assert fields_of(result, "Action", "2.1") == {
        "Text": ("", "Use findings from multi-agency audits"),
        "Due date": ("", "1 February 2020"),  # "Immediate": the plan's start
        "Due label": ("", "Immediate"),
        # Who leads it, with each post's organisation, as a lead's change shows (test_a_change_of_leads_alone...).
        "Leads": ("", "DCO (Adeline Gibbs), Oxfordshire; Head of SEND (Jayne Howarth), Oxfordshire"),
    }
    assert fields_of(result, "Officer", "DCO (Adeline Gibbs)") == {"Organisation": ("", "Oxfordshire")}
    # Every type is listed with its new records, and nothing is listed as changed in a first import.
    by_type = {label: (len(created), len(changed)) for label, created, changed in result.changes_by_type}
    assert by_type["Action"] == (6, 0) and by_type["Risk"] == (2, 0)


def test_a_change_of_leads_alone_shows_old_and_new_and_is_written_with_history(manager):
    from actions.models import Action

    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    sheets = oxfordshire_tracker()
    sheets["Actions"][3][3] = "Head of SEND (Jayne Howarth) & DCO (Adeline Gibbs)"  # 1.3 gains a second lead
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert fields_of(result, "Action", "1.3") == {
        "Leads": (
            "Head of SEND (Jayne Howarth), Oxfordshire",
            "DCO (Adeline Gibbs), Oxfordshire; Head of SEND (Jayne Howarth), Oxfordshire",
        )
    }
    action = Action.objects.get(ref="1.3")
    assert sorted(o.post_title for o in action.leads.all()) == ["DCO", "Head of SEND"]
    latest = action.history.order_by("-history_id").first()
    assert sorted(link.officer.post_title for link in latest.leads.all()) == ["DCO", "Head of SEND"]
    assert latest.version == action.version == 2  # a change of who leads is a change of the action


def test_reimporting_the_same_file_lists_no_changes(manager):
    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    again = import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=True)
    assert again.ok and again.changes == []


def test_changes_survive_json_and_a_result_kept_as_lines_of_words_still_loads(manager):
    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = "June 2020"
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert ImportResult.from_json(result.as_json()).changes == result.changes

    # As a staged upload's result was kept before changes had fields.
    kept = result.as_json() | {"changes": ["Action 1.1: due date, due (as written) changed", "New officer DCO"]}
    loaded = ImportResult.from_json(kept)
    assert [str(change) for change in loaded.changes] == [
        "Action 1.1: due date, due (as written) changed",
        "New officer DCO",
    ]
    assert loaded.changes_by_type == [("Other changes", loaded.changes, [])]


def test_a_kept_change_reads_back_the_same():
    change = RecordChange("changed", "Action", "2.3a(2)", (FieldChange("RAG", "Amber", "Green"),))
    assert RecordChange.from_json(change.as_json()) == change
    assert str(change) == "Action 2.3a(2): RAG Amber → Green"


def test_the_dry_run_prints_each_field_old_and_new(manager, tmp_path):
    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][4] = "December 2020"
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook(sheets).getvalue())
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out)
    printed = out.getvalue().splitlines()
    at = printed.index("Action 1.2")
    assert printed[at + 1 : at + 3] == [
        "  Due date: 30 September 2020 → 31 December 2020",
        "  Due label: September 2020 → December 2020",
    ]


def test_each_actions_leads_cell_is_shown_with_the_officers_it_was_read_as(manager):
    from actions.models import Organisation
    from workbooks.changes import LeadsRead, OfficerRead

    Organisation.objects.create(name="Oxfordshire Children First Company", short_name="CFC", kind="other")
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][3] = "Head of Inclusion (CFC)"
    sheets["Actions"][2][3] = "Designated Clinical Officer, Northgate ICB"
    sheets["Actions"][3][3] = "TBC"
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert result.ok, [str(p) for p in result.problems]
    read = {each.action: each for each in result.leads_read}
    assert read["1.1"] == LeadsRead(
        "Actions",
        2,
        "1.1",
        "Head of Inclusion (CFC)",
        (OfficerRead("Head of Inclusion", "", "Oxfordshire Children First Company", new=True),),
    )
    assert read["1.2"].officers == (
        OfficerRead("Designated Clinical Officer", "", "Northgate ICB", new=True, new_organisation=True),
    )
    assert (read["1.3"].written, read["1.3"].officers) == ("TBC", ())  # a placeholder: no lead yet
    # The same officer named again on a later row is still the one this import adds; kept and read back as JSON.
    assert [o.new for o in read["2.1"].officers] == [True, True]
    assert ImportResult.from_json(result.as_json()).leads_read == result.leads_read

    import_workbook(workbook(sheets), by=manager, dry_run=False)
    again = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert {each.action: each for each in again.leads_read}["1.1"].officers == (
        OfficerRead("Head of Inclusion", "", "Oxfordshire Children First Company"),
    )


def test_a_trackers_formula_with_no_saved_value_is_a_warning_naming_sheet_cell_and_formula(manager):
    from openpyxl import Workbook

    from workbooks.tracker.bring_in import tracker_import
    from workbooks.tracker.tables import read_tracker
    from workbooks.tracker.translate import PlanFacts

    book = Workbook()
    sheet = book.active
    sheet.title = "WSoA tracker"
    sheet.append(["Ref", "Area", "Action", "Lead Officer", "Target Date"])
    sheet.append(["1.1", "1. Timeliness of EHC plans", "Recruit four EHC coordinators", "Head of SEND", "March 2025"])
    # openpyxl saves a formula without calculating it, as some programs that write trackers do.
    sheet.append(["1.2", "1. Timeliness of EHC plans", "Weekly panel for EHC requests", "Head of SEND", "=E2"])
    out = io.BytesIO()
    book.save(out)
    expected = (
        "WSoA tracker, row 3, column E: “=E2” is a formula with no saved value, so it was read as empty: "
        "open and save the file in Excel so its values are calculated."
    )
    assert read_tracker(io.BytesIO(out.getvalue()), filename="tracker.xlsx").warnings == [expected]

    facts = PlanFacts(
        local_area="Northmoor", title="Written Statement of Action", plan_type="WSoA", start_date=date(2024, 9, 1)
    )
    result, _ = tracker_import(io.BytesIO(out.getvalue()), filename="tracker.xlsx", facts=facts, by=manager)
    assert expected in result.warnings


def test_a_preview_checked_in_the_background_before_changes_had_fields_still_shows(client, manager):
    from django.urls import reverse

    from workbooks.models import WorkbookUpload

    result = import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=True).as_json()
    del result["leads_read"]  # kept before the leads read were
    result["changes"] = ["New action 1.1", "Action 1.2: text changed"]
    staged = WorkbookUpload.objects.create(
        filename="oxfordshire.xlsx", content=b"x", sha256="0" * 64, uploaded_by=manager, rows=200, result=result
    )
    client.force_login(manager)
    response = client.get(reverse("workbook-preview", args=[staged.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Other changes: 2 as recorded when the file was checked" in page
    assert "<li>Action 1.2: text changed</li>" in page and "Leads read for each action" not in page
