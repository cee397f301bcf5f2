"""Upgrading a database that holds the demo plans to post holders (actions/migrations/0009_post_holders.py):
nothing is lost, and each post gets its current person as its first holder, from the earliest day the post is on
the record, so every past update goes on naming the person it named before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from actions.demo import load_demo

BEFORE = [("actions", "0008_plan_publishes_ratings")]
AFTER = [("actions", "0009_post_holders")]


def holdings(apps) -> dict:
    return {
        "officers": sorted(
            apps.get_model("actions", "Officer").objects.values_list("id", "post_title", "person_name", "email")
        ),
        "updates": sorted(
            apps.get_model("actions", "ProgressUpdate").objects.values_list("id", "submitted_by_officer_id", "rag")
        ),
        "officer history": apps.get_model("actions", "HistoricalOfficer").objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_the_demo_plans_survive_the_upgrade_and_each_post_gets_its_holder(monkeypatch):
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    before = holdings(executor.loader.project_state(BEFORE).apps)
    assert before["officers"] and before["updates"]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    assert holdings(apps) == before

    Officer = apps.get_model("actions", "Officer")
    PostHolder = apps.get_model("actions", "PostHolder")
    holders = {h.officer_id: h for h in PostHolder.objects.all()}
    assert set(holders) == set(Officer.objects.values_list("id", flat=True))  # one holder per post
    for officer in Officer.objects.all():
        holder = holders[officer.pk]
        assert (holder.person_name, holder.email, holder.user_id) == (
            officer.person_name,
            officer.email,
            officer.user_id,
        )
    # Each first holder held the post by the day of every update the post gave: those updates stay theirs.
    for officer_id, submitted_at in apps.get_model("actions", "ProgressUpdate").objects.values_list(
        "submitted_by_officer_id", "submitted_at"
    ):
        if officer_id:
            assert holders[officer_id].started_on <= timezone.localdate(submitted_at)
    history = apps.get_model("actions", "HistoricalPostHolder").objects
    assert history.count() == len(holders) and set(history.values_list("history_type", flat=True)) == {"+"}

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
