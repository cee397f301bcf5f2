"""Real `manage.py db_worker` processes on the test PostgreSQL database: two workers share one queue and run each
job exactly once; a worker killed in the middle of a job (SIGKILL: no chance to clean up) leaves the job shown as
failed once its heartbeat stops, and Try again runs it on a worker started afterwards (the queue outlives workers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from jobs.models import Job
from jobs.services import LOST_JOB_ERROR, job_enqueue, job_fail_if_lost, job_retry
from tests import factories
from tests.jobs.sample_tasks import count_steps
from tests.postgres import database_url

# The workers are other processes: they see only committed data.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.server]

DEADLINE = 90  # seconds: only to fail rather than hang if a worker never does its part


def start_worker(log: Path) -> subprocess.Popen:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sendplan.settings_test", "DATABASE_URL": database_url()}
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, what: str):
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def stop(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)


def test_two_workers_share_the_queue_and_run_each_job_once(tmp_path):
    manager = factories.make_user("morgan", None)
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(log) for log in logs]
    try:
        wait_for(
            lambda: (
                all("Starting worker" in log.read_text() for log in logs if log.exists())
                and all(log.exists() for log in logs)
            ),
            "both workers to start",
        )
        # The first two jobs meet: each waits until the other is running, so both workers must take one.
        jobs = [
            job_enqueue(
                count_steps,
                label=f"Job {n}",
                subject="test:1",
                by=manager,
                args={"steps": 2, "sleep": 0.4, "rendezvous": n < 2},
            )
            for n in range(12)
        ]
        wait_for(
            lambda: not Job.objects.filter(pk__in=[job.pk for job in jobs], status__in=Job.ACTIVE).exists(),
            "every job to finish",
        )
    finally:
        for worker in workers:
            stop(worker)
    finished = Job.objects.filter(pk__in=[job.pk for job in jobs])
    assert {job.status for job in finished} == {Job.Status.DONE}
    assert {job.attempts for job in finished} == {1}  # none ran twice
    # Both workers took jobs: the result names the process that ran it.
    assert {job.result_label for job in finished} == {f"pid {worker.pid}" for worker in workers}


def test_a_killed_worker_leaves_its_job_failed_not_stuck_and_try_again_finishes_it(tmp_path, settings):
    settings.SENDPLAN_JOB_LOST_SECONDS = 3
    manager = factories.make_user("morgan", None)
    job = job_enqueue(
        count_steps, label="Long job", subject="test:1", by=manager, args={"steps": 30, "first_sleep": 60}
    )
    worker = start_worker(tmp_path / "worker-1.log")
    try:
        wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, steps_done__gte=1).exists(),
            "the job to be running",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        stop(worker)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING  # as the dead worker left it
    wait_for(lambda: job_fail_if_lost(job).status == Job.Status.FAILED, "the lost job to be noticed")
    assert job.error == LOST_JOB_ERROR

    job_retry(job, by=manager)
    worker = start_worker(tmp_path / "worker-2.log")
    try:
        wait_for(lambda: Job.objects.filter(pk=job.pk, status=Job.Status.DONE).exists(), "the retry to finish")
    finally:
        stop(worker)
    job.refresh_from_db()
    assert (job.attempts, job.result_label) == (2, f"pid {worker.pid}")
