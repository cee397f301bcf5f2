"""Running background jobs in tests: the real database queue and the real worker, in the test's own process."""

from unittest import mock

from django.core.management import call_command


def run_queued_jobs() -> None:
    """Run every job waiting in the queue, then return: `manage.py db_worker --batch`, as a worker would run them.

    In the test's process and transaction, so a test sees what the jobs wrote and rolls it back after. The worker
    closes stale connections between jobs as a request would; in a test that would close the test's own connection
    in the middle of its transaction, so it is left open here."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, startup_delay=False, queue_name="*", verbosity=0)
