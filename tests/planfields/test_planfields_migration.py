"""Adding a plan's own fields to a database that holds the demo plans (planfields/migrations/0001_initial.py): every
plan, action, update and history row is kept, and each plan starts with no fields of its own."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.demo import load_demo

BEFORE = [("planfields", None)]


def holdings(apps) -> dict:
    Action = apps.get_model("actions", "Action")
    return {
        "plans": sorted(apps.get_model("actions", "Plan").objects.values_list("slug", "version")),
        "areas": sorted(apps.get_model("actions", "AreaOfWeakness").objects.values_list("id", "ref", "title")),
        "actions": sorted(Action.objects.values_list("id", "ref", "text", "version", "current_rag", "stage")),
        "updates": sorted(apps.get_model("actions", "ProgressUpdate").objects.values_list("id", "rag", "progress")),
        "action history": apps.get_model("actions", "HistoricalAction").objects.count(),
        "kpis": apps.get_model("kpis", "Kpi").objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_plans_survive_adding_own_fields(monkeypatch):
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)  # the database as it was before own fields
        others = [node for node in leaves if node[0] != "planfields"]
        before = holdings(executor.loader.project_state(others).apps)
    finally:
        # Forward to the latest migrations again, whatever happened, for the tests that follow.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    assert before["actions"] and before["updates"]
    apps = executor.loader.project_state(leaves).apps
    assert holdings(apps) == before
    assert not apps.get_model("planfields", "PlanField").objects.exists()
    assert not apps.get_model("planfields", "PlanFieldValue").objects.exists()
