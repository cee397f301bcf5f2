"""Reads for background jobs: the line a person watching one reads, and a subject's latest job."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from jobs.models import Job

# A job still waiting after this long suggests no worker is running: the page says so.
WAITING_TOO_LONG = timedelta(seconds=30)
LEAVE = "You can leave this page: the work goes on."


def job_progress_line(job: Job, *, now=None) -> str:
    """One sentence: what the job is doing now, for the page and its live region."""
    if job.status == Job.Status.QUEUED:
        if (now or timezone.now()) - job.created_at > WAITING_TOO_LONG:
            return (
                "Still waiting for a worker to start it. If it has not started in a few minutes, the background "
                "workers may be stopped: tell your system administrator."
            )
        return f"Waiting for a worker to start it. {LEAVE}"
    if job.status == Job.Status.RUNNING:
        step = f" (step {job.steps_done + 1} of {job.steps_total})" if job.steps_total else ""
        return f"{job.progress or 'Started'}{step}. {LEAVE}"
    if job.status == Job.Status.DONE:
        return "Done."
    return "Stopped."


def latest_job(subject: str, *, task_path: str | None = None) -> Job | None:
    """The newest job about `subject` (e.g. "report:12"), of one kind if given."""
    jobs = Job.objects.filter(subject=subject)
    if task_path:
        jobs = jobs.filter(task_path=task_path)
    return jobs.order_by("-created_at", "-pk").first()
