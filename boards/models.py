"""The boards that oversee a plan, their meetings, what each meeting decided and the actions it gave people.

A SEND improvement board (independent chair; council, health, schools and parent carer forum members) meets
every few weeks, reviews progress by exception and reports up to the Health and Wellbeing Board. DfE and NHS
England support-and-challenge meetings and stocktakes are held as a board of kind "external review".
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import Action, AreaOfWeakness, Officer, Plan, VersionedModel
from kpis.models import Kpi
from risks.models import Risk


class Board(VersionedModel):
    class Kind(models.TextChoices):
        IMPROVEMENT = "improvement", "Improvement board"
        PROGRAMME = "programme", "Programme board"
        SUBGROUP = "subgroup", "Subgroup or workstream"
        PARTNERSHIP = "partnership", "Partnership board"
        EXTERNAL_REVIEW = "external_review", "External review (DfE and NHS England)"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    purpose = models.TextField(blank=True)
    chair = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="chaired_boards")
    members = models.ManyToManyField(Officer, blank=True, related_name="boards")
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reporting_boards"
    )
    plans = models.ManyToManyField(Plan, blank=True, related_name="boards", help_text="The plans this board oversees.")
    meets = models.CharField(max_length=100, blank=True, help_text='How often, e.g. "Every six weeks".')
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reports_to=models.F("pk")),
                name="board_does_not_report_to_itself",
                violation_error_message="A board cannot report to itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("board-detail", args=[self.pk])


class Meeting(VersionedModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True, help_text='e.g. "Six-month stocktake".')
    location = models.CharField(max_length=200, blank=True)
    present = models.ManyToManyField(Officer, blank=True, related_name="meetings_attended")
    apologies = models.ManyToManyField(Officer, blank=True, related_name="meeting_apologies")
    minutes = models.TextField(blank=True)
    chair_update = models.TextField(
        "chair's update", blank=True, help_text="What the board discussed and decided, for families and partners."
    )
    chair_update_published_at = models.DateTimeField(null=True, blank=True)
    chair_update_published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(chair_update_published_at__isnull=True) | ~Q(chair_update=""),
                name="meeting_published_update_has_text",
                violation_error_message="Write the chair's update before publishing it.",
            ),
        ]

    def __str__(self) -> str:
        label = self.title or "Meeting"
        return f"{self.board}: {label}, {self.date:%-d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])


class AgendaItem(VersionedModel):
    """One item on a meeting's agenda, optionally about an area, action, KPI or risk of a plan."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=300)
    notes = models.TextField(blank=True)
    presenter = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    area = models.ForeignKey(AreaOfWeakness, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kpi = models.ForeignKey(Kpi, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="KPI")
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Decision(VersionedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class BoardAction(VersionedModel):
    """Something a meeting asked a named person to do by a date. It shows on the owner's My actions."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "No longer needed"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="board_actions")
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="board_actions"
    )
    text = models.TextField()
    owner = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="board_actions")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    progress_note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="board_action_done_needs_date",
                violation_error_message="Give the date the board action was done.",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date is not None and self.due_date < timezone.localdate()


class BoardPack(models.Model):
    """A meeting's board pack as it was last produced: the tagged PDF and its HTML twin, drawn from the same
    content at one moment (`as_at`: the end of the meeting's day, or the moment it was produced if that was
    earlier). Producing it again replaces both; it is a rendering of records kept elsewhere, so it has no history
    of its own and no version (the job that renders it is the one writer)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="pack")
    html = models.TextField(help_text="The pack's body, shown inside the site's layout.")
    pdf = models.BinaryField()
    as_at = models.DateTimeField(help_text="The moment the pack's figures are read as at.")
    produced_at = models.DateTimeField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    emailed_at = models.DateTimeField(null=True, blank=True)
    emailed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Board pack: {self.meeting}"

    def get_absolute_url(self) -> str:
        return reverse("meeting-pack", args=[self.meeting_id])

    @property
    def size(self) -> int:
        return len(self.pdf)
