"""The progress rules: what a lead must say for each rating, enforced by the service and shown by the form."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actions.forms import ProgressUpdateForm
from actions.models import Action, ProgressUpdate
from actions.services import progress_update_submit


def submit(world, action=None, **fields):
    action = action or world.alice_action
    action.refresh_from_db()
    defaults = {"rag": "amber", "progress": "Panel dates agreed with schools.", "impact": "", "recovery_note": ""}
    return progress_update_submit(
        action=action, period=world.period, by=world.alice, expected_version=action.version, **{**defaults, **fields}
    )


def errors_of(world, **fields) -> dict:
    with pytest.raises(ValidationError) as raised:
        submit(world, **fields)
    return raised.value.message_dict


def test_amber_update_becomes_the_current_rating(world):
    update = submit(world)
    world.alice_action.refresh_from_db()
    assert world.alice_action.current_rag == "amber"
    assert update.submitted_by_officer == world.head_of_send
    assert world.alice_action.version == 2


def test_a_rating_change_needs_progress(world):
    errors = errors_of(world, rag="amber", progress="  ")
    assert "from not rated to Amber" in errors["progress"][0]


def test_unchanged_rating_may_have_no_progress_text(world):
    ProgressUpdate.objects.create(
        action=world.alice_action, period=world.closed_period, rag="amber", progress="Started."
    )
    update = submit(world, rag="amber", progress="")
    assert update.rag == "amber"


@pytest.mark.parametrize("rag", ["green", "blue"])
def test_green_and_blue_need_impact(world, rag):
    errors = errors_of(world, rag=rag, completion_date=date(2026, 1, 10))
    assert "what is different for children and families" in errors["impact"][0]


def test_red_needs_a_recovery_note(world):
    errors = errors_of(world, rag="red")
    assert errors["recovery_note"] == ["Say what will bring this action back on track, and by when."]


def test_blue_needs_a_completion_date_not_in_the_future(world):
    assert "completion_date" in errors_of(world, rag="blue", impact="Families get plans on time.")
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = errors_of(world, rag="blue", impact="Families get plans on time.", completion_date=tomorrow)
    assert "today or in the past" in errors["completion_date"][0]


def test_blue_completes_the_action(world):
    submit(world, rag="blue", impact="Plans now arrive within 20 weeks.", completion_date=date(2026, 2, 1))
    world.alice_action.refresh_from_db()
    assert world.alice_action.status == Action.Status.COMPLETED
    assert world.alice_action.completed_on == date(2026, 2, 1)
    # A completed action takes no more updates.
    assert "rag" in errors_of(world, rag="amber")


def test_a_completed_actions_later_entry_brought_in_as_history_is_kept_and_keeps_it_complete(world):
    # A tracker lists a delivered action as Blue term after term: next term's import records that entry as written
    # (the lead still cannot add one in the app) and the action stays completed on the day it was.
    submit(world, rag="blue", impact="Plans now arrive within 20 weeks.", completion_date=date(2026, 2, 1))
    later = submit(world, rag="blue", progress="Still within 20 weeks.", impact="", imported_history=True,
                   completion_date=date(2026, 2, 1))  # fmt: skip
    world.alice_action.refresh_from_db()
    assert (later.progress, later.brought_in) == ("Still within 20 weeks.", True)
    assert (world.alice_action.status, world.alice_action.completed_on) == (Action.Status.COMPLETED, date(2026, 2, 1))


def test_a_closed_period_takes_no_updates(world):
    world.period.status = "closed"
    world.period.save()
    assert "not open for updates" in errors_of(world)["period"][0]


def test_evidence_links_must_be_real_addresses(world):
    errors = errors_of(world, evidence="Board minutes March 2026\nhttps://exa mple.org/bad")
    assert "not a valid web address" in errors["evidence"][0]
    update = submit(world, evidence="Board minutes March 2026\n\nhttps://example.org/minutes.pdf")
    assert update.evidence_items == ["Board minutes March 2026", "https://example.org/minutes.pdf"]


def test_a_second_submission_in_the_period_revises_the_same_update(world):
    submit(world, rag="amber")
    submit(world, rag="red", progress="Recruitment failed.", recovery_note="Agency staff from May; back by July.")
    assert ProgressUpdate.objects.filter(action=world.alice_action).count() == 1
    world.alice_action.refresh_from_db()
    assert world.alice_action.current_rag == "red"


def test_the_form_puts_each_rule_beside_its_field_and_keeps_the_text(world):
    form = ProgressUpdateForm(
        {"rag": "red", "progress": "Typed text that must survive", "version": world.alice_action.version},
        action=world.alice_action,
        period=world.period,
    )
    assert not form.is_valid()
    assert list(form.errors) == ["recovery_note"]
    assert form["progress"].value() == "Typed text that must survive"


def test_the_database_refuses_a_red_update_without_recovery_note(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(action=world.alice_action, period=world.period, rag="red", progress="x")


def date_parts(day="", month="", year=""):
    return {"completion_date_0": day, "completion_date_1": month, "completion_date_2": year}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (date_parts("31", "2"), "Completion date must include a year"),
        (date_parts("31", "2", "2026"), "Completion date must be a real date, for example 27 3 2026"),
        (date_parts("", "", "2026"), "Completion date must include a day and month"),
    ],
)
def test_the_completion_date_says_what_is_wrong_once(world, parts, message):
    form = ProgressUpdateForm(
        {"rag": "blue", "progress": "Done", "impact": "Better", "version": 1, **parts},
        action=world.alice_action,
        period=world.period,
    )
    assert not form.is_valid()
    assert form.errors["completion_date"] == [message]


def test_a_complete_date_is_read_day_month_year(world):
    form = ProgressUpdateForm(
        {"rag": "blue", "progress": "Done", "impact": "Better", "version": 1, **date_parts("3", "2", "2026")},
        action=world.alice_action,
        period=world.period,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["completion_date"] == date(2026, 2, 3)
