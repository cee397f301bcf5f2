"""Upgrading a database that holds the demo plans, one migration at a time, from before stages (actions 0006) to
today: at each step nothing is lost and the new fields get what the plans already said.

One test walks every step: loading the demo and migrating it back is most of each check's cost (10 to 15 seconds),
so it is paid once rather than once per migration. Each step's checks are a function of their own below, named for
the migration; a failure names the step. Add the next migration that reshapes held data as a step here.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from actions.demo import load_demo
from actions.models import ProgressUpdate
from kpis.models import Kpi


def migrate(targets, *, state=None):
    """The database migrated to `targets`; the models as they stand there (at `state`, the nodes applied, where a
    target unapplies an app)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(state or targets).apps


def leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def actions_at(name):
    return [("actions", name)]


# actions 0007_action_stage and 0008_plan_publishes_ratings -------------------------------------------------------


def expected_stage(status: str, rag: str) -> str:
    if status == "completed" or rag == "blue":
        return "complete"
    if status == "withdrawn":
        return "closed"
    return {"white": "not_started", "green": "in_progress", "amber": "in_progress", "red": "in_progress"}.get(rag, "")


def stage_holdings(apps) -> dict:
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
        "kpis": Kpi.objects.count(),  # the other apps' tables are untouched by these migrations
    }


def step_stages_and_plans_without_ratings():
    """Each action (and each history row of it) gets the stage its own record states, no more, and every plan held
    goes on publishing its ratings."""
    before = stage_holdings(migrate(actions_at("0006_plan_edition")))
    assert before["actions"] and before["updates"]
    apps = migrate(actions_at("0008_plan_publishes_ratings"))
    assert stage_holdings(apps) == before
    actions = list(apps.get_model("actions", "Action").objects.values_list("status", "current_rag", "stage"))
    assert all(stage == expected_stage(status, rag) for status, rag, stage in actions)
    assert {stage for _, _, stage in actions} >= {"complete", "in_progress"}
    history = apps.get_model("actions", "HistoricalAction").objects.values_list("status", "current_rag", "stage")
    assert all(stage == expected_stage(status, rag) for status, rag, stage in history)
    assert set(apps.get_model("actions", "Plan").objects.values_list("publishes_ratings", flat=True)) == {True}
    # Updates given before stages existed say nothing of a stage: none is invented for them.
    assert set(apps.get_model("actions", "ProgressUpdate").objects.values_list("stage", flat=True)) == {""}


# actions 0009_area_kind_reported_with ------------------------------------------------------------------------------


def area_holdings(apps) -> dict:
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


def step_area_kinds():
    """Every area held, and every history row of one, is an area of weakness reported on its own, as the plans
    published them."""
    before = area_holdings(migrate(actions_at("0008_plan_publishes_ratings")))
    assert before["areas"] and before["area history"]
    apps = migrate(actions_at("0009_area_kind_reported_with"))
    assert area_holdings(apps) == before
    areas = apps.get_model("actions", "AreaOfWeakness").objects
    assert set(areas.values_list("kind", "reported_with")) == {("weakness", None)}
    history = apps.get_model("actions", "HistoricalAreaOfWeakness").objects
    assert set(history.values_list("kind", "reported_with")) == {("weakness", None)}


# actions 0010_post_holders -----------------------------------------------------------------------------------------


def people_holdings(apps) -> dict:
    return {
        "officers": sorted(
            apps.get_model("actions", "Officer").objects.values_list("id", "post_title", "person_name", "email")
        ),
        "updates": sorted(
            apps.get_model("actions", "ProgressUpdate").objects.values_list("id", "submitted_by_officer_id", "rag")
        ),
        "officer history": apps.get_model("actions", "HistoricalOfficer").objects.count(),
    }


def step_post_holders():
    """Each post gets its current person as its first holder, from the earliest day the post is on the record, so
    every past update goes on naming the person it named before."""
    before = people_holdings(migrate(actions_at("0009_area_kind_reported_with")))
    assert before["officers"] and before["updates"]
    apps = migrate(actions_at("0010_post_holders"))
    assert people_holdings(apps) == before
    Officer = apps.get_model("actions", "Officer")
    holders = {h.officer_id: h for h in apps.get_model("actions", "PostHolder").objects.all()}
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


# actions 0011_joint_accountable_officers ---------------------------------------------------------------------------


def step_joint_accountable_officers():
    """The single accountable officer of each action, and of each history row of it, is kept as the list's one
    member."""
    old = migrate(actions_at("0010_post_holders"))
    Action, Officer = old.get_model("actions", "Action"), old.get_model("actions", "Officer")
    HistoricalAction = old.get_model("actions", "HistoricalAction")
    officers = list(Officer.objects.order_by("pk")[:3])
    chosen = {}
    for n, action in enumerate(Action.objects.order_by("pk")[:3]):
        Action.objects.filter(pk=action.pk).update(accountable_officer=officers[n])
        HistoricalAction.objects.filter(id=action.pk).update(accountable_officer=officers[n])
        chosen[action.pk] = officers[n].pk
    Action.objects.exclude(pk__in=list(chosen)).update(accountable_officer=None)
    HistoricalAction.objects.exclude(id__in=list(chosen)).update(accountable_officer=None)
    history_rows = HistoricalAction.objects.filter(id__in=list(chosen)).count()

    apps = migrate(actions_at("0011_joint_accountable_officers"))
    Through = apps.get_model("actions", "Action").accountable_officers.through
    assert dict(Through.objects.values_list("action_id", "officer_id")) == chosen
    recorded = apps.get_model("actions", "HistoricalAction_accountable_officers").objects
    assert recorded.count() == history_rows
    assert all(
        chosen[action_id] == officer_id for action_id, officer_id in recorded.values_list("action_id", "officer_id")
    )


# actions 0012_progress_brought_in ----------------------------------------------------------------------------------


def step_progress_brought_in():
    """Every update held was given in the app (or by an import that kept the app's rules): none is marked brought
    in, and the checks that a Green or Blue rating has its impact and a Red one its recovery still hold for them."""
    before = stage_holdings(migrate(actions_at("0011_joint_accountable_officers")))
    apps = migrate(actions_at("0012_progress_brought_in"))
    assert stage_holdings(apps) == before
    updates = apps.get_model("actions", "ProgressUpdate").objects
    assert updates.exists() and not updates.filter(brought_in=True).exists()
    assert not apps.get_model("actions", "HistoricalProgressUpdate").objects.filter(brought_in=True).exists()
    green = updates.filter(status="submitted", rag="green").first()
    with pytest.raises(IntegrityError), transaction.atomic():
        updates.filter(pk=green.pk).update(impact="")


# planfields 0001_initial -------------------------------------------------------------------------------------------


def fields_holdings(apps) -> dict:
    Action = apps.get_model("actions", "Action")
    return {
        "plans": sorted(apps.get_model("actions", "Plan").objects.values_list("slug", "version")),
        "areas": sorted(apps.get_model("actions", "AreaOfWeakness").objects.values_list("id", "ref", "title")),
        "actions": sorted(Action.objects.values_list("id", "ref", "text", "version", "current_rag", "stage")),
        "updates": sorted(apps.get_model("actions", "ProgressUpdate").objects.values_list("id", "rag", "progress")),
        "action history": apps.get_model("actions", "HistoricalAction").objects.count(),
        "kpis": apps.get_model("kpis", "Kpi").objects.count(),
    }


def step_plan_own_fields():
    """Every plan, action, update and history row is kept, and each plan starts with no fields of its own."""
    everything = leaves()
    others = [node for node in everything if node[0] != "planfields"]
    before = fields_holdings(migrate([("planfields", None)], state=others))
    assert before["actions"] and before["updates"]
    apps = migrate(everything)
    assert fields_holdings(apps) == before
    assert not apps.get_model("planfields", "PlanField").objects.exists()
    assert not apps.get_model("planfields", "PlanFieldValue").objects.exists()


STEPS = [
    step_stages_and_plans_without_ratings,
    step_area_kinds,
    step_post_holders,
    step_joint_accountable_officers,
    step_progress_brought_in,
    step_plan_own_fields,
]


@pytest.mark.upgrade
@pytest.mark.django_db(transaction=True)
def test_a_database_holding_the_demo_plans_upgrades_step_by_step_keeping_what_it_holds(monkeypatch):
    # The reports the demo publishes are PDFs; stand-in bytes keep this test out of the PDF tests (as test_demo).
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
    load_demo()
    # A database from before narrative entries (actions 0008) cannot hold a submitted entry without a rating, so
    # Kestlebury's narrative history (its two terms kept in Word) goes, as it would have to before migrating back;
    # the rest of that plan, its tiers, joint accountable officers and own fields included, walks with the others.
    narrative = ProgressUpdate.objects.filter(status="submitted", rag="")
    assert set(narrative.values_list("action__area__plan__slug", flat=True)) == {"kestlebury-pap-2025"}
    narrative.delete()
    everything = leaves()
    try:
        for step in STEPS:
            step()
    finally:
        migrate(everything)  # the latest migrations again, whatever happened, for the tests that follow
