"""How the board holds the plan to account: challenges to ratings, co-production comments from the parent carer
forum, and the log that keeps reminder emails to one a day.

Reporting rounds are the plan's reporting periods (actions.ReportingPeriod: opened with an update deadline,
closed when the board has the picture); the services here open and close them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action, Officer, ProgressUpdate, Rag, ReportingPeriod, VersionedModel


class Challenge(VersionedModel):
    """A board member or PCF representative questions an action's rating; the lead must answer it."""

    class Status(models.TextChoices):
        OPEN = "open", "Awaiting response"
        RESOLVED = "resolved", "Resolved"

    class Resolution(models.TextChoices):
        ACCEPTED = "accepted", "Accepted: rating changed"
        EXPLAINED = "explained", "Rating explained"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="challenges")
    progress_update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="challenges"
    )
    period = models.ForeignKey(ReportingPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    challenged_rag = models.CharField("rating challenged", max_length=10, choices=Rag.choices)
    text = models.TextField("challenge", help_text="Why the rating does not look right to you.")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    raised_by_officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=10, choices=Resolution.choices, blank=True)
    response = models.TextField(blank=True)
    new_rag = models.CharField("new rating", max_length=10, choices=Rag.choices, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_by_officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    HISTORY_HIDDEN_FIELDS = ("action", "progress_update", "period", "raised_by", "responded_by")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(challenged_rag__in=Rag.values), name="challenge_rag_valid"),
            models.CheckConstraint(
                condition=Q(status="open", resolution="") | Q(status="resolved") & ~Q(resolution="") & ~Q(response=""),
                name="challenge_resolved_needs_response",
                violation_error_message="A resolved challenge needs the lead's response.",
            ),
            models.CheckConstraint(
                condition=~Q(resolution="accepted") | ~Q(new_rag=""),
                name="challenge_accepted_needs_new_rag",
                violation_error_message="Accepting a challenge changes the rating: choose the new one.",
            ),
        ]

    def __str__(self) -> str:
        return f"Challenge to {self.action.ref} ({self.get_challenged_rag_display()})"

    def get_absolute_url(self) -> str:
        return reverse("challenge-detail", args=[self.pk])


class CoproductionComment(VersionedModel):
    """What the parent carer forum said about an action or one of its updates ("You said"), and the lead's answer
    ("we did")."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="coproduction_comments")
    progress_update = models.ForeignKey(
        ProgressUpdate, null=True, blank=True, on_delete=models.SET_NULL, related_name="coproduction_comments"
    )
    text = models.TextField("comment")
    publishable = models.BooleanField(
        default=False, help_text='May appear in the published "You said, we did" section of termly reports.'
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_officer = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    response = models.TextField("what we did", blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    HISTORY_HIDDEN_FIELDS = ("action", "progress_update", "author", "responded_by")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Comment on {self.action.ref}: {self.text[:60]}"


class ReminderLog(models.Model):
    """One reminder email sent: the unique key keeps `send_reminders` to one of each kind per officer per day."""

    class Kind(models.TextChoices):
        DIGEST = "digest", "Digest"
        ESCALATION = "escalation", "Escalation to the area owner"

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sent_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "kind", "sent_on"], name="reminder_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.officer} on {self.sent_on}"


class ReminderDay(models.Model):
    """The day's reminder run, scheduled as a background job (governance.schedule). One row per day: the unique day
    is what keeps the automatic reminders to one run a day however many workers share the queue."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        RUNNING = "running", "Running"
        DONE = "done", "Sent"
        FAILED = "failed", "Some emails failed"

    day = models.DateField(unique=True)
    run_after = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"Reminders for {self.day:%d %b %Y}: {self.get_status_display()}"
