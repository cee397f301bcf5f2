"""Upgrading a database that holds the demo plans to post holders (actions/migrations/0010_post_holders.py):
nothing is lost, and each post gets its current person as its first holder, from the earliest day the post is on
the record, so every past update goes on naming the person it named before."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from actions.demo import load_demo

BEFORE = [("actions", "0009_area_kind_reported_with")]
AFTER = [("actions", "0010_post_holders")]


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


@pytest.mark.django_db(transaction=True)
def test_each_single_accountable_officer_becomes_the_first_of_a_joint_list_with_its_history(monkeypatch):
    """actions/migrations/0011_joint_accountable_officers.py: the single accountable officer of each action, and
    of each history row of it, is kept as the list's one member."""
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    single = [("actions", "0010_post_holders")]
    executor = MigrationExecutor(connection)
    executor.migrate(single)
    old = executor.loader.project_state(single).apps
    Action, Officer = old.get_model("actions", "Action"), old.get_model("actions", "Officer")
    officers = list(Officer.objects.order_by("pk")[:3])
    chosen = {}
    for n, action in enumerate(Action.objects.order_by("pk")[:3]):
        Action.objects.filter(pk=action.pk).update(accountable_officer=officers[n])
        old.get_model("actions", "HistoricalAction").objects.filter(id=action.pk).update(
            accountable_officer=officers[n]
        )
        chosen[action.pk] = officers[n].pk
    history_rows = old.get_model("actions", "HistoricalAction").objects.filter(id__in=list(chosen)).count()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    joint = [("actions", "0011_joint_accountable_officers")]
    executor.migrate(joint)
    apps = executor.loader.project_state(joint).apps
    Through = apps.get_model("actions", "Action").accountable_officers.through
    assert dict(Through.objects.values_list("action_id", "officer_id")) == chosen
    recorded = apps.get_model("actions", "HistoricalAction_accountable_officers").objects
    assert recorded.count() == history_rows
    assert all(
        chosen[action_id] == officer_id for action_id, officer_id in recorded.values_list("action_id", "officer_id")
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
