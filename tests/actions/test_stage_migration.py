"""Upgrading a database that holds the demo plans to stages and narrative-only plans: nothing is lost, each action
(and each history row of it) gets the stage its own record states, no more (actions/migrations/0007_action_stage.py),
and every plan held goes on publishing its ratings (0008_plan_publishes_ratings.py)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.demo import load_demo
from kpis.models import Kpi

BEFORE = [("actions", "0006_plan_edition")]
AFTER = [("actions", "0008_plan_publishes_ratings")]


def expected_stage(status: str, rag: str) -> str:
    if status == "completed" or rag == "blue":
        return "complete"
    if status == "withdrawn":
        return "closed"
    return {"white": "not_started", "green": "in_progress", "amber": "in_progress", "red": "in_progress"}.get(rag, "")


def holdings(apps) -> dict:
    """What the database holds, read through the migration state's models (the fields both states share)."""
    Action = apps.get_model("actions", "Action")
    return {
        "plans": sorted(apps.get_model("actions", "Plan").objects.values_list("slug", flat=True)),
        "actions": sorted(
            Action.objects.values_list("id", "ref", "status", "current_rag", "completed_on", "percent_complete")
        ),
        "updates": sorted(
            apps.get_model("actions", "ProgressUpdate").objects.values_list(
                "id", "rag", "progress", "status", "completion_date"
            )
        ),
        "action history": apps.get_model("actions", "HistoricalAction").objects.count(),
        "update history": apps.get_model("actions", "HistoricalProgressUpdate").objects.count(),
        "kpis": Kpi.objects.count(),  # the other apps' tables are untouched by this migration
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_plans_survive_the_upgrade_and_get_the_stage_their_record_states(monkeypatch):
    # The reports the demo publishes are PDFs; stand-in bytes keep this test out of the PDF tests (as test_demo).
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)  # the database as it was before stages: the demo plans without them
    before = holdings(executor.loader.project_state(BEFORE).apps)
    assert before["actions"] and before["updates"]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    assert holdings(apps) == before

    actions = list(apps.get_model("actions", "Action").objects.values_list("status", "current_rag", "stage"))
    assert all(stage == expected_stage(status, rag) for status, rag, stage in actions)
    assert {stage for _, _, stage in actions} >= {"complete", "in_progress"}
    history = apps.get_model("actions", "HistoricalAction").objects.values_list("status", "current_rag", "stage")
    assert all(stage == expected_stage(status, rag) for status, rag, stage in history)
    assert set(apps.get_model("actions", "Plan").objects.values_list("publishes_ratings", flat=True)) == {True}
    # Updates given before stages existed say nothing of a stage: none is invented for them.
    assert set(apps.get_model("actions", "ProgressUpdate").objects.values_list("stage", flat=True)) == {""}

    # Forward to the latest migrations again, for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
