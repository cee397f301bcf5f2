"""The demo's day-one trackers (fixtures/demo/trackers, named in the README) import as a programme manager would:
January's file into a new plan, then April's in place, with no mapping file and the round each reports."""

import io
from datetime import date
from pathlib import Path

import pytest

from actions.models import Action, Officer, Plan, ProgressUpdate
from workbooks.tracker.bring_in import tracker_import
from workbooks.tracker.columns import period_named_in
from workbooks.tracker.translate import PlanFacts

pytestmark = pytest.mark.django_db

TRACKERS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "trackers"


def bring_in(name: str, period: str, user):
    facts = PlanFacts(
        local_area="Northshire",
        title="Written Statement of Action",
        plan_type="WSoA",
        start_date=date(2024, 9, 1),
        current_period=period_named_in(period),
    )
    file = io.BytesIO((TRACKERS / name).read_bytes())
    result, mapping = tracker_import(file, filename=name, facts=facts, by=user, dry_run=False)
    assert result.ok, result.problems
    return result, mapping


def test_januarys_tracker_becomes_the_plan_and_aprils_updates_it_in_place(world):
    _, mapping = bring_in("northshire-tracker-jan-2025.xlsx", "Spring term 2025", world.manager)
    plan = Plan.objects.get(local_area="Northshire")
    assert Action.objects.filter(area__plan=plan).count() == 8
    assert [p.header for p in mapping.sheets["WSoA Tracker"]][:3] == ["Ref", "Area of weakness", "Action"]
    assert Action.objects.get(area__plan=plan, ref="2.3").leads.count() == 0  # "TBC": no lead yet
    officers = Officer.objects.count()

    result, _ = bring_in("northshire-tracker-apr-2025.xlsx", "Summer term 2025", world.manager)
    assert Plan.objects.filter(local_area="Northshire").count() == 1
    assert Officer.objects.count() == officers  # nobody duplicated
    moved = Action.objects.get(area__plan=plan, ref="2.2")
    assert moved.text == "Commission speech and language therapy jointly, with a new provider"
    assert (moved.due_date, moved.due_label) == (date(2025, 9, 30), "September 2025")
    assert ProgressUpdate.objects.get(action__ref="1.1", period__name="April 2025").progress.startswith("All four")
    assert ProgressUpdate.objects.get(action=moved, period__name="Summer term 2025").rag == "amber"


def test_the_same_file_imported_twice_changes_nothing_the_second_time(world):
    bring_in("northshire-tracker-jan-2025.xlsx", "Spring term 2025", world.manager)
    bring_in("northshire-tracker-apr-2025.xlsx", "Summer term 2025", world.manager)
    again, _ = bring_in("northshire-tracker-apr-2025.xlsx", "Summer term 2025", world.manager)
    assert (sum(again.created.values()), sum(again.changed.values()), again.changes) == (0, 0, [])
    assert sum(again.unchanged.values()) > 8
