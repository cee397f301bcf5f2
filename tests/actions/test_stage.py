"""Status beside the rating: an action's stage, percentage complete and completion date, set by a lead with their
termly update, held apart from the RAG rating, with history, read "as at" a past moment and shown on its pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.as_at import rows_as_at
from actions.models import Action, ProgressUpdate
from actions.selectors import action_history, action_rows
from actions.services import progress_update_save_draft, progress_update_submit

DONE = date(2026, 1, 20)


def submit(world, action=None, **fields):
    action = action or world.alice_action
    action.refresh_from_db()
    defaults = {"rag": "green", "progress": "Panel running.", "impact": "Families hear sooner.", "recovery_note": ""}
    return progress_update_submit(
        action=action, period=world.period, by=world.alice, expected_version=action.version, **{**defaults, **fields}
    )


def errors_of(world, **fields) -> dict:
    with pytest.raises(ValidationError) as raised:
        submit(world, **fields)
    return raised.value.message_dict


def test_complete_but_green_is_held_as_two_facts(world):
    update = submit(world, stage="complete", percent_complete=100, completion_date=DONE)
    action = Action.objects.get(pk=world.alice_action.pk)
    assert (action.current_rag, action.stage, action.percent_complete, action.completed_on) == (
        "green",
        "complete",
        100,
        DONE,
    )
    # Complete is not Blue: the action stays open to updates while it beds in.
    assert action.status == Action.Status.OPEN
    assert (update.stage, update.percent_complete, update.completion_date) == ("complete", 100, DONE)


@pytest.mark.parametrize("stage", ["complete", "closed"])
def test_an_action_delivered_but_still_green_is_not_overdue(world, client, stage):
    """Past its due date, the lead reports it delivered (or closed) while its impact beds in: it is not overdue on
    the model, in the annotation the list and My actions read, or behind the list's overdue filter."""
    Action.objects.filter(pk=world.alice_action.pk).update(due_date=date(2026, 1, 31))
    today = date(2026, 4, 20)
    action = Action.objects.get(pk=world.alice_action.pk)
    assert action.is_overdue_on(today) and Action.objects.filter(Action.overdue_q(today), pk=action.pk).exists()

    submit(world, stage=stage, **({"completion_date": DONE} if stage == "complete" else {}))
    action.refresh_from_db()
    assert (action.current_rag, action.stage) == ("green", stage)
    assert not action.is_overdue_on(today)
    assert not Action.objects.filter(Action.overdue_q(today), pk=action.pk).exists()
    assert not action_rows(Action.objects.filter(pk=action.pk)).get().overdue  # as the list and My actions read it
    client.force_login(world.alice)
    listed = client.get(reverse("action-list"), {"overdue": "yes"})
    assert listed.status_code == 200
    assert world.alice_action.pk not in [a.pk for a in listed.context["page"].object_list]


def test_the_stage_and_percentage_move_with_each_update_and_the_history_says_who(world):
    submit(world, rag="amber", progress="Started.", impact="", stage="in_progress", percent_complete=40)
    submit(world, stage="complete", percent_complete=100, completion_date=DONE)
    changes = [(c.object_label, c.field, c.old, c.new) for c in action_history(world.alice_action)]
    assert ("Action", "Stage", "In progress", "Complete") in changes
    assert ("Action", "Percentage complete", "40", "100") in changes
    assert ("Action", "Completed on", "(blank)", "20 January 2026") in changes
    stage_changes = [c for c in action_history(world.alice_action) if c.field == "Stage"]
    assert {c.who for c in stage_changes} == {"Head of SEND (Alice Moreno)"}


def test_blue_makes_the_stage_complete_and_refuses_another_stage(world):
    assert "stage" in errors_of(world, rag="blue", stage="in_progress", completion_date=DONE)
    submit(world, rag="blue", completion_date=DONE)  # a caller that gives no stage: Blue is complete
    action = Action.objects.get(pk=world.alice_action.pk)
    assert (action.stage, action.status, action.completed_on) == ("complete", Action.Status.COMPLETED, DONE)


def test_complete_needs_its_date_and_only_complete_takes_one(world):
    assert errors_of(world, stage="complete")["completion_date"] == ["Enter the date the action was completed."]
    future = timezone.localdate() + timedelta(days=2)
    assert "today or in the past" in errors_of(world, stage="complete", completion_date=future)["completion_date"][0]
    assert (
        "only for a complete action"
        in errors_of(world, stage="in_progress", completion_date=DONE)["completion_date"][0]
    )


@pytest.mark.parametrize("percent", [-1, 101])
def test_a_percentage_outside_0_to_100_is_refused(world, percent):
    assert errors_of(world, stage="in_progress", percent_complete=percent)["percent_complete"] == [
        "Enter a percentage complete from 0 to 100."
    ]


def test_moving_back_from_complete_clears_the_completion_date(world):
    submit(world, stage="complete", percent_complete=100, completion_date=DONE)
    submit(
        world,
        rag="amber",
        progress="Reopened: the new panel lapsed.",
        impact="",
        stage="in_progress",
        percent_complete=None,
    )
    action = Action.objects.get(pk=world.alice_action.pk)
    assert (action.stage, action.completed_on, action.percent_complete) == ("in_progress", None, None)


def test_a_caller_that_gives_no_stage_leaves_the_action_as_it_was(world):
    submit(world, stage="in_progress", percent_complete=30)
    submit(world, rag="amber", progress="Slower.", impact="")  # e.g. an older workbook's update
    action = Action.objects.get(pk=world.alice_action.pk)
    assert (action.stage, action.percent_complete) == ("in_progress", 30)
    assert ProgressUpdate.objects.get(action=action, period=world.period).stage == "in_progress"


def test_a_draft_keeps_the_stage_as_typed_and_leaves_the_action_alone(world):
    action = world.alice_action
    progress_update_save_draft(
        action=action, period=world.period, stage="complete", percent_complete=90, by=world.alice, expected_version=1
    )
    action.refresh_from_db()
    draft = ProgressUpdate.objects.get(action=action, period=world.period)
    assert (draft.stage, draft.percent_complete) == ("complete", 90)
    assert (action.stage, action.percent_complete) == ("", None)
    with pytest.raises(ValidationError) as raised:
        progress_update_save_draft(
            action=action, period=world.period, percent_complete=140, by=world.alice, expected_version=action.version
        )
    assert "percent_complete" in raised.value.message_dict


def test_the_stage_as_at_a_past_moment_is_the_one_it_had_then(world):
    submit(world, rag="amber", progress="Started.", impact="", stage="in_progress", percent_complete=40)
    between = timezone.now()
    submit(world, stage="complete", percent_complete=100, completion_date=DONE)
    (then,) = rows_as_at(Action, between, id=world.alice_action.pk)
    (now,) = rows_as_at(Action, timezone.now(), id=world.alice_action.pk)
    assert (then.stage, then.percent_complete, then.completed_on) == ("in_progress", 40, None)
    assert (now.stage, now.percent_complete, now.completed_on) == ("complete", 100, DONE)


def form_data(world, **fields):
    data = {"rag": "green", "progress": "Panel running.", "impact": "Families hear sooner.", "version": 1}
    return {**data, **fields}


def test_the_update_form_sets_stage_percentage_and_date_and_the_page_shows_them_beside_the_rating(client, world):
    world.plan.stage_complete_label = "Delivered"
    world.plan.save()
    client.force_login(world.alice)
    url = reverse("action-update", args=[world.alice_action.pk])
    form_page = client.get(url).content.decode()
    assert 'value="complete"' in form_page and "Delivered" in form_page
    response = client.post(
        url,
        form_data(
            world,
            stage="complete",
            percent_complete="100",
            completion_date_0="20",
            completion_date_1="1",
            completion_date_2="2026",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    page = client.get(reverse("action-detail", args=[world.alice_action.pk])).content.decode()
    assert 'govuk-tag--green">Green</strong>' in page
    assert 'govuk-tag--turquoise">Delivered</strong>' in page
    assert "100% complete" in page and "completed on 20 January 2026" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"percent_complete": "150"}, "percent_complete", "Enter a percentage complete from 0 to 100."),
        ({"percent_complete": "sixty"}, "percent_complete", "whole number"),
        ({"stage": "finished"}, "stage", "Select a valid choice"),
        ({"stage": "complete"}, "completion_date", "Enter the date the action was completed."),
        (
            {"stage": "in_progress", "completion_date_0": "2", "completion_date_1": "1", "completion_date_2": "2026"},
            "completion_date",
            "only for a complete action",
        ),
        ({"rag": "blue", "stage": "in_progress"}, "stage", "Blue means completed and embedded"),
    ],
)
def test_the_form_refuses_with_the_reason_and_keeps_what_was_typed(client, world, fields, field, message):
    client.force_login(world.alice)
    data = form_data(world, **fields)
    response = client.post(reverse("action-update", args=[world.alice_action.pk]), data)
    assert response.status_code == 400
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    for name in ("percent_complete", "stage"):
        if name in fields:
            assert form[name].value() == fields[name]
    assert response.content.decode().count("Panel running.") >= 1
    assert Action.objects.get(pk=world.alice_action.pk).version == 1
