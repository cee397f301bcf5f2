"""Rolling a plan forward gives each carried action that was due before the new plan starts a new due date, so
it is not overdue on the new plan's first day; its original due date stays on its record."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, Plan
from actions.services import plan_roll_forward
from tests import factories

START = date(2026, 9, 1)


@pytest.fixture
def due(world):
    """1.1 due March 2026 (before the start), 1.2 revised to July 2026 (before), 1.5 termly (recurring), 1.6 due
    December 2026 (after)."""
    Action.objects.filter(pk=world.alice_action.pk).update(due_date=date(2026, 3, 31))
    Action.objects.filter(pk=world.bob_action.pk).update(
        due_label="January 2026",
        due_date=date(2026, 1, 31),
        revised_due_date=date(2026, 7, 31),
        revised_due_reason="Waiting for the new panel",
    )
    world.alice_action.refresh_from_db()
    world.bob_action.refresh_from_db()
    world.termly = factories.make_action(
        world.area, "1.5", [world.head_of_send], due_label="Termly, beginning Dec 2017", due_date=date(2017, 12, 31)
    )
    world.later = factories.make_action(
        world.area, "1.6", [world.dco], due_label="December 2026", due_date=date(2026, 12, 31)
    )
    return world


def roll(world, **overrides):
    arguments = {
        "source": world.plan,
        "slug": "riverside-app",
        "title": "Accelerated Progress Plan",
        "plan_type": Plan.PlanType.APP,
        "start_date": START,
        "areas": [world.area],
        "actions": [world.alice_action, world.bob_action, world.termly, world.later],
        "by": world.manager,
    }
    return plan_roll_forward(**{**arguments, **overrides})


def test_actions_due_before_the_start_need_a_new_due_date(due):
    with pytest.raises(ValidationError) as raised:
        roll(due)
    assert raised.value.message_dict["carried_due_date"] == [
        "2 of the actions you chose were due before the new plan starts (1.1 due March 2026 (31 March 2026); 1.2 "
        "due 31 July 2026), so they would be overdue on its first day. Enter the new due date."
    ]
    with pytest.raises(ValidationError) as raised:
        roll(due, carried_due_date=date(2026, 8, 31))
    assert raised.value.message_dict["carried_due_date"] == [
        "The new due date must be on or after the new plan starts (1 September 2026)."
    ]
    assert Plan.objects.count() == 1


def test_the_copies_take_the_new_date_and_keep_the_original_on_record(due):
    plan = roll(due, carried_due_date=date(2027, 2, 28))
    copies = {a.ref: a for a in Action.objects.filter(area__plan=plan).select_related("area")}
    march = copies["1.1"]
    assert (march.due_label, march.due_date, march.revised_due_date) == (
        "March 2026",
        date(2026, 3, 31),
        date(2027, 2, 28),
    )
    assert march.revised_due_reason == (
        "Carried forward into Accelerated Progress Plan, which starts on 1 September 2026: it was due March 2026 "
        "(31 March 2026)."
    )
    assert copies["1.2"].revised_due_reason == (
        "Carried forward into Accelerated Progress Plan, which starts on 1 September 2026: it was due 31 July 2026, "
        "revised from January 2026: Waiting for the new panel."
    )
    # Recurring and not-yet-due actions are carried with their dates as they are.
    assert (copies["1.5"].revised_due_date, copies["1.6"].revised_due_date) == (None, None)
    assert not any(copy.is_overdue_on(START) for copy in copies.values())
    # The originals keep their dates.
    due.alice_action.refresh_from_db()
    assert (due.alice_action.due_date, due.alice_action.revised_due_date) == (date(2026, 3, 31), None)


def test_no_new_date_is_asked_when_nothing_carried_is_already_due(due):
    plan = roll(due, actions=[due.termly, due.later])
    assert Action.objects.filter(area__plan=plan, revised_due_date__isnull=False).count() == 0


def form_data(world, **extra):
    return {
        "plan_type": "app",
        "title": "Accelerated Progress Plan",
        "slug": "riverside-app",
        "start_date_0": "1",
        "start_date_1": "9",
        "start_date_2": "2026",
        "areas": [world.area.pk],
        f"actions_{world.area.pk}": [world.alice_action.pk, world.later.pk],
        **extra,
    }


def test_the_form_shows_due_dates_asks_for_the_new_one_and_the_action_page_shows_both(client, due):
    client.force_login(due.manager)
    url = reverse("plan-roll-forward", args=[due.plan.slug])
    offered = client.get(url).content.decode()
    assert "1.1 Action 1.1: improve the 20-week EHCP timeline (due 31 March 2026)" in offered
    assert "(due Termly, beginning Dec 2017)" in offered
    refused = client.post(url, form_data(due))
    assert refused.status_code == 400
    assert refused.context["form"].errors == {
        "carried_due_date": [
            "1 of the actions you chose was due before the new plan starts (1.1 due March 2026 (31 March 2026)), so it "
            "would be overdue on its first day. Enter the new due date."
        ]
    }
    assert 'href="#id_carried_due_date_0"' in refused.content.decode()  # the error summary links to the day box
    data = form_data(due, carried_due_date_0="28", carried_due_date_1="2", carried_due_date_2="2027")
    assert client.post(url, data).status_code == 302
    copy = Action.objects.get(area__plan__slug="riverside-app", ref="1.1")
    page = client.get(copy.get_absolute_url()).content.decode()
    assert "Revised to 28 Feb 2027: Carried forward into Accelerated Progress Plan" in page
    assert "it was due March 2026 (31 March 2026)." in page
    assert 'govuk-tag--red">Overdue' not in page
