"""Job functions: `@job_task` turns `def work(job, progress) -> JobResult` into a django-tasks task that takes
the Job's id, marks it running, reports its progress and heartbeat, and records how it ended.

Progress and the heartbeat are written by a thread on its own database connection, once a second: the work may
run inside one long transaction (an import is all or nothing), and what it writes there is invisible to the page
polling the job until it commits. The page needs the progress now."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks import task

from actions.data_version import current_token
from jobs.models import Job
from jobs.services import job_done, job_failed, job_start
from sendplan.page_cache import warm_if_changed

logger = logging.getLogger(__name__)

BEAT_SECONDS = 1.0


@dataclass(frozen=True)
class JobResult:
    """Where the job's result is, and what to call the link to it ("Open the PDF")."""

    url: str
    label: str


class JobRefused(Exception):
    """The work cannot be done as asked, for a reason the requester can act on (the message says it), with a link
    to more if there is more (an import's list of problems)."""

    def __init__(self, message: str, *, result: JobResult | None = None):
        super().__init__(message)
        self.result = result


@dataclass(frozen=True)
class JobKind:
    """Who may see and retry a kind of job, besides its requester (who always may)."""

    can_view: Callable[[object, Job], bool]
    can_retry: Callable[[object, Job], bool]


KINDS: dict[str, JobKind] = {}


def _nobody_else(user, job) -> bool:
    return False


class Progress:
    """What the work says it is doing; the beat thread writes the latest to the job's row."""

    def __init__(self, job: Job):
        self.job_id = job.pk
        self.text, self.done, self.total = "Starting", 0, None
        self._changed = True
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"job-{job.pk}-beat", daemon=True)

    def __call__(self, text: str, done: int | None = None, total: int | None = None) -> None:
        self.text = text[:200]
        if done is not None:
            self.done = done
        if total is not None:
            self.total = total
        self._changed = True

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        try:
            while not self._stop.wait(BEAT_SECONDS):
                fields = {"heartbeat_at": timezone.now()}
                if self._changed:
                    self._changed = False
                    fields.update(progress=self.text, steps_done=self.done, steps_total=self.total)
                try:
                    Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING).update(**fields)
                except Exception:  # the database busy (SQLite holds one writer): the next beat tries again
                    logger.debug("job_beat_skipped job_id=%s", self.job_id, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


def job_task(*, can_view=_nobody_else, can_retry=_nobody_else):
    """Make a job function into a django-tasks task. `can_view(user, job)` and `can_retry(user, job)` say who else
    besides the requester may see the job's page and try it again."""

    def decorate(work: Callable[[Job, Progress], JobResult]):
        @functools.wraps(work)
        def run(job_id: int) -> str:
            job = job_start(job_id)
            if job is None:
                return "not run: the job was not waiting"
            progress = Progress(job)
            progress.start()
            token = current_token() if settings.SENDPLAN_PAGE_WARMERS else None
            try:
                result = work(job, progress)
            except JobRefused as refusal:
                outcome = ("failed", str(refusal), refusal.result)
            except Exception:
                # The traceback goes to the log (and the queue's own row); the requester gets words to act on.
                logger.exception("job_failed job_id=%s task=%s", job.pk, job.task_path)
                outcome = (
                    "failed",
                    f"Something went wrong while doing this (job {job.pk}). Try again; if it fails "
                    "again, tell your system administrator the job number.",
                    None,
                )
            else:
                outcome = ("done", result)
            finally:
                progress.stop()
            if outcome[0] == "done":
                job_done(job, result_url=outcome[1].url, result_label=outcome[1].label)
            else:
                job_failed(job, outcome[1], result=outcome[2])
            logger.info("job_%s job_id=%s task=%s attempts=%s", outcome[0], job.pk, job.task_path, job.attempts)
            if settings.SENDPLAN_PAGE_WARMERS:
                warm_if_changed(token)  # an import or a publish changed plan data: build the dashboards ahead
            return outcome[0]

        registered = task()(run)
        KINDS[registered.module_path] = JobKind(can_view=can_view, can_retry=can_retry)
        return registered

    return decorate
