"""Job functions for the jobs app's own tests: module-level, so a worker in another process can import them."""

import os
import time

from jobs.models import Job
from jobs.tasks import JobRefused, JobResult, job_task


@job_task()
def count_steps(job, progress) -> JobResult:
    """Reports `steps` steps, sleeping `sleep` seconds each (`first_sleep` instead on the first attempt, so a test
    can kill a worker in the middle of it and see the retry finish); the result names the worker's process."""
    if job.args.get("rendezvous"):
        # Wait (up to 30 s) until another job of the same subject is running too: with two workers each must hold
        # one of these at the same moment, so a test sees both workers at work whatever the scheduling.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if Job.objects.filter(subject=job.subject, status=Job.Status.RUNNING).count() >= 2:
                break
            time.sleep(0.1)
    steps = job.args.get("steps", 3)
    sleep = job.args.get("first_sleep", 0) if job.attempts == 1 else job.args.get("sleep", 0)
    for step in range(steps):
        progress(f"Counting {step + 1}", step, steps)
        time.sleep(sleep / max(steps, 1))
    return JobResult(url=f"/done/{job.pk}/", label=f"pid {os.getpid()}")


@job_task()
def break_down(job, progress) -> JobResult:
    if job.args.get("refuse"):
        raise JobRefused("The file was changed while it was being checked.")
    raise RuntimeError("disk on fire")
