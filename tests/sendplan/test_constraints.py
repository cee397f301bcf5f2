"""CHECK constraints validated in one query (sendplan/constraints.py): the same errors Django's one-query-per-
constraint validation gives, for every way an update or action can break them, at a fixed cost."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from actions.models import Action, ProgressUpdate, Rag
from sendplan.constraints import failed_checks


def errors_of(validate, instance, exclude=None):
    try:
        validate(instance, exclude=exclude)
    except ValidationError as error:
        return {field: sorted(str(message) for message in messages) for field, messages in error.message_dict.items()}
    return {}


def django_errors(instance, exclude=None):
    return errors_of(models.Model.validate_constraints, instance, exclude)


def our_errors(instance, exclude=None):
    return errors_of(type(instance).validate_constraints, instance, exclude)


def an_update(world, **values):
    return ProgressUpdate(action=world.alice_action, period=world.period, status="submitted", **values)


BROKEN_UPDATES = [
    {"rag": Rag.GREEN, "impact": ""},  # Blue and Green need impact
    {"rag": Rag.RED, "recovery_note": ""},  # Red needs a recovery note
    {"rag": Rag.BLUE, "impact": "Better", "completion_date": None},  # Blue needs a completion date
    {"rag": "purple"},  # not a rating
    {"rag": Rag.AMBER, "stage": "half way", "percent_complete": 140},  # two at once
    {"rag": Rag.RED, "recovery_note": "", "draft_coproduction_level": "consulted"},  # draft's fields, submitted
    {"rag": Rag.AMBER},  # nothing wrong
]


@pytest.mark.parametrize("values", BROKEN_UPDATES)
def test_an_update_breaks_the_same_rules_with_the_same_messages_as_djangos_own_check(world, values):
    update = an_update(world, **values)
    assert our_errors(update) == django_errors(update)


def test_a_broken_update_is_refused_by_full_clean_naming_each_rule(world):
    update = an_update(world, rag=Rag.RED, recovery_note="", percent_complete=140)
    with pytest.raises(ValidationError) as refused:
        update.full_clean()
    messages = refused.value.messages
    assert "Percentage complete must be between 0 and 100." in messages
    assert any("update_red_needs_recovery_note" in message for message in messages)


def test_a_rule_on_an_excluded_field_is_not_asked_as_in_django(world):
    update = an_update(world, rag=Rag.RED, recovery_note="")
    assert our_errors(update, exclude={"recovery_note"}) == django_errors(update, exclude={"recovery_note"}) == {}
    assert our_errors(update) != {}


def test_an_action_s_rules_match_djangos_too(world):
    action = world.alice_action
    action.percent_complete, action.revised_due_date, action.revised_due_reason = 101, date(2026, 1, 1), ""
    assert our_errors(action) == django_errors(action)
    assert len(our_errors(action)["__all__"]) == 2


def test_all_of_a_rows_checks_cost_one_select_in_its_own_savepoint(world, django_assert_num_queries):
    update = an_update(world, rag=Rag.RED, recovery_note="", percent_complete=140)
    checks = [(ProgressUpdate, c) for c in ProgressUpdate._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(checks) >= 8
    with django_assert_num_queries(3):  # SAVEPOINT, one SELECT of every condition, RELEASE
        failed = failed_checks(update, checks, exclude=None, using="default")
    assert {c.name for c in failed} == {"update_red_needs_recovery_note", "update_percent_complete_0_100"}


def test_a_row_with_no_checks_asks_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert failed_checks(Action(), [], exclude=None, using="default") == []
