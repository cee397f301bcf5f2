"""Backup and restore (scripts/backup.sh, scripts/restore.sh, docs/deployment.md): a backup restored into an empty
database, as another role, holds the latest published report's exact PDF, and `verify_published` says so."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys
from types import SimpleNamespace

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from actions.models import Plan
from reports.models import PublishedFile
from reports.services import report_approve, report_create, report_publish, report_submit
from tests.postgres import database_url, server_cursor
from tests.reports.test_reports import SUMMARY, build_term

pytestmark = [pytest.mark.server, pytest.mark.pdf]

SCRIPTS = settings.BASE_DIR / "scripts"
LATEST_PUBLISHED = """
    SELECT r.pdf_sha256, f.pdf FROM reports_termlyreport r JOIN reports_publishedfile f ON f.report_id = r.id
    WHERE r.status = 'published' ORDER BY r.published_at DESC, r.id DESC LIMIT 1
"""


def run(command: list[str], url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "sendplan.settings_test"}
    # The timeout only stops a hung process from hanging the suite; these take a few seconds.
    return subprocess.run(command, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300)


def verify_published(url: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", "verify_published"], url)


# The scripts and the restored database's checks run as other processes: they see only committed data.
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture
def empty_database():
    """A new empty database owned by a new role that is not a superuser (as on a fresh server), dropped after."""
    name = f"sendplan_restore_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    with server_cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password)))
        cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(name)))
    try:
        yield SimpleNamespace(url=database_url(name=name, user=name, password=password), role=name)
    finally:
        with server_cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def query(url: str, statement: str) -> list[tuple]:
    conn = psycopg.connect(url, autocommit=True)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else []
    finally:
        conn.close()


@committed
def test_a_backup_restored_into_an_empty_database_holds_the_published_pdf(world, empty_database, tmp_path):
    term = build_term(world)
    report = report_create(plan=term.plan, period=term.period, summary=SUMMARY, by=term.comms)
    report = report_submit(report=report, by=term.comms, expected_version=report.version)
    report = report_approve(report=report, by=term.chair, expected_version=report.version)
    report = report_publish(report=report, by=term.comms, expected_version=report.version)
    published = bytes(PublishedFile.objects.get(report=report).pdf)
    assert hashlib.sha256(published).hexdigest() == report.pdf_sha256

    backup = tmp_path / "sendplan.dump"
    made = run([str(SCRIPTS / "backup.sh"), str(backup)], database_url())
    assert made.returncode == 0, made.stderr
    assert backup.stat().st_size > len(published) // 2  # the PDF is in it (compressed)
    assert list(tmp_path.iterdir()) == [backup]  # no partial file left behind

    restored = run([str(SCRIPTS / "restore.sh"), str(backup)], empty_database.url)
    assert restored.returncode == 0, restored.stderr

    [(recorded_sha256, pdf)] = query(empty_database.url, LATEST_PUBLISHED)
    [(owner,)] = query(empty_database.url, "SELECT tableowner FROM pg_tables WHERE tablename = 'reports_publishedfile'")
    assert bytes(pdf) == published
    assert hashlib.sha256(bytes(pdf)).hexdigest() == recorded_sha256 == report.pdf_sha256
    assert owner == empty_database.role  # --no-owner: the restoring role owns what it restored

    checked = verify_published(empty_database.url)
    assert checked.returncode == 0, checked.stderr
    line = f"{term.plan.slug}  {term.period.name}  version 1  {report.pdf_sha256}  OK"
    assert line in checked.stdout.splitlines()
    assert "1 published report checked: all match." in checked.stdout

    # A restore into a database that now has tables is refused, and leaves it as it was.
    again = run([str(SCRIPTS / "restore.sh"), str(backup)], empty_database.url)
    assert again.returncode == 2
    assert "already has" in again.stderr and "empty database" in again.stderr
    assert query(empty_database.url, "SELECT count(*) FROM reports_publishedfile") == [(1,)]

    # verify_published is worth running: one changed byte is reported, with a failing exit status.
    query(empty_database.url, "UPDATE reports_publishedfile SET pdf = pdf || '\\x00'::bytea")
    tampered = verify_published(empty_database.url)
    tampered_sha256 = hashlib.sha256(published + b"\x00").hexdigest()
    assert tampered.returncode == 1
    assert f"version 1  {tampered_sha256}  MISMATCH (recorded {report.pdf_sha256})" in tampered.stdout
    assert "1 of 1 published reports do not match" in tampered.stderr


@committed
def test_restore_refuses_a_database_that_has_tables(world, tmp_path):
    backup = tmp_path / "sendplan.dump"
    assert run([str(SCRIPTS / "backup.sh"), str(backup)], database_url()).returncode == 0
    plans = Plan.objects.count()

    refused = run([str(SCRIPTS / "restore.sh"), str(backup)], database_url())

    assert refused.returncode == 2
    assert "already has" in refused.stderr and "restore only into a new, empty database" in refused.stderr
    assert Plan.objects.count() == plans == 1


@pytest.mark.parametrize(
    ("script", "args", "url", "message"),
    [
        ("backup.sh", [], "postgresql://localhost/x", "usage: DATABASE_URL=postgresql://"),
        ("backup.sh", ["out.dump"], "", "set DATABASE_URL to the PostgreSQL database"),
        ("backup.sh", ["out.dump"], "sqlite:///db.sqlite3", "must be a PostgreSQL URL (postgresql://...), not sqlite"),
        ("backup.sh", ["/no/such/dir/out.dump"], "postgresql://localhost/x", "no directory /no/such/dir"),
        ("restore.sh", ["/no/such/file.dump"], "postgresql://localhost/x", "no backup file /no/such/file.dump"),
        ("restore.sh", ["pyproject.toml"], "postgresql://localhost/x", "is not a pg_dump custom-format backup"),
    ],
)
def test_the_scripts_say_what_is_wrong(script, args, url, message):
    result = run([str(SCRIPTS / script), *args], url)
    assert result.returncode == 2
    assert message in result.stderr
