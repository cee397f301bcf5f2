"""Upgrading a database that holds the demo plans to area kinds (actions/migrations/0009_area_kind_reported_with.py):
nothing is lost, and every area held, and every history row of one, is an area of weakness reported on its own, as
the plans published them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from actions.demo import load_demo

BEFORE = [("actions", "0008_plan_publishes_ratings")]
AFTER = [("actions", "0009_area_kind_reported_with")]


def holdings(apps) -> dict:
    """What the database holds of areas and what hangs off them, through the migration state's models."""
    return {
        "areas": sorted(
            apps.get_model("actions", "AreaOfWeakness").objects.values_list(
                "id", "plan__slug", "ref", "title", "order", "closed_on"
            )
        ),
        "area history": apps.get_model("actions", "HistoricalAreaOfWeakness").objects.count(),
        "findings": apps.get_model("actions", "Finding").objects.count(),
        "actions": apps.get_model("actions", "Action").objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_plans_survive_the_upgrade_as_areas_of_weakness(monkeypatch):
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    before = holdings(executor.loader.project_state(BEFORE).apps)
    assert before["areas"] and before["area history"]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    assert holdings(apps) == before
    areas = apps.get_model("actions", "AreaOfWeakness").objects
    assert set(areas.values_list("kind", "reported_with")) == {("weakness", None)}
    history = apps.get_model("actions", "HistoricalAreaOfWeakness").objects
    assert set(history.values_list("kind", "reported_with")) == {("weakness", None)}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
