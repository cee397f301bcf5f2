"""A token that changes whenever plan data changes: the key that lets a page be cached without ever going stale.

On PostgreSQL every table of the data apps has a trigger that, when a transaction that wrote to it commits, gives the
one DataVersion row a new random token. The triggers are DEFERRABLE INITIALLY DEFERRED, so they run at commit: the
row is locked only for the commit itself (writers do not queue behind each other's whole transactions), and the new
token becomes visible in the same instant as the data it stands for, neither before (a reader could cache old data
under the new token) nor after. A random token rather than a counter, so that restoring a backup can never bring
back a token that an app server has cached something under.

Triggers rather than Django signals: signals miss queryset.update(), bulk_create and raw SQL, and a cache that a
write can bypass would show a board last week's ratings. install_triggers() runs after every migrate (the app's
post_migrate), so a table added later gets its trigger without anyone remembering to add it.

SQLite (`make demo`) has no deferrable triggers: there current_token() returns None and nothing is cached.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections, router

from actions.models import DataVersion

# The apps whose tables hold plan data. Users, sessions, sign-in throttling and two-factor devices are not shown on
# any cached page, and writing them on every sign-in would only empty the cache.
DATA_APPS = ["actions", "kpis", "risks", "boards", "governance", "reports", "workbooks", "planfields", "evidence"]
TRIGGER = "sendplan_data_changed"

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {{table}} (id, token, transaction_id) VALUES (1, gen_random_uuid()::text, txid_current())
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token, transaction_id = EXCLUDED.transaction_id
    WHERE {{table}}.transaction_id IS DISTINCT FROM EXCLUDED.transaction_id;
    RETURN NULL;
END
$$
"""


def data_tables() -> list[str]:
    """Every table of the data apps, many-to-many link tables included, but not DataVersion's own."""
    tables = {
        model._meta.db_table
        for label in DATA_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
        if model is not DataVersion and model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def install_triggers(using: str = "default") -> list[str]:
    """Create the trigger function and any missing trigger; returns the tables that had none. Idempotent."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        if DataVersion._meta.db_table not in existing:
            return []  # migrated back before the data version: a trigger now would fail every write
        cursor.execute(_FUNCTION.format(table=connection.ops.quote_name(DataVersion._meta.db_table)))
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        present = {name.strip('"') for (name,) in cursor.fetchall()}
        missing = [table for table in data_tables() if table in existing and table not in present]
        for table in missing:
            # Constraint triggers cannot be CREATE OR REPLACEd: hence the check for the ones present.
            cursor.execute(
                f"CREATE CONSTRAINT TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE "
                f"ON {connection.ops.quote_name(table)} DEFERRABLE INITIALLY DEFERRED "
                f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
    return missing


def drop_triggers(using: str = "default") -> None:
    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}() CASCADE")  # and every trigger that runs it


def current_token() -> str | None:
    """The token now, or None where there are no triggers (SQLite) or no data has been written since a flush."""
    connection = connections[router.db_for_read(DataVersion)]
    if connection.vendor != "postgresql":
        return None
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
