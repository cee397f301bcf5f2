"""The due date cell built in Python ({% due action %}, actions/templatetags/sendplan_tags.py) is the same HTML as
the components/due.html include it replaced on the action list, an area's page and My actions."""

from datetime import date

import pytest
from django.template import engines

from actions.models import Action

INCLUDE = engines["django"].from_string('{% include "components/due.html" %}')
TAG = engines["django"].from_string("{% load sendplan_tags %}{% due action %}")


def _action(overdue=None, **fields):
    action = Action(**fields)
    if overdue is not None:
        action.overdue = overdue  # annotated by actions.selectors.annotate_action_state
    return action


@pytest.mark.parametrize(
    "action",
    [
        _action(),
        _action(due_date=date(2026, 3, 31)),
        _action(due_date=date(2026, 3, 31), overdue=True),
        _action(due_date=date(2026, 3, 31), overdue=False),
        _action(due_label="Spring term <2026> & after"),
        _action(due_label="Ongoing", due_date=date(2026, 3, 31)),
        _action(revised_due_date=date(2026, 9, 1)),
        _action(revised_due_date=date(2026, 9, 1), due_date=date(2026, 3, 31), overdue=True),
        _action(revised_due_date=date(2026, 9, 1), due_label="Easter <b>", due_date=date(2026, 3, 31)),
    ],
)
def test_the_tag_writes_what_the_include_wrote(action):
    expected = INCLUDE.render({"action": action})
    assert TAG.render({"action": action}) == expected
    assert "<b>" not in expected and "<2026>" not in expected  # escaped, both ways


def test_the_tag_says_overdue_and_revised():
    html = TAG.render({"action": _action(revised_due_date=date(2026, 9, 1), due_date=date(2026, 3, 31), overdue=True)})
    assert html == (
        '1 Sep 2026 <span class="govuk-body-s">(revised from 31 Mar 2026)</span>'
        ' <strong class="govuk-tag govuk-tag--red">Overdue</strong>\n'
    )
