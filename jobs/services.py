"""Writes for background jobs: queue one, move it through running to done or failed, retry a failed one, and
notice one whose worker died (jobs/tasks.py runs them)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import Task

from jobs.models import Job

Status = Job.Status

LOST_JOB_ERROR = (
    "The job stopped before it finished: the worker running it was stopped or restarted. Nothing it was doing was "
    "saved. Try again."
)


def job_enqueue(task: Task, *, label: str, subject: str, by, args: dict | None = None, key: str = "") -> Job:
    """Queue `task` (made with jobs.tasks.job_task) and return its job. With a `key`, a job already in progress
    for the same key is returned instead of queueing the same work twice.

    The Job row and the queue row are written in one transaction (django-tasks' database backend writes in the
    caller's): the work is queued exactly when the change that asked for it is committed."""
    with transaction.atomic():
        if key and (existing := Job.objects.filter(key=key, status__in=Job.ACTIVE).first()):
            return existing
        try:
            with transaction.atomic():
                job = Job.objects.create(
                    task_path=task.module_path,
                    args=args or {},
                    label=label[:200],
                    subject=subject,
                    key=key,
                    requested_by=by,
                )
        except IntegrityError:  # the same work queued a moment ago by another request
            return Job.objects.get(key=key, status__in=Job.ACTIVE)
        _queue(job, task)
    return job


def _queue(job: Job, task: Task) -> None:
    result = task.enqueue(job.pk)
    job.task_result_id = str(result.id)
    job.save(update_fields=["task_result_id"])


def job_start(job_id: int) -> Job | None:
    """Mark the job running; None if it is not waiting to run (a second copy of the queue row, or already done)."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.QUEUED:
            return None
        now = timezone.now()
        job.status = Status.RUNNING
        job.started_at = job.heartbeat_at = now
        job.finished_at = None
        job.attempts += 1
        job.error = ""
        job.save()
    return job


def job_done(job: Job, *, result_url: str = "", result_label: str = "", progress: str = "Done") -> None:
    job.status = Status.DONE
    job.result_url, job.result_label = result_url, result_label
    job.progress = progress
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result_url", "result_label", "progress", "finished_at"])


def job_failed(job: Job, error: str, *, result=None) -> None:
    """`result` (a jobs.tasks.JobResult) links to more about the failure, e.g. an import's problems."""
    job.status = Status.FAILED
    job.error = error
    job.result_url, job.result_label = (result.url, result.label) if result else ("", "")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "result_url", "result_label", "finished_at"])


def job_fail_if_lost(job: Job, *, now=None) -> Job:
    """A running job whose worker has not been heard from for SENDPLAN_JOB_LOST_SECONDS (killed, or its machine
    lost) is shown as failed, so its requester can try again rather than wait for ever. The worker beats every
    second while a job runs (jobs/tasks.py), so silence means it is gone."""
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.SENDPLAN_JOB_LOST_SECONDS)
    lost = Job.objects.filter(pk=job.pk, status=Status.RUNNING, heartbeat_at__lt=cutoff).update(
        status=Status.FAILED, error=LOST_JOB_ERROR, finished_at=now or timezone.now()
    )
    if lost:
        job.refresh_from_db()
    return job


def job_retry(job: Job, *, by) -> Job:
    """Queue a failed job's work again, as the same job (its attempts counted)."""
    from django.utils.module_loading import import_string

    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != Status.FAILED:
            raise ValidationError(f"This job is {job.get_status_display().lower()}, so there is nothing to try again.")
        job.status = Status.QUEUED
        job.error = job.progress = job.result_url = job.result_label = ""
        job.steps_done, job.steps_total = 0, None
        job.created_at = timezone.now()
        job.started_at = job.finished_at = job.heartbeat_at = None
        try:
            with transaction.atomic():
                job.save()
        except IntegrityError:
            raise ValidationError("The same work is already being done by another job.") from None
        _queue(job, import_string(job.task_path))
    return job
