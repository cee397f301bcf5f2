"""Importing and exporting plan workbooks: all or nothing, problems named by sheet/row/column/value, re-import
in place, the preview that writes nothing, and the command line."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action, Officer, Plan, ProgressUpdate
from risks.models import Risk
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks import exporter
from workbooks.importer import import_workbook
from workbooks.models import WorkbookUpload


def database_state():
    return (
        Plan.objects.count(),
        Action.objects.count(),
        Officer.objects.count(),
        Risk.objects.count(),
        ProgressUpdate.objects.count(),
        Plan.history.count(),
        Action.history.count(),
    )


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def test_a_tracker_as_the_seed_writes_it_imports_with_its_synonyms_and_fuzzy_values(manager):
    result = import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get()
    assert (plan.local_area, plan.plan_type, str(plan.start_date), plan.inspection_label) == (
        "Oxfordshire",
        "app",
        "2020-02-01",
        "October 2019",
    )
    actions = {a.ref: a for a in Action.objects.prefetch_related("leads")}
    assert len(actions) == 6
    assert [(o.post_title, o.person_name) for o in actions["1.1"].leads.order_by("post_title")] == [
        ("Head of Access to Learning", "Allyson Milward"),
        ("Head of SEND", "Jayne Howarth"),
    ]
    assert (str(actions["1.1"].due_date), actions["1.1"].due_label) == ("2020-03-31", "March 2020")
    assert str(actions["1.3"].due_date) == "2020-12-31"
    assert actions["1.3"].due_label == "To be signed off by all three agencies by December 2020"
    assert actions["2.1"].due_date == plan.start_date  # "Immediate"
    assert str(actions["2.3"].due_date) == "2020-04-30"  # "Apr 20": a month, not 20 April
    pcf = actions["2.3"].leads.get(post_title="PCF Chairs")
    assert pcf.person_name == "Julia Stackhouse/ Stephanie Harrison"
    # One officer per post and person, however many actions name them.
    assert Officer.objects.filter(post_title="Head of SEND").count() == 1
    assert list(Risk.objects.order_by("ref").values_list("ref", "severity")) == [("R1", "medium"), ("R2", "high")]
    assert plan.history.latest().history_user == manager


def test_one_bad_cell_imports_nothing_and_every_problem_is_named(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][4] = "Spring"  # not a date
    sheets["Actions"][3][5] = "Amber/Green"  # two ratings
    sheets["Actions"][4][0] = "9"  # no such area
    sheets["Risk register"][1][2] = "Catastrophic"
    before = database_state()
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert database_state() == before
    problems = {(p.sheet, p.row, p.column, p.value) for p in result.problems}
    assert ("Actions", 3, "By When", "Spring") in problems
    assert ("Risk register", 2, "Severity/Impact", "Catastrophic") in problems
    assert ("Actions", 5, "Area", "9") in problems
    assert any(
        p.sheet == "Actions" and p.row == 4 and p.column == "Action RAG" and "choose one" in p.reason
        for p in result.problems
    )
    assert not result.applied


def test_missing_sheets_and_columns_are_problems_and_unknown_ones_warnings(manager):
    sheets = oxfordshire_tracker()
    del sheets["Plan"]
    sheets["Actions"][0][2] = "Wording"  # the action text column is now unknown
    sheets["Notes"] = [["anything"]]
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    reasons = [str(p) for p in result.problems]
    assert any("Plan: sheet is missing" in r for r in reasons)
    assert any("needs a “action” column" in r for r in reasons)
    assert any("“Wording” (C) is not one we know" in w for w in result.warnings)
    assert any("Sheet “Notes” is not one we know" in w for w in result.warnings)


def test_a_dry_run_writes_nothing_but_reports_what_would_change(manager):
    before = database_state()
    result = import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=True)
    assert result.ok and not result.applied
    assert result.created["Action"] == 6
    assert database_state() == before


def test_reimporting_a_corrected_workbook_updates_in_place(manager):
    import_workbook(workbook(oxfordshire_tracker()), by=manager, dry_run=False)
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][2] = "Refresh the SEND Sufficiency Strategy (revised wording)"
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok
    assert (result.created["Action"], result.changed["Action"], result.unchanged["Action"]) == (0, 1, 5)
    assert Action.objects.count() == 6
    action = Action.objects.get(ref="1.1")
    assert action.text.endswith("(revised wording)")
    assert action.history.latest().history_user == manager


def test_export_then_import_into_an_empty_database_then_export_is_identical(world, kpi_world, risk_world):
    from decimal import Decimal

    from actions.services import progress_update_submit
    from kpis.services import measurement_record

    action = world.alice_action
    progress_update_submit(
        action=action,
        period=world.period,
        rag="amber",
        progress="Panel started",
        evidence="https://example.org/minutes",
        by=world.alice,
        expected_version=action.version,
    )
    measurement_record(kpi=kpi_world.timeliness, period_date=world.period.start, value=Decimal("41.5"), by=world.alice)
    first = exporter.export_workbook(world.plan)
    ProgressUpdate.objects.all().delete()  # updates protect their periods
    Plan.objects.all().delete()
    Risk.objects.all().delete()
    result = import_workbook(io.BytesIO(first), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    second = exporter.export_workbook(Plan.objects.get(slug=world.plan.slug))
    assert _cells(first) == _cells(second)
    again = import_workbook(io.BytesIO(second), by=world.manager, dry_run=False)
    assert sum(again.created.values()) == sum(again.changed.values()) == 0


def _cells(content: bytes):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}


def test_json_and_csv_exports(world):
    data = json.loads(exporter.export_json(world.plan))
    assert data["plan"]["slug"] == world.plan.slug
    assert [a["ref"] for a in data["Actions"]] == ["1.1", "1.2", "1.3", "1.4"]
    csv_text = exporter.export_actions_csv(world.plan)
    assert csv_text.splitlines()[0].startswith("\ufeffarea,outcome,ref,action,leads")
    assert len(csv_text.strip().splitlines()) == 5


def test_the_command_line_import_and_dry_run(manager, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook(oxfordshire_tracker()).getvalue())
    out = io.StringIO()
    call_command("import_plan", str(path), "--dry-run", stdout=out)
    assert "dry run: nothing saved" in out.getvalue() and Plan.objects.count() == 0
    call_command("import_plan", str(path), stdout=io.StringIO())
    assert Action.objects.count() == 6
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = "Spring"
    path.write_bytes(workbook(sheets).getvalue())
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_plan", str(path), stderr=err)
    assert "Actions, row 2, column By When: “Spring”" in err.getvalue()


def test_upload_preview_then_confirm(client, manager):
    client.force_login(manager)
    upload = workbook(oxfordshire_tracker())
    upload.name = "oxfordshire.xlsx"
    response = client.post(reverse("workbook-upload"), {"workbook": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check what the import will do" in page and "Confirm and import" in page
    assert Plan.objects.count() == 0  # the preview wrote nothing
    staged = WorkbookUpload.objects.get()
    response = client.post(reverse("workbook-confirm", args=[staged.pk]))
    assert response.status_code == 302
    assert Plan.objects.get().get_absolute_url() == response["Location"]
    assert not WorkbookUpload.objects.exists()  # the staged file is removed once imported
    # A confirmed upload cannot be imported twice.
    assert client.post(reverse("workbook-confirm", args=[staged.pk])).status_code == 404


def test_upload_with_problems_lists_them_and_offers_no_confirm(client, manager):
    client.force_login(manager)
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = "Spring"
    upload = workbook(sheets)
    upload.name = "bad.xlsx"
    response = client.post(reverse("workbook-upload"), {"workbook": upload})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nothing was imported: 1 problem to correct" in page
    assert "Confirm and import" not in page


def test_the_upload_form_refuses_other_files(client, manager):
    client.force_login(manager)
    response = client.post(reverse("workbook-upload"), {"workbook": io.BytesIO(b"a,b")})
    assert response.status_code == 400
    assert "Choose the workbook to import." in response.content.decode() or "must be an Excel" in (
        response.content.decode()
    )


def test_an_rbwm_style_tracker_with_monitoring_dates_imports(manager):
    from tests.workbook_builders import rbwm_tracker

    result = import_workbook(workbook(rbwm_tracker()), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(local_area="Royal Borough of Windsor and Maidenhead")
    assert plan.plan_type == "wsoa"
    actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
    assert actions["1.1a"].due_date == plan.published  # "By the time this plan is published."
    assert str(actions["1.1b"].due_date) == "2017-12-31"  # first occurrence of "Termly, beginning Dec 2017"
    assert actions["1.3a"].due_date is None and actions["1.3a"].due_label == "ongoing"
    # "CCG" alone is the CCG leading through its lead; PaCiP is not an organisation this plan knows (issue 18)
    assert sorted(o.post_title for o in actions["1.3a"].leads.all()) == ["PaCiP", "Service Leader, CYPDS"]
    assert sorted(o.post_title for o in actions["2.1a"].leads.all()) == ["CCG lead", "DCO"]
    assert actions["1.1a"].outcome.text == "a. Accountability structure in place"
    assert list(plan.periods.values_list("name", "end")) == [("Dec 17", plan.periods.get().end)]
    assert str(plan.periods.get().end) == "2017-12-31"
    assert {a.current_rag for a in actions.values()} == {"green"}
    assert ProgressUpdate.objects.filter(action__area__plan=plan).count() == 4
