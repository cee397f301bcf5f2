"""Background jobs (jobs app): queued with the change that asks for them, run by the real worker, followed on their
page, failures shown in words with Try again, lost workers noticed, and each job seen only by whom it concerns."""

import json
import logging
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job
from jobs.selectors import job_progress_line
from jobs.services import LOST_JOB_ERROR, job_enqueue, job_fail_if_lost, job_retry
from jobs.tasks import Progress
from tests import factories
from tests.jobs import run_queued_jobs
from tests.jobs.sample_tasks import break_down, count_steps


def enqueue(task, world, **args):
    return job_enqueue(task, label="Count to three", subject="test:1", by=world.manager, args=args)


@pytest.mark.django_db
def test_a_job_is_queued_with_its_queue_row_and_run_by_the_worker(world):
    job = enqueue(count_steps, world)
    assert job.status == Job.Status.QUEUED
    queued = DBTaskResult.objects.get(id=job.task_result_id)
    assert (queued.task_path, queued.args_kwargs["args"]) == ("tests.jobs.sample_tasks.count_steps", [job.pk])

    run_queued_jobs()

    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == (Job.Status.DONE, 1, "")
    assert job.result_url == f"/done/{job.pk}/"
    assert job.started_at <= job.finished_at
    assert job_progress_line(job) == "Done."


@pytest.mark.django_db
def test_the_same_key_shares_one_job_while_it_is_in_progress(world):
    first = job_enqueue(count_steps, label="A", subject="test:1", by=world.manager, key="same")
    second = job_enqueue(count_steps, label="A", subject="test:1", by=world.alice, key="same")
    assert first == second
    assert DBTaskResult.objects.count() == 1
    run_queued_jobs()
    third = job_enqueue(count_steps, label="A", subject="test:1", by=world.manager, key="same")
    assert third != first  # the first finished: the same work may be asked for again


@pytest.mark.django_db
def test_a_failure_is_told_in_words_and_its_traceback_goes_to_the_log(world, caplog):
    job = enqueue(break_down, world)
    with caplog.at_level(logging.ERROR, logger="jobs.tasks"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith(f"Something went wrong while doing this (job {job.pk}). Try again")
    assert "disk on fire" not in job.error
    assert "disk on fire" in caplog.text


@pytest.mark.django_db
def test_a_refusal_is_shown_as_given(world):
    job = enqueue(break_down, world, refuse=True)
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, "The file was changed while it was being checked.")


@pytest.mark.django_db
def test_try_again_queues_the_same_job_and_counts_the_attempt(client, world):
    job = enqueue(break_down, world)
    run_queued_jobs()
    Job.objects.filter(pk=job.pk).update(task_path="tests.jobs.sample_tasks.count_steps")  # "fixed" meanwhile
    client.force_login(world.manager)

    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "This did not finish" in page and "Try again" in page

    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.QUEUED, "")
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)


@pytest.mark.django_db
def test_only_a_failed_job_can_be_tried_again(client, world):
    job = enqueue(count_steps, world)
    client.force_login(world.manager)
    client.post(reverse("job-retry", args=[job.pk]), follow=True)
    assert DBTaskResult.objects.count() == 1
    with pytest.raises(Exception, match="nothing to try again"):
        job_retry(job, by=world.manager)


@pytest.mark.django_db
def test_a_job_whose_worker_went_silent_is_shown_as_failed_not_stuck(client, world, settings):
    settings.SENDPLAN_JOB_LOST_SECONDS = 60
    job = enqueue(count_steps, world)
    stale = timezone.now() - timedelta(seconds=61)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, started_at=stale, heartbeat_at=stale, attempts=1)
    fresh = enqueue(count_steps, world)
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())
    client.force_login(world.manager)

    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()

    job.refresh_from_db()
    assert (job.status, job.error) == (Job.Status.FAILED, LOST_JOB_ERROR)
    assert "the worker running it was stopped or restarted" in page and "Try again" in page
    fresh.refresh_from_db()
    assert job_fail_if_lost(fresh).status == Job.Status.RUNNING  # beating: left alone


@pytest.mark.django_db
def test_the_status_endpoint_gives_what_the_page_shows(client, world):
    job = enqueue(count_steps, world)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        progress="Laying out page 12",
        steps_done=4,
        steps_total=7,
        heartbeat_at=timezone.now(),
    )
    client.force_login(world.manager)
    response = client.get(reverse("job-status", args=[job.pk]))
    state = json.loads(response.content)
    assert response["Cache-Control"] == "no-store"
    assert state["status"] == "running" and state["finished"] is False
    assert state["line"] == "Laying out page 12 (step 5 of 7). You can leave this page: the work goes on."
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert state["line"] in page
    assert "data-app-job-check hidden" not in page  # without JavaScript: "Check again"


@pytest.mark.django_db
def test_a_job_waiting_long_says_the_workers_may_be_stopped(world):
    job = enqueue(count_steps, world)
    assert job_progress_line(job).startswith("Waiting for a worker to start it.")
    later = job.created_at + timedelta(minutes=2)
    assert "the background workers may be stopped" in job_progress_line(job, now=later)


@pytest.mark.django_db
def test_a_job_is_seen_only_by_its_requester_unless_its_kind_says_more(client, world):
    job = enqueue(count_steps, world)  # the sample kind names nobody else
    client.force_login(world.alice)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-status", args=[job.pk])).status_code == 404
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 404
    client.force_login(world.nobody)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 403
    client.force_login(world.manager)
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_progress_reaches_the_page_while_the_work_holds_its_own_transaction(world):
    """The beat thread writes on its own connection: the progress shows even while the work's transaction (an
    import's, all or nothing) is still open."""
    job = enqueue(count_steps, world)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    progress = Progress(job)
    progress.start()
    try:
        with transaction.atomic():
            factories.make_organisation("Written in the work's own transaction", "other")
            progress("Checking actions", 1, 11)
            seen = None
            deadline = time.monotonic() + 10  # fails rather than hangs; the beat is every second
            while time.monotonic() < deadline and seen != "Checking actions":
                time.sleep(0.2)
                seen = _read_from_another_connection(job.pk)
    finally:
        progress.stop()
    assert seen == "Checking actions"


def _read_from_another_connection(pk: int) -> str:
    import threading

    found = {}

    def read():
        from django.db import connections

        found["progress"] = Job.objects.get(pk=pk).progress
        connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return found["progress"]
