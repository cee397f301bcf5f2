"""Model validation that checks a row's CHECK constraints without a query, or in one instead of one per constraint.

Django's `Model.validate_constraints()` asks the database about each CheckConstraint on its own: a savepoint, a
SELECT and a release, three round trips per constraint. A progress update has nine, so recording one cost 27 round
trips before the INSERT; loading the demo spent half its time there and a 500-action import thousands of queries.

Every condition the models use is plain lookups on the row's own fields (exact, in, isnull, comparisons, F() of
another field), so `failed_checks` answers them in Python, as SQL would: NULL is unknown, and an unknown condition
passes. A condition it cannot read that way (a function, a join) is asked of the database as before: all of them as
columns of one SELECT, with NULL counting as passed. The errors raised are Django's. Unique constraints are checked
as Django checks them.
"""

from __future__ import annotations

import logging
import operator
from contextlib import nullcontext

from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE

logger = logging.getLogger(__name__)


def validate_constraints_in_one_query(instance, exclude=None) -> None:
    using = router.db_for_write(type(instance), instance=instance)
    errors: dict = {}
    checks = []
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if type(constraint) is CheckConstraint:
                checks.append((model_class, constraint))
                continue
            try:
                constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    for constraint in failed_checks(instance, checks, exclude, using):
        error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class _NotInPython(Exception):
    """A condition `_holds` cannot answer as SQL would: the database is asked instead."""


class _Excluded(Exception):
    """The condition reads a field left out of validation: as in Django, the rule is not asked."""


_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def _field_value(instance, name: str, exclude) -> object:
    if name == "pk":
        return instance.pk
    field = instance._meta.get_field(name)  # FieldDoesNotExist for a related lookup: not read here
    if not field.concrete or field.many_to_many:
        raise _NotInPython(name)
    if exclude and (field.name in exclude or field.attname in exclude):
        raise _Excluded
    return getattr(instance, field.attname)


def _holds(instance, condition, exclude) -> bool | None:
    """Whether `instance` meets `condition` (a Q), in SQL's three values: None when it is unknown (a NULL)."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        raise _NotInPython(condition)
    results = [
        _holds(instance, child, exclude) if isinstance(child, Q) else _lookup_holds(instance, *child, exclude)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else None if None in results else True
    else:
        result = True if True in results else None if None in results else False
    return (None if result is None else not result) if condition.negated else result


def _lookup_holds(instance, lookup: str, wanted, exclude) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind or (kind not in _COMPARISONS and kind not in ("in", "isnull")):
        raise _NotInPython(lookup)
    try:
        value = _field_value(instance, name, exclude)
    except FieldDoesNotExist:
        raise _NotInPython(lookup) from None
    if kind == "isnull":
        return (value is None) == bool(wanted)
    if kind == "exact" and wanted is None:
        return value is None  # Django writes field=None as IS NULL
    if isinstance(wanted, F):  # another field of the row: a NULL there is unknown, not IS NULL
        if not isinstance(wanted.name, str) or "__" in wanted.name:
            raise _NotInPython(lookup)
        wanted = _field_value(instance, wanted.name, exclude)
    elif hasattr(wanted, "resolve_expression"):
        raise _NotInPython(lookup)
    if value is None or wanted is None:
        return None
    if kind == "in":
        values = list(wanted)
        if any(hasattr(v, "resolve_expression") for v in values):
            raise _NotInPython(lookup)
        return value in values if None not in values or value in values else None
    try:
        return _COMPARISONS[kind](value, wanted)
    except TypeError:  # values Python cannot compare (a string against a number): the database knows
        raise _NotInPython(lookup) from None


def failed_checks(instance, checks, exclude, using) -> list[CheckConstraint]:
    """The CheckConstraints the instance's values break: answered in Python where the condition allows, the rest
    asked in one SELECT of one boolean column each."""
    failed, asked_of_database = set(), []  # failed by id(): a constraint is not hashable
    for model_class, constraint in checks:
        try:
            if _holds(instance, constraint.condition, exclude) is False:
                failed.add(id(constraint))
        except _Excluded:
            continue
        except _NotInPython:
            asked_of_database.append((model_class, constraint))
    failed.update(id(c) for c in _failed_in_database(instance, asked_of_database, exclude, using))
    return [constraint for _, constraint in checks if id(constraint) in failed]  # in the order the model lists them


def _failed_in_database(instance, checks, exclude, using) -> list[CheckConstraint]:
    if not checks:
        return []
    connection = connections[using]
    query = Query(None)
    added = set()
    for model_class, _ in checks:
        for name, value in instance._get_field_expression_map(meta=model_class._meta, exclude=exclude).items():
            if name not in added:
                query.add_annotation(
                    value if hasattr(value, "resolve_expression") else Value(value), name, select=False
                )
                added.add(name)
    asked = []
    for constraint in (constraint for _, constraint in checks):
        alias = f"check_{len(asked)}"
        try:
            # NULL passes, as in SQL and in Q.check(); a condition on an excluded field is not asked (FieldError).
            query.add_annotation(Coalesce(Q(constraint.condition), True, output_field=BooleanField()), alias)
        except FieldError:
            continue
        asked.append(constraint)
    if not asked:
        return []
    atomic = transaction.atomic(using=using) if connection.in_atomic_block else nullcontext()
    try:
        with atomic:
            row = query.get_compiler(using=using).execute_sql(SINGLE)
    except DatabaseError as error:  # as Q.check(): a condition the database cannot evaluate is not the user's error
        logger.warning("Got a database error checking %s's constraints: %s", type(instance).__name__, error)
        return []
    return [constraint for constraint, passed in zip(asked, row, strict=True) if not passed]
