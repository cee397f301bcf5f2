"""A background job as its requester sees it: what it is doing, how far it has got, what went wrong, where the
result is. The queue itself is django-tasks' table (django_tasks_db); this row is the app's own record beside it,
written in the same transaction as the queue row (docs/decisions/0014-background-jobs.md)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "In progress"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    # The job function (a django-tasks task made with jobs.tasks.job_task) and what it works on: kept so that
    # "Try again" queues the same work, and so permissions can be checked against the job's subject.
    task_path = models.CharField(max_length=200)
    args = models.JSONField(default=dict, blank=True)
    label = models.CharField(max_length=200, help_text="What the job is, in the requester's words.")
    # e.g. "report:12" or "upload:7": what the job is about, for permissions and for finding a job in progress.
    subject = models.CharField(max_length=100, db_index=True)
    # Two requests for the same work share one job: at most one job in progress per key (blank: no sharing).
    key = models.CharField(max_length=120, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(max_length=200, blank=True)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="What went wrong, in words the requester can act on.")
    result_url = models.CharField(max_length=300, blank=True)
    result_label = models.CharField(max_length=100, blank=True, help_text="The link to the result, e.g. Open the PDF.")
    attempts = models.PositiveSmallIntegerField(default=0)
    task_result_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(status__in=["queued", "running"]) & ~Q(key=""),
                name="job_one_active_per_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("job-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int | None:
        if not self.steps_total:
            return None
        return min(100, round(100 * self.steps_done / self.steps_total))
