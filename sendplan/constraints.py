"""Model validation that checks a row's CHECK constraints in one query instead of one per constraint.

Django's `Model.validate_constraints()` asks the database about each CheckConstraint on its own: a savepoint, a
SELECT and a release, three round trips per constraint. A progress update has nine, so recording one cost 27 round
trips before the INSERT; loading the demo spent half its time there and a 500-action import thousands of queries.
`validate_constraints_in_one_query()` asks the same questions (the same SQL conditions, against the same values,
with NULL counting as passed) as columns of one SELECT, and raises the same errors. Unique constraints are checked
as Django checks them.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, router, transaction
from django.db.models import BooleanField, CheckConstraint, Q, Value
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


def failed_checks(instance, checks, exclude, using) -> list[CheckConstraint]:
    """The CheckConstraints the instance's values break, asked in one SELECT of one boolean column each."""
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
