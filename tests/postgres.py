"""The test database as the outside world reaches it: a DATABASE_URL for scripts and app servers run as processes,
and a direct psycopg (3) connection (autocommit) for creating and dropping scratch databases and roles."""

from __future__ import annotations

from contextlib import contextmanager
from urllib.parse import quote

import psycopg
from django.db import connection


def database_url(*, name: str | None = None, user: str | None = None, password: str | None = None) -> str:
    """The pytest test database's URL, or another database (and role) on the same server."""
    settings = connection.settings_dict
    user = settings["USER"] if user is None else user
    password = settings["PASSWORD"] if password is None else password
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    host = settings["HOST"] or "localhost"
    port = f":{settings['PORT']}" if settings["PORT"] else ""
    return f"postgresql://{credentials}@{host}{port}/{quote(name or settings['NAME'], safe='')}"


@contextmanager
def server_cursor():
    """A cursor on the test database's server outside Django's connection, in autocommit (CREATE DATABASE cannot
    run in a transaction), closed afterwards."""
    settings = connection.settings_dict
    # psycopg leaves out the arguments that are None: libpq's defaults (the local socket, the default port) apply.
    conn = psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        autocommit=True,
    )
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()
