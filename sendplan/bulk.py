"""Many rows' changed fields written in one UPDATE a batch, for imports of thousands of actions.

Django's `QuerySet.bulk_update()` writes `SET field = CASE WHEN id = 1 THEN ... WHEN id = 2 THEN ... END` for each
field: building those expressions cost about 0.4 ms a value, so next term's import of a 5,000-action tracker spent
most of its time there (docs/benchmarks.md). On PostgreSQL the same rows are written as `UPDATE ... FROM (VALUES
...)`: one row of parameters each, cast to the column's type. Other databases (the demo's SQLite) keep Django's.
"""

from __future__ import annotations

from django.db import connections, router

# PostgreSQL takes at most 65,535 parameters a statement.
MAX_PARAMETERS = 60_000


def bulk_update_rows(model, objs: list, fields: list[str], *, batch_size: int = 1000) -> None:
    """Write `fields` of each of `objs` (saved rows of `model`), as `model.objects.bulk_update(objs, fields)` does."""
    if not objs:
        return
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.using(using).bulk_update(objs, fields, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    columns = [pk, *(meta.get_field(name) for name in fields)]
    quote = connection.ops.quote_name
    row = "(" + ", ".join(f"%s::{field.db_type(connection)}" for field in columns) + ")"
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns[1:])
    size = max(1, min(batch_size, MAX_PARAMETERS // len(columns)))
    with connection.cursor() as cursor:
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params = [
                field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in batch for field in columns
            ]
            cursor.execute(
                f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
                f"FROM (VALUES {', '.join([row] * len(batch))}) AS v ({names}) "
                f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}",
                params,
            )
