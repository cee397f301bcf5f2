"""Upgrading a database that already holds plans: the lead-history migration gives each action's latest history
row its leads (found broken by hand on the demo database; an empty test database could not show it)."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("actions", "0003_progress_update_draft")]
AFTER = [("actions", "0004_action_leads_history")]


@pytest.mark.upgrade
@pytest.mark.django_db(transaction=True)
def test_lead_history_migration_snapshots_the_leads_of_existing_actions():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    council = old.get_model("actions", "Organisation").objects.create(name="Riverside Council", kind="council")
    officer = old.get_model("actions", "Officer").objects.create(post_title="Head of SEND", organisation=council)
    plan = old.get_model("actions", "Plan").objects.create(
        slug="old", local_area="Riverside", plan_type="wsoa", title="WSoA", start_date=date(2025, 9, 1)
    )
    area = old.get_model("actions", "AreaOfWeakness").objects.create(plan=plan, ref="1", title="Timeliness")
    action = old.get_model("actions", "Action").objects.create(area=area, ref="1.1", text="Act")
    action.leads.add(officer)
    historical = old.get_model("actions", "HistoricalAction")
    fields = {f.attname: getattr(action, f.attname) for f in action._meta.concrete_fields}
    for minutes in (0, 5):  # two history rows: only the latest gets the leads
        historical.objects.create(
            **fields, history_date=timezone.now() + timezone.timedelta(minutes=minutes), history_type="~"
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    latest = new.get_model("actions", "HistoricalAction").objects.order_by("history_date").last()
    snapshot = new.get_model("actions", "HistoricalAction_leads").objects.get()
    assert (snapshot.history_id, snapshot.action_id, snapshot.officer_id) == (latest.history_id, action.pk, officer.pk)

    # Forward to the latest migrations again, for the tests that follow (and the data-version triggers with them).
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
