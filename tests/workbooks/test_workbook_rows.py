"""Rows the importer used to take silently the wrong way: a record named twice (the second row won), and a lead
of "TBC" (which became an officer called TBC)."""

import io
from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action, Officer
from tests.workbook_builders import oxfordshire_tracker, rbwm_tracker, workbook
from workbooks.importer import import_workbook


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def test_the_same_action_ref_twice_in_one_area_is_a_located_problem(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][1] = "1.1"  # row 3 repeats row 2's action, in the same area
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert [(p.sheet, p.row, p.column, p.value) for p in result.problems] == [("Actions", 3, "Ref", "1.1")]
    assert result.problems[0].reason == "repeats the action 1.1 of row 2: keep one of the rows."
    assert not Action.objects.exists()


def test_a_row_pasted_twice_is_read_once_with_a_warning(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"].insert(3, list(sheets["Actions"][2]))  # row 4 repeats row 3 (action 1.2) cell for cell
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert (
        "Actions row 4, column Ref: repeats the action 1.2 of row 3 exactly, so it was read once: "
        "delete one of the rows." in result.warnings
    )
    assert Action.objects.filter(ref="1.2").count() == 1 and result.created["Action"] == 6


def test_a_trackers_row_repeated_exactly_is_read_once_and_one_that_differs_is_a_problem(manager):
    from openpyxl import Workbook

    from workbooks.tracker.bring_in import tracker_import
    from workbooks.tracker.translate import PlanFacts

    def tracker(*rows) -> io.BytesIO:
        book = Workbook()
        book.active.title = "WSoA tracker"
        book.active.append(["Ref", "Area", "Action", "Lead Officer", "Target Date"])
        for row in rows:
            book.active.append(row)
        out = io.BytesIO()
        book.save(out)
        out.seek(0)
        return out

    panel = ["1.2", "1. Timeliness of EHC plans", "Weekly panel for EHC requests", "Head of SEND", "Dec 24"]
    recruit = ["1.1", "1. Timeliness of EHC plans", "Recruit four EHC coordinators", "Head of SEND", "March 2025"]
    facts = PlanFacts(
        local_area="Northmoor", title="Written Statement of Action", plan_type="WSoA", start_date=date(2024, 9, 1)
    )
    result, _ = tracker_import(tracker(recruit, panel, panel), filename="t.xlsx", facts=facts, by=manager)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["Action"] == 2
    assert any(
        w.startswith("WSoA tracker row 4, column Ref: repeats the action 1.2 of row 3 exactly") for w in result.warnings
    )

    changed = [*panel[:4], "Jan 25"]
    refused, _ = tracker_import(tracker(recruit, panel, changed), filename="t.xlsx", facts=facts, by=manager)
    assert [(p.sheet, p.row, p.column, p.reason) for p in refused.problems] == [
        ("WSoA tracker", 4, "Ref", "repeats the action 1.2 of row 3: keep one of the rows.")
    ]


def test_other_records_named_twice_are_problems_too(manager):
    sheets = rbwm_tracker()
    sheets["Themes"][2][0] = "1"
    sheets["Updates"][2][0] = "1.1a"  # a second update of 1.1a for Dec 17
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert {(p.sheet, p.row, p.column, p.reason) for p in result.problems} >= {
        ("Themes", 3, "Ref", "repeats the area 1 of row 2: keep one of the rows."),
        ("Updates", 3, "Action", "repeats the update of action 1.1a for Dec 17 of row 2: keep one of the rows."),
    }


@pytest.mark.parametrize("placeholder", ["TBC", "tba", "To be confirmed", "T.B.C."])
def test_a_placeholder_lead_imports_the_action_with_no_lead_and_a_warning(manager, placeholder):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][3] = placeholder  # action 1.2
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert list(Action.objects.get(ref="1.2").leads.all()) == []
    assert not Officer.objects.filter(post_title__iexact=placeholder).exists()
    assert (
        f"Actions row 3, column Responsible officers: “{placeholder}” is a placeholder, not a person, so no one was "
        "recorded for it: add them under Manage when they are known." in result.warnings
    )


def test_a_placeholder_beside_a_real_lead_keeps_the_real_one(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][3] = "Head of SEND (Jayne Howarth) & TBC"
    result = import_workbook(workbook(sheets), by=manager, dry_run=False)
    assert result.ok
    assert [str(o) for o in Action.objects.get(ref="1.2").leads.all()] == ["Head of SEND (Jayne Howarth)"]
    assert any("“TBC” is a placeholder" in w for w in result.warnings)


def test_an_empty_lead_is_still_a_problem(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][3] = None
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert [(p.row, p.reason) for p in result.problems] == [(3, "needs at least one lead (responsible officer).")]


def test_the_preview_shows_the_placeholder_warning(client, manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][2][3] = "TBC"
    upload = workbook(sheets)
    upload.name = "tbc.xlsx"
    client.force_login(manager)
    response = client.post(reverse("workbook-upload"), {"workbook": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check these before you confirm" in page
    assert "“TBC” is a placeholder, not a person" in page
    assert "Confirm and import" in page
