"""CHECK constraints validated in one query (sendplan/constraints.py): the same errors Django's one-query-per-
constraint validation gives, for every way an update or action can break them, at a fixed cost."""

import random
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from actions.models import Action, ProgressUpdate, Rag
from sendplan.constraints import _failed_in_database, _holds, failed_checks


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


def test_a_rows_checks_are_answered_in_python_without_a_query(world, django_assert_num_queries):
    update = an_update(world, rag=Rag.RED, recovery_note="", percent_complete=140)
    checks = [(ProgressUpdate, c) for c in ProgressUpdate._meta.constraints if isinstance(c, models.CheckConstraint)]
    assert len(checks) >= 8
    with django_assert_num_queries(0):
        failed = failed_checks(update, checks, exclude=None, using="default")
    assert {c.name for c in failed} == {"update_red_needs_recovery_note", "update_percent_complete_0_100"}


def test_conditions_python_cannot_answer_cost_one_select_in_its_own_savepoint(world, django_assert_num_queries):
    update = an_update(world, rag=Rag.RED, recovery_note="Back on track by May", progress="Late")
    checks = [
        (ProgressUpdate, models.CheckConstraint(condition=Q(progress__startswith="On"), name="starts_on")),
        (ProgressUpdate, models.CheckConstraint(condition=Q(progress=Upper("progress")), name="shouts")),
        (ProgressUpdate, models.CheckConstraint(condition=Q(rag__in=Rag.values), name="python_answers_this")),
    ]
    with django_assert_num_queries(3):  # SAVEPOINT, one SELECT of both conditions, RELEASE
        failed = failed_checks(update, checks, exclude=None, using="default")
    assert [c.name for c in failed] == ["starts_on", "shouts"]


# Every CHECK constraint of every model, against rows built from values that meet and break each lookup (and NULLs):
# Python's answer must be the database's, which is what Django asks.
def _constraint_models():
    """Our apps' models' (a library's may use lookups Python leaves to the database, such as range)."""
    return [
        (model, constraint)
        for model in apps.get_models()
        if str(apps.get_app_config(model._meta.app_label).path).startswith(str(settings.BASE_DIR))
        and ".venv" not in str(apps.get_app_config(model._meta.app_label).path)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]


def _lookups(condition):
    for child in condition.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            yield child


def _field_samples(model, field_name):
    """Values that meet and break the lookups made of a field, and a NULL where the column takes one."""
    if field_name == "pk":
        return [None, 1, 2]
    field = model._meta.get_field(field_name)
    samples: list = [None] if field.null else []
    if field.is_relation:
        return samples + [1, 2]
    internal = field.get_internal_type()
    if internal in ("CharField", "TextField"):
        choices = [value for value, _ in field.flatchoices] if field.choices else []
        return samples + ["", "x", *choices[:6]]
    if internal == "BooleanField":
        return samples + [True, False]
    if internal == "DateField":
        return samples + [date(2024, 1, 1), date(2025, 6, 30)]
    if internal == "DateTimeField":
        return samples + [datetime(2025, 1, 1, tzinfo=UTC)]
    if internal == "DecimalField":
        return samples + [Decimal("-1"), Decimal("0"), Decimal("3"), Decimal("100.5")]
    return samples + [-1, 0, 1, 3, 5, 6, 100, 101, 120, 121]


@pytest.mark.parametrize(("model", "constraint"), _constraint_models(), ids=lambda v: getattr(v, "name", ""))
def test_python_answers_every_models_checks_as_the_database_does(db, model, constraint):
    names = sorted(
        {lookup.split("__")[0] for lookup, _ in _lookups(constraint.condition)}
        | {value.name for _, value in _lookups(constraint.condition) if isinstance(value, F)}
    )
    rng = random.Random(constraint.name)
    rows = []
    for _ in range(60):
        instance = model()
        for name in names:
            value = rng.choice(_field_samples(model, name))
            if name == "pk":
                instance.pk = value
            else:
                setattr(instance, model._meta.get_field(name).attname, value)
        rows.append(instance)
    checks = [(model, constraint)]
    _holds(rows[0], constraint.condition, None)  # answered in Python: raises for a condition it would ask the database
    for instance in rows:
        in_python = failed_checks(instance, checks, exclude=None, using="default")
        in_database = _failed_in_database(instance, checks, exclude=None, using="default")
        assert [c.name for c in in_python] == [c.name for c in in_database], {n: getattr(instance, n) for n in names}


def test_a_row_with_no_checks_asks_nothing(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert failed_checks(Action(), [], exclude=None, using="default") == []
