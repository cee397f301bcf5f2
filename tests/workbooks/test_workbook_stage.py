"""Stage and percentage complete in workbooks: a tracker's "Stage" and "% Complete" columns and its "Completed"
status are kept, in the plan's own words, and an export imports back to the same cells (decision 0018)."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from actions.models import Action, Plan, ProgressUpdate
from actions.permissions import Role
from actions.services import progress_update_submit
from tests.factories import make_user
from tests.workbook_builders import workbook
from workbooks import exporter
from workbooks.importer import import_workbook
from workbooks.parsing import ParseError, parse_percent_complete, parse_stage


@pytest.fixture
def manager(db):
    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def tracker(actions: list[list]) -> io.BytesIO:
    """A tracker as areas keep them: Ref, Action, Lead Officer, Target Date, RAG Status, % Complete, Stage."""
    return workbook(
        {
            "Plan": [
                ["field", "value"],
                ["local area", "Northgate"],
                ["title", "Priority Action Plan"],
                ["type", "PAP"],
                ["start date", "01/09/2024"],
                ["stage complete", "Delivered"],
            ],
            "Areas": [["Ref", "Title"], ["1", "Identification of need"]],
            "Periods": [["Period", "Start", "End", "Status"], ["Spring 2025", "01/01/2025", "31/03/2025", "closed"]],
            "Actions": [
                [
                    "Area",
                    "Ref",
                    "Action",
                    "Lead Officer",
                    "Target Date",
                    "RAG Status",
                    "% Complete",
                    "Stage",
                    "Progress",
                    "Impact",
                ],
                *actions,
            ],
        }
    )


LEAD_11 = ["1", "1.1", "Publish the graduated approach", "Head of Inclusion", "Dec 24"]
LEAD_12 = ["1", "1.2", "Train every SENCO", "Head of Inclusion", "Mar 25"]
LEAD_13 = ["1", "1.3", "Audit EHC plans termly", "Head of Inclusion", "Jun 25"]
LEAD_14 = ["1", "1.4", "Map alternative provision", "Head of Inclusion", "Sep 25"]


def test_a_trackers_stage_percentage_and_completed_status_are_kept(manager):
    rows = [
        [*LEAD_11, "Green", "100%", "Delivered", "Published in December.", "Schools use it."],
        [*LEAD_12, "Completed", None, None, "Every SENCO trained.", "Needs met earlier."],
        [*LEAD_13, "Amber", 0.45, "In Progress", "Two audits done.", ""],
        [*LEAD_14, "White", "0", "Not started", "Starts in the summer.", ""],
    ]
    result = import_workbook(tracker(rows), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    actions = {a.ref: a for a in Action.objects.all()}
    # Complete but still Green: two facts, both kept.
    assert (actions["1.1"].current_rag, actions["1.1"].stage, actions["1.1"].percent_complete) == (
        "green",
        "complete",
        100,
    )
    # "Completed" as a fourth status is the stage Complete (and, with this key, Blue: completed and embedded).
    assert (actions["1.2"].stage, actions["1.2"].current_rag, actions["1.2"].status) == (
        "complete",
        "blue",
        "completed",
    )
    assert actions["1.2"].completed_on == date(2025, 3, 31)  # complete by its period's end: the tracker gives no date
    assert (actions["1.3"].stage, actions["1.3"].percent_complete) == ("in_progress", 45)  # Excel's 45% is 0.45
    assert (actions["1.4"].stage, actions["1.4"].percent_complete) == ("not_started", 0)
    assert Plan.objects.get().stage_complete_label == "Delivered"


def test_an_unreadable_stage_or_percentage_is_a_named_problem_and_nothing_is_imported(manager):
    rows = [
        [*LEAD_11, "Green", "120%", "Nearly", "Published.", "Schools use it."],
        [*LEAD_12, "Amber", 1, "In progress", "Half trained.", ""],
    ]
    result = import_workbook(tracker(rows), by=manager, dry_run=False)
    problems = {(p.sheet, p.row, p.column): p.reason for p in result.problems}
    assert "is not a stage" in problems[("Actions", 2, "Stage")]
    assert "from 0 to 100" in problems[("Actions", 2, "% Complete")]
    assert "1% or 100%" in problems[("Actions", 3, "% Complete")]
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [("60%", 60), ("60", 60), (" 7 % ", 7), (0.6, 60), (100, 100), (0, 0), ("", None), (None, None), (40.0, 40)],
)
def test_percentages_are_read_as_trackers_write_them(value, expected):
    assert parse_percent_complete(value) == expected


@pytest.mark.parametrize("value", ["101", -5, "sixty", 1, 1.0, 0.655, "60.5%", True, float("nan")])
def test_percentages_we_cannot_read_are_refused(value):
    with pytest.raises(ParseError):
        parse_percent_complete(value)


def test_stages_are_read_in_standard_and_the_plans_own_words():
    assert [parse_stage(v) for v in ("Not Started", "in-progress", "Completed", "DONE", "closed.", "", None)] == [
        "not_started",
        "in_progress",
        "complete",
        "complete",
        "closed",
        "",
        "",
    ]
    assert parse_stage("Delivered", words={"delivered": "complete"}) == "complete"
    with pytest.raises(ParseError):
        parse_stage("Delivered")


def test_stage_and_percentage_round_trip_with_the_plans_words(world):
    world.plan.stage_in_progress_label = "Under way"
    world.plan.save()
    action = world.alice_action
    progress_update_submit(
        action=action,
        period=world.period,
        rag="green",
        progress="Panel weekly.",
        impact="Families hear sooner.",
        stage="complete",
        percent_complete=100,
        completion_date=date(2026, 1, 20),
        by=world.alice,
        expected_version=action.version,
    )
    bob = world.bob_action
    progress_update_submit(
        action=bob,
        period=world.period,
        rag="amber",
        progress="Started.",
        stage="in_progress",
        percent_complete=35,
        by=world.bob,
        expected_version=bob.version,
    )
    first = exporter.export_workbook(world.plan)
    sheets = load_cells(first)
    actions = {row[2]: dict(zip(sheets["Actions"][0], row, strict=True)) for row in sheets["Actions"][1:]}
    assert (actions["1.1"]["stage"], actions["1.1"]["percent complete"], actions["1.1"]["rag"]) == (
        "Complete",
        100,
        "Green",
    )
    assert (actions["1.2"]["stage"], actions["1.2"]["percent complete"]) == ("Under way", 35)
    assert ("stage in progress", "Under way") in sheets["Plan"]

    ProgressUpdate.objects.all().delete()
    Plan.objects.all().delete()
    result = import_workbook(io.BytesIO(first), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    copy = Action.objects.get(ref="1.1")
    assert (copy.stage, copy.percent_complete, copy.completed_on, copy.current_rag) == (
        "complete",
        100,
        date(2026, 1, 20),
        "green",
    )
    second = exporter.export_workbook(Plan.objects.get(slug=world.plan.slug))
    assert load_cells(second) == load_cells(first)


def load_cells(content: bytes) -> dict:
    book = load_workbook(io.BytesIO(content))
    return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
