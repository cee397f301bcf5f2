"""A recurring action ("Termly, beginning Dec 2017", "Monthly", "Quarterly from April 2019", "ongoing") is due
again and again: never overdue as a whole, whatever date its first occurrence was. A revised due date is a
deadline someone set, with a reason, so it counts."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action
from actions.selectors import action_rows, my_actions
from governance.dashboard import plan_dashboard
from governance.reminders import reminders_due
from tests import factories


@pytest.mark.parametrize(
    "label, recurring",
    [
        ("Termly, beginning Dec 2017", True),
        ("Monthly", True),
        ("Quarterly from April 2019", True),
        ("March 2018 and annually", True),
        ("Every half term from September 2019", True),
        ("ongoing", True),
        ("On-going", True),
        ("Six-monthly", True),
        ("December 2017", False),
        ("Immediate", False),
        ("To be signed off by all three agencies by December 2020", False),
        ("", False),
    ],
)
def test_which_due_labels_are_recurring(world, label, recurring):
    action = factories.make_action(
        world.area, "9.9", [world.head_of_send], due_label=label, due_date=date(2017, 12, 31)
    )
    assert action.is_recurring is recurring
    assert (action in Action.objects.filter(Action.recurring_q())) is recurring
    assert action.is_overdue is (not recurring)


def test_a_termly_action_beginning_dec_2017_is_not_overdue_but_a_dated_one_is(client, world):
    termly = factories.make_action(
        world.area, "1.5", [world.head_of_send], due_label="Termly, beginning Dec 2017", due_date=date(2017, 12, 31)
    )
    dated = factories.make_action(
        world.area, "1.6", [world.head_of_send], due_label="December 2017", due_date=date(2017, 12, 31)
    )
    rows = {a.ref: a.overdue for a in action_rows(Action.objects.filter(pk__in=[termly.pk, dated.pk]))}
    assert rows == {"1.5": False, "1.6": True}
    assert (termly.is_overdue, dated.is_overdue) == (False, True)
    assert my_actions(world.alice).overdue == 1
    digest = next(d for d in reminders_due(date(2026, 4, 10)).digests if d.officer == world.head_of_send)
    assert [a.ref for a in digest.overdue_actions] == ["1.6"]
    # The board's dashboard reads the same rule.
    assert [a.ref for a in plan_dashboard(world.plan).overdue] == ["1.6"]

    client.force_login(world.chair)
    overdue_list = client.get(reverse("action-list") + "?overdue=yes").content.decode()
    assert "Termly, beginning Dec 2017" not in overdue_list and "December 2017" in overdue_list
    page = client.get(termly.get_absolute_url()).content.decode()
    assert "never overdue as a whole" in page and 'govuk-tag--red">Overdue' not in page


def test_a_revised_due_date_on_a_recurring_action_is_a_deadline(world):
    termly = factories.make_action(
        world.area,
        "1.5",
        [world.head_of_send],
        due_label="Termly, beginning Dec 2017",
        due_date=date(2017, 12, 31),
        revised_due_date=date(2026, 1, 31),
        revised_due_reason="The board asked for the first review by January.",
    )
    assert action_rows(Action.objects.filter(pk=termly.pk)).get().overdue is True
    assert termly.is_overdue is True
    assert termly.deadline == date(2026, 1, 31)
