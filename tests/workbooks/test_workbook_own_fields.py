"""A plan's own fields in workbooks: the Fields sheet defines them, their values are extra columns of the Areas and
Actions sheets headed with the label; export -> import into an empty database -> export gives the same cells."""

import io
import json

import pytest

from actions.models import Plan
from actions.permissions import Role
from planfields.models import PlanField, PlanFieldValue
from planfields.services import own_values_save, plan_field_add
from tests.factories import make_user
from tests.workbook_builders import workbook
from tests.workbooks.test_workbook_stage import load_cells
from workbooks import exporter
from workbooks.importer import import_workbook

CRITERIA = "Every EHC plan reviewed within 12 months\nFamilies tell us they were heard"


@pytest.fixture
def manager(db):
    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def tracker(fields: list[list] | None, action_header_extra=(), action_rows=(), area_extra=(), area_rows=None):
    """A tracker with a Fields sheet (None: without one) and extra columns on Areas and Actions."""
    sheets = {
        "Plan": [
            ["field", "value"],
            ["local area", "Northgate"],
            ["title", "Priority Action Plan"],
            ["type", "PAP"],
            ["start date", "01/09/2024"],
        ],
        "Areas": [["Ref", "Title", *area_extra], *(area_rows or [["1", "Identification of need"]])],
        "Actions": [
            ["Area", "Ref", "Action", "Lead Officer", "Target Date", *action_header_extra],
            *action_rows,
        ],
    }
    if fields is not None:
        sheets["Fields"] = [["Label", "Applies to", "Kind", "Order", "Public", "Help text"], *fields]
    return workbook(sheets)


LEAD_11 = ["1", "1.1", "Publish the graduated approach", "Head of Inclusion", "Dec 24"]
LEAD_12 = ["1", "1.2", "Train every SENCO", "Head of Inclusion", "Mar 25"]
FIELDS = [
    ["Directorate", "Actions", "plain text", 0, "yes", "Which directorate leads"],
    ["Section", "actions", "Plain text", 1, "no", ""],
    ["Success criteria", "Areas", "long text", 0, "yes", ""],
]


def test_a_trackers_own_columns_become_the_plans_fields(manager):
    book = tracker(
        FIELDS,
        ["Directorate", "Section", "Comments"],
        [[*LEAD_11, "Children's Services", "SEND Services", "Ignored"], [*LEAD_12, "Education", None, None]],
        ["Success criteria"],
        [["1", "Identification of need", CRITERIA]],
    )
    result = import_workbook(book, by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get()
    fields = {f.label: f for f in PlanField.objects.filter(plan=plan)}
    assert sorted((f.label, f.applies_to, f.kind, f.order, f.public) for f in fields.values()) == [
        ("Directorate", "action", "short", 0, True),
        ("Section", "action", "short", 1, False),
        ("Success criteria", "area", "long", 0, True),
    ]
    assert fields["Directorate"].help_text == "Which directorate leads"
    held = {
        (v.field.label, (v.action or v.area).ref): v.text
        for v in PlanFieldValue.objects.select_related("field", "action", "area")
    }
    assert held == {
        ("Directorate", "1.1"): "Children's Services",
        ("Directorate", "1.2"): "Education",
        ("Section", "1.1"): "SEND Services",
        ("Success criteria", "1"): CRITERIA,
    }
    # A column the Fields sheet does not define is still a warning, and left out.
    assert any("“Comments”" in w and "no row of the Fields sheet defines it" in w for w in result.warnings)
    assert not any("Directorate" in w for w in result.warnings)
    # Every change is the importing user's, in history.
    assert {h.history_user for h in PlanFieldValue.history.all()} == {manager}


def test_without_a_fields_sheet_extra_columns_are_warnings(manager):
    result = import_workbook(tracker(None, ["Directorate"], [[*LEAD_11, "Education"]]), by=manager, dry_run=False)
    assert result.ok
    assert not PlanField.objects.exists()
    assert any("“Directorate”" in w and "not imported" in w for w in result.warnings)


def test_problems_are_located_and_nothing_is_written(manager):
    book = tracker(
        [
            ["Directorate", "Actions", "plain text", 0, "yes", ""],
            ["Budget", "Risks", "plain text", 1, "no", ""],
            ["Notes", "Actions", "rich text", 2, "no", ""],
            ["Stage", "Actions", "plain text", 3, "no", ""],
            ["Owner lead", "Actions", "plain text", "first", "maybe", ""],
        ],
        ["Directorate"],
        [[*LEAD_11, "Children's Services\nEducation"]],
    )
    result = import_workbook(book, by=manager, dry_run=False)
    problems = {(p.sheet, p.row, p.column, p.value) for p in result.problems}
    assert ("Fields", 3, "Applies to", "Risks") in problems
    assert ("Fields", 4, "Kind", "rich text") in problems
    assert ("Fields", 5, "Label", "Stage") in problems
    assert ("Fields", 6, "Order", "first") in problems and ("Fields", 6, "Public", "maybe") in problems
    assert ("Actions", 2, "Directorate", "Children's Services\nEducation") in problems
    assert any("is read as the Actions sheet's own column “stage”" in str(p) for p in result.problems)
    assert not result.applied
    assert not Plan.objects.exists() and not PlanField.objects.exists() and not PlanFieldValue.objects.exists()


def test_a_workbook_round_trips_with_its_own_fields(world):
    by = world.manager
    criteria = plan_field_add(
        plan=world.plan, applies_to="area", label="Success criteria", kind="long", public=True, by=by
    )
    section = plan_field_add(plan=world.plan, applies_to="action", label="Section", kind="short", by=by)
    directorate = plan_field_add(
        plan=world.plan, applies_to="action", label="Directorate", kind="short", public=True, by=by
    )
    directorate.help_text = "Which directorate leads"
    directorate.save()
    own_values_save(record=world.area, texts={criteria.pk: CRITERIA}, versions={}, by=by)
    own_values_save(
        record=world.alice_action, texts={directorate.pk: "Children's Services", section.pk: "SEND"}, versions={}, by=by
    )
    own_values_save(record=world.bob_action, texts={directorate.pk: "=Health"}, versions={}, by=by)
    first = exporter.export_workbook(world.plan)
    cells = load_cells(first)
    assert cells["Fields"][0] == ("label", "applies to", "kind", "order", "public", "help text")
    assert cells["Areas"][0][-1] == "Success criteria" and cells["Areas"][1][-1] == CRITERIA
    assert cells["Actions"][0][-2:] == ("Section", "Directorate")
    Plan.objects.all().delete()
    result = import_workbook(io.BytesIO(first), by=by, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert load_cells(exporter.export_workbook(Plan.objects.get())) == cells
    # Importing the same workbook again changes nothing.
    history = PlanFieldValue.history.count(), PlanField.history.count()
    again = import_workbook(io.BytesIO(first), by=by, dry_run=False)
    assert again.ok and (PlanFieldValue.history.count(), PlanField.history.count()) == history
    assert again.unchanged["Own field value"] == 4


def test_open_data_holds_only_the_public_fields(world):
    by = world.manager
    public = plan_field_add(plan=world.plan, applies_to="action", label="Directorate", kind="short", public=True, by=by)
    private = plan_field_add(plan=world.plan, applies_to="action", label="Budget line", kind="short", by=by)
    own_values_save(
        record=world.alice_action, texts={public.pk: "Education", private.pk: "Cost centre 4411"}, versions={}, by=by
    )
    data = json.loads(exporter.export_json(world.plan))
    assert [f["label"] for f in data["Fields"]] == ["Directorate"]
    row = next(a for a in data["Actions"] if a["ref"] == "1.1")
    assert row["Directorate"] == "Education" and "Budget line" not in row
    assert "Cost centre 4411" not in json.dumps(data)
