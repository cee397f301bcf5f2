"""`make serve` (scripts/serve.sh) refuses to start a production server without the settings that have no safe
default, and says which to set, before installing or migrating anything. tests/sendplan/test_two_app_servers.py runs the
gunicorn it starts."""

import os
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.server

GOOD = {"DATABASE_URL": "postgresql://sendplan@db.internal:5432/sendplan", "SECRET_KEY": "x" * 50}
# What the caller's environment (the test run's own DATABASE_URL, settings_test's SECRET_KEY) must not supply.
CHECKED = ["DATABASE_URL", "SECRET_KEY", "DJANGO_DEBUG", "SENDPLAN_MIGRATE", "WEB_CONCURRENCY"]


def run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in CHECKED}
    return subprocess.run(
        command, env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )


def test_the_settings_check_passes_with_a_postgres_url_and_a_key():
    assert run(["scripts/serve.sh", "--check"], **GOOD).returncode == 0
    assert run(["scripts/serve.sh", "--check"], **{**GOOD, "DATABASE_URL": "postgres://h/sendplan"}).returncode == 0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": ""}, "set DATABASE_URL to the PostgreSQL database"),
        (
            {"DATABASE_URL": "sqlite:///db.sqlite3"},
            "DATABASE_URL must be a PostgreSQL URL (postgresql://...), not sqlite: SQLite is for make demo only",
        ),
        ({"SECRET_KEY": ""}, "set SECRET_KEY to a long random string, the same on every app server"),
        ({"DJANGO_DEBUG": "True"}, "DJANGO_DEBUG is on"),
        ({"SENDPLAN_MIGRATE": "no"}, "SENDPLAN_MIGRATE must be 1"),
        ({"WEB_CONCURRENCY": "four"}, "WEB_CONCURRENCY must be a number of workers, not four"),
    ],
)
def test_a_missing_or_wrong_setting_is_named(env, message):
    result = run(["scripts/serve.sh", "--check"], **{**GOOD, **env})
    assert result.returncode == 2
    assert f"serve: {message}" in result.stderr


def test_the_password_in_a_wrong_url_is_not_echoed():
    result = run(["scripts/serve.sh", "--check"], **{**GOOD, "DATABASE_URL": "mysql://app:hunter2@db/sendplan"})
    assert result.returncode == 2
    assert "not mysql" in result.stderr and "hunter2" not in result.stderr


def test_make_serve_stops_before_installing_anything():
    result = run(["make", "--no-print-directory", "serve"], SECRET_KEY="x" * 50)
    assert result.returncode != 0
    # The first line of the recipe (the check) failed, so make ran nothing after it.
    assert "serve: set DATABASE_URL" in result.stderr
    assert result.stdout == ""
