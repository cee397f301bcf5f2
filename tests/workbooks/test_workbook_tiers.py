"""Area kinds and "reported with" in workbooks (decision 0021): the Areas sheet's `kind` column takes the words
trackers use, `reported with` names another area of the sheet, a word or ref that cannot be read is a problem naming
sheet, row, column and value, and an export imports back to the same cells (JSON too)."""

import io
import json

import pytest

from actions.models import Action, AreaOfWeakness, Plan
from actions.permissions import Role
from tests.factories import make_user
from tests.workbook_builders import workbook
from tests.workbooks.test_workbook_stage import load_cells
from workbooks import exporter
from workbooks.importer import import_workbook
from workbooks.parsing import ParseError, parse_area_kind


@pytest.fixture
def manager(db):
    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def tracker(areas: list[list]) -> io.BytesIO:
    """A 2023-framework plan's tracker: its areas with a Kind and a Reported with column, one action in each."""
    return workbook(
        {
            "Plan": [
                ["field", "value"],
                ["local area", "Northgate"],
                ["title", "Priority Action Plan"],
                ["type", "PAP"],
                ["start date", "01/09/2024"],
            ],
            "Areas": [["Ref", "Title", "Kind", "Reported with"], *areas],
            "Actions": [
                ["Area", "Ref", "Action", "Lead Officer", "Target Date"],
                *[[row[0], f"{row[0]}.1", f"Action for {row[1]}", "Head of Inclusion", "Dec 24"] for row in areas],
            ],
        }
    )


AREAS = [
    ["1", "Identification of need", "API", None],
    ["2", "Joint commissioning", "Area for Priority Action", None],
    ["3", "Preparing for adulthood", "AFI", None],
    ["4", "Transitions to adult health", "improvement", "3"],
    ["S", "Safeguarding", "Cross-cutting", None],
    ["W1", "Quality of EHC plans", "WORKSTREAM", None],
    ["5", "Local offer", None, None],
]


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("API", "priority"),
        ("priority", "priority"),
        ("Area for priority action", "priority"),
        ("AFI", "improvement"),
        ("Improvement", "improvement"),
        ("cross-cutting", "cross_cutting"),
        ("Cross cutting", "cross_cutting"),
        ("Workstream", "workstream"),
        ("Area of weakness", "weakness"),
        ("", "weakness"),
        (None, "weakness"),
    ],
)
def test_the_words_trackers_use_for_an_area_s_kind(word, kind):
    assert parse_area_kind(word) == kind


@pytest.mark.parametrize("word", ["Theme", "A/B", 3])
def test_other_words_are_not_a_kind(word):
    with pytest.raises(ParseError, match="is not a kind of area"):
        parse_area_kind(word)


def test_kinds_and_a_block_are_imported(manager):
    result = import_workbook(tracker(AREAS), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    areas = {a.ref: a for a in AreaOfWeakness.objects.filter(plan__slug=result.plan.slug)}
    assert {ref: a.kind for ref, a in areas.items()} == {
        "1": "priority",
        "2": "priority",
        "3": "improvement",
        "4": "improvement",
        "S": "cross_cutting",
        "W1": "workstream",
        "5": "weakness",
    }
    assert areas["4"].reported_with == areas["3"]
    assert result.created["Area of weakness"] == 7 and not result.changed["Area of weakness"]  # each counted once


def test_a_row_may_name_an_area_on_a_later_row(manager):
    rows = [["4", "Transitions to adult health", "AFI", "3"], ["3", "Preparing for adulthood", "AFI", None]]
    result = import_workbook(tracker(rows), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert AreaOfWeakness.objects.get(ref="4").reported_with.ref == "3"


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        ([["1", "Identification", "Theme", None]], ("Areas", 2, "Kind", "Theme")),
        ([["1", "Identification", "API", "9"]], ("Areas", 2, "Reported with", "9")),
        ([["1", "Identification", "API", "1"]], ("Areas", 2, "Reported with", "1")),
        (
            [["1", "Identification", "API", None], ["2", "Commissioning", "API", "1"], ["3", "PfA", "AFI", "2"]],
            ("Areas", 4, "Reported with", "2"),
        ),
    ],
    ids=["unknown kind", "unknown area", "itself", "chain"],
)
def test_what_cannot_be_read_is_a_problem_and_nothing_is_imported(manager, rows, where):
    result = import_workbook(tracker(rows), by=manager, dry_run=False)
    assert not result.ok
    assert where in [(p.sheet, p.row, p.column, p.value) for p in result.problems]
    assert not Plan.objects.exists() and not Action.objects.exists()


def test_export_import_export_keeps_kinds_and_blocks_cell_for_cell(manager):
    result = import_workbook(tracker(AREAS), by=manager, dry_run=False)
    plan = Plan.objects.get(pk=result.plan.pk)
    first = exporter.export_workbook(plan)
    cells = load_cells(first)["Areas"]
    header = cells[0]
    kind, together = header.index("kind"), header.index("reported with")
    by_ref = {row[0]: row for row in cells[1:]}
    assert by_ref["1"][kind] == "Area for priority action" and by_ref["S"][kind] == "Cross-cutting area"
    assert by_ref["4"][together] == "3" and by_ref["3"][together] in (None, "")

    Plan.objects.all().delete()
    again = import_workbook(io.BytesIO(first), by=manager, dry_run=False)
    assert again.ok, [str(p) for p in again.problems]
    assert load_cells(exporter.export_workbook(Plan.objects.get(pk=again.plan.pk))) == load_cells(first)


def test_importing_the_same_workbook_twice_changes_nothing(manager):
    first = import_workbook(tracker(AREAS), by=manager, dry_run=False)
    exported = exporter.export_workbook(Plan.objects.get(pk=first.plan.pk))
    again = import_workbook(io.BytesIO(exported), by=manager, dry_run=False)
    assert again.ok and not again.changed["Area of weakness"]
    assert again.unchanged["Area of weakness"] == 7


def test_the_json_export_names_each_area_s_kind_and_block(manager):
    result = import_workbook(tracker(AREAS), by=manager, dry_run=False)
    data = json.loads(exporter.export_json(Plan.objects.get(pk=result.plan.pk)))
    areas = {row["ref"]: row for row in data["Areas"]}
    assert areas["W1"]["kind"] == "Workstream" and areas["5"]["kind"] == "Area of weakness"
    assert areas["4"]["reported with"] == "3"
