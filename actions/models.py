"""Plans, the people and organisations who lead them, areas of weakness, actions and their progress updates.

Every model users edit carries a `version` (optimistic locking, see actions/locking.py) and a simple-history
table, so "who changed what and when" can always be answered and "as at" views can read the past.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from sendplan.constraints import validate_constraints_in_one_query


class Rag(models.TextChoices):
    """The BRAG scale used by published plans (RBWM's key). Each plan words its own definitions."""

    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    WHITE = "white", "White"


# Display order: worst first is what boards scan for; the key itself is shown best first.
RAG_ORDER = [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.WHITE]
# GOV.UK tag colour modifiers; the tag always carries the word too, so colour is never the only signal.
RAG_TAG_CLASS = {
    Rag.BLUE: "govuk-tag--blue",
    Rag.GREEN: "govuk-tag--green",
    Rag.AMBER: "govuk-tag--yellow",
    Rag.RED: "govuk-tag--red",
    Rag.WHITE: "govuk-tag--grey",
}


class Stage(models.TextChoices):
    """Where delivery of an action stands, as its lead reports it: held apart from the RAG rating, which says how
    confident the lead is (an action can be complete and still Green while it beds in). Each plan may word the
    stages its own way (Plan.stage_label); "" is "not recorded"."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"
    CLOSED = "closed", "Closed"


# Stages at which what was due has been done (or stopped): such an action is never overdue.
DELIVERED_STAGES = (Stage.COMPLETE, Stage.CLOSED)

STAGE_TAG_CLASS = {
    Stage.NOT_STARTED: "govuk-tag--grey",
    Stage.IN_PROGRESS: "govuk-tag--light-blue",
    Stage.COMPLETE: "govuk-tag--turquoise",
    Stage.CLOSED: "govuk-tag--purple",
}


class VersionedModel(models.Model):
    """Base for user-edited rows: a version number checked in the UPDATE, and who last changed the row."""

    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        validate_constraints_in_one_query(self, exclude=exclude)


class Organisation(VersionedModel):
    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "ICB / CCG"
        NHS_TRUST = "nhs_trust", "NHS trust"
        PCF = "pcf", "Parent carer forum"
        SCHOOL = "school", "School or college"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=40, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Officer(VersionedModel):
    """A post and (usually) the person in it. Posts outlive people, and some names must not be published."""

    post_title = models.CharField(max_length=200)
    person_name = models.CharField(max_length=200, blank=True, help_text="Empty for a team or a board.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="officers")
    email = models.EmailField(blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="officer"
    )
    name_publishable = models.BooleanField(
        default=True, help_text="Untick to show only the post title in published reports."
    )
    is_agency_lead = models.BooleanField(
        default=False, help_text="May update every action led by someone in the same organisation."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["post_title", "person_name"]

    def __str__(self) -> str:
        return f"{self.post_title} ({self.person_name})" if self.person_name else self.post_title

    @property
    def public_name(self) -> str:
        return str(self) if self.name_publishable else self.post_title

    def held_by(self, person_name: str | None) -> str:
        """The post with the person who held it at some moment (a past update's author, a report's lead), rather
        than whoever holds it now; None (no holder recorded then) names the current holder."""
        name = self.person_name if person_name is None else person_name
        return f"{self.post_title} ({name})" if name else self.post_title

    def public_held_by(self, person_name: str | None) -> str:
        return self.held_by(person_name) if self.name_publishable else self.post_title


class PostHolder(VersionedModel):
    """Who held a post (an Officer) from a date: the post outlives the person. The holder with the latest
    `started_on` is the current one, whose name, email and user the Officer row carries for everything that asks
    "who is it now" (emails, sign-in). Everything that names who did something in the past (an update's author, a
    report's leads) asks who held the post on that day (`holder_name_on`). A handover adds a row; correcting a
    misspelt name rewrites the row in place (docs/decisions/0023-people-who-move-on.md)."""

    officer = models.ForeignKey(Officer, on_delete=models.CASCADE, related_name="holders")
    person_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts_held"
    )
    started_on = models.DateField(help_text="The first day this person held the post.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["officer", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "started_on"], name="post_holder_one_start_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name or 'Nobody named'}, {self.officer.post_title}, from {self.started_on:%-d %B %Y}"


def with_holder_names(queryset: models.QuerySet, **officers_on: str) -> models.QuerySet:
    """`queryset` with, for each `officer_field="day_or_moment_field"`, the name of who held that post then, as
    `<officer_field>_holder_name` (read by the `officer_then` template filter and `officer_then()`). A moment
    (a DateTimeField) counts by its local day."""
    from django.db.models import OuterRef
    from django.db.models.functions import TruncDate

    annotations = {}
    for officer_field, when_field in officers_on.items():
        field = queryset.model._meta.get_field(when_field)
        # The day is the outer row's, inside holder_name_on's subquery.
        outer = models.ExpressionWrapper(OuterRef(when_field), output_field=field)
        day = TruncDate(outer) if isinstance(field, models.DateTimeField) else outer
        annotations[f"{officer_field}_holder_name"] = holder_name_on(officer_field, day)
    return queryset.annotate(**annotations)


def officer_then(record, officer_field: str) -> str:
    """The officer in `record.<officer_field>` named with the person who held the post when `record` was made, if
    the record was read `with_holder_names` (else today's holder); "" when there is no officer."""
    officer = getattr(record, officer_field, None)
    if officer is None:
        return ""
    return officer.held_by(getattr(record, f"{officer_field}_holder_name", None))


def holder_name_on(officer_path: str, day) -> models.Expression:
    """An expression for the name of whoever held the post at `officer_path` (an Officer foreign key, e.g.
    "submitted_by_officer") on `day` (a date, or an OuterRef to the row's date), for
    `.annotate()`: the name comes with the row's own query rather than one more per page. A moment before the
    first recorded holder is named by that first holder (the post's earliest known person); None when the post
    has no holders."""
    from django.db.models import OuterRef, Subquery
    from django.db.models.functions import Coalesce

    holders = PostHolder.objects.filter(officer=OuterRef(officer_path))
    return Coalesce(
        Subquery(holders.filter(started_on__lte=day).order_by("-started_on").values("person_name")[:1]),
        Subquery(holders.order_by("started_on").values("person_name")[:1]),
    )


class Plan(VersionedModel):
    class PlanType(models.TextChoices):
        WSOA = "wsoa", "Written Statement of Action"
        APP = "app", "Accelerated Progress Plan"
        PAP = "pap", "Priority Action Plan"
        IMPROVEMENT = "improvement", "Improvement plan"

    slug = models.SlugField(max_length=80, unique=True)
    local_area = models.CharField(max_length=200)
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    title = models.CharField(max_length=300)
    inspection_start = models.DateField(null=True, blank=True)
    inspection_end = models.DateField(null=True, blank=True)
    inspection_label = models.CharField(max_length=100, blank=True, help_text='As written, e.g. "October 2019".')
    report_published = models.DateField(null=True, blank=True, help_text="Inspection report publication date.")
    published = models.DateField(null=True, blank=True, help_text="Date this plan was published.")
    start_date = models.DateField(help_text="Milestones at 3, 6 and 12 months count from here.")
    predecessor = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors")
    summary = models.TextField(blank=True)
    advisers = models.TextField(blank=True, help_text="DfE and NHSE advisers.")
    accountable_officers = models.ManyToManyField(Officer, blank=True, related_name="accountable_for_plans")
    # The council, ICB, trusts and others working on the plan: lead pickers offer their posts, and a new plan names
    # them before it has any action to derive them from.
    partner_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="partner_plans", verbose_name="partner organisations"
    )
    # The edition as published. A plan is revised between editions (renumbered areas, new accountable officers, a
    # new board): the history of these header facts, accountable officers included, says when each changed.
    version_label = models.CharField(
        "version", max_length=100, blank=True, help_text='The edition as published, e.g. "Version 3, March 2025".'
    )
    approved_by = models.TextField(
        "approved by", blank=True, help_text="The bodies that approved this edition, and when (one per line)."
    )
    board_name = models.CharField(
        "board",
        max_length=200,
        blank=True,
        help_text='The board that oversees the plan, e.g. "SEND Improvement Board".',
    )
    publishes_ratings = models.BooleanField(
        default=True,
        help_text=(
            "Untick for a plan whose key publishes no RAG ratings: its progress is dated narrative, each entry with "
            "its date and author, and its pages and reports show no ratings."
        ),
    )
    # The plan's own words for the stages (blank: the standard word), as its tracker heads them.
    stage_not_started_label = models.CharField("word for “not started”", max_length=40, blank=True)
    stage_in_progress_label = models.CharField("word for “in progress”", max_length=40, blank=True)
    stage_complete_label = models.CharField("word for “complete”", max_length=40, blank=True)
    stage_closed_label = models.CharField("word for “closed”", max_length=40, blank=True)
    history = HistoricalRecords(m2m_fields=[accountable_officers, partner_organisations])

    class Meta:
        ordering = ["local_area", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(inspection_end__isnull=True)
                | Q(inspection_start__isnull=True)
                | Q(inspection_end__gte=models.F("inspection_start")),
                name="plan_inspection_dates_in_order",
                violation_error_message="The inspection cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.local_area}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan-detail", args=[self.slug])

    def stage_label(self, code: str) -> str:
        """The plan's word for stage `code` ("Not recorded" for "")."""
        if not code:
            return "Not recorded"
        return getattr(self, f"stage_{code}_label", "") or Stage(code).label

    @property
    def stage_choices(self) -> list[tuple[str, str]]:
        return [(code.value, self.stage_label(code.value)) for code in Stage]


class RagDefinition(VersionedModel):
    """One line of a plan's RAG key. A plan may leave out blue or white."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rag_key")
    code = models.CharField(max_length=10, choices=Rag.choices)
    label = models.CharField(max_length=40)
    definition = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="rag_definition_unique_code_per_plan"),
            models.CheckConstraint(condition=Q(code__in=Rag.values), name="rag_definition_code_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.definition}"


class ReportingPeriod(VersionedModel):
    """A monitoring date / term. At most one period per plan is open for updates at a time."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        OPEN = "open", "Open for updates"
        CLOSED = "closed", "Closed"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=100)
    start = models.DateField()
    end = models.DateField()
    update_deadline = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "start"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="period_unique_name_per_plan"),
            models.UniqueConstraint(fields=["plan"], condition=Q(status="open"), name="period_one_open_per_plan"),
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="period_end_after_start",
                violation_error_message="A reporting period cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AreaKind(models.TextChoices):
    """What a plan calls an area, and so which tier it sits in (docs/decisions/0021-area-tiers.md). The 2023
    framework's plans have two tiers (areas for priority action, then areas for improvement); cross-cutting
    sections (safeguarding) stand outside the numbering; a workstream may answer several inspection findings."""

    WEAKNESS = "weakness", "Area of weakness"
    PRIORITY = "priority", "Area for priority action"
    IMPROVEMENT = "improvement", "Area for improvement"
    CROSS_CUTTING = "cross_cutting", "Cross-cutting area"
    WORKSTREAM = "workstream", "Workstream"


# Tiers in the order pages and reports show them: priority action first, the rest after.
AREA_KIND_ORDER = [
    AreaKind.PRIORITY,
    AreaKind.IMPROVEMENT,
    AreaKind.CROSS_CUTTING,
    AreaKind.WORKSTREAM,
    AreaKind.WEAKNESS,
]
AREA_KIND_PLURALS = {
    AreaKind.WEAKNESS: "Areas of weakness",
    AreaKind.PRIORITY: "Areas for priority action",
    AreaKind.IMPROVEMENT: "Areas for improvement",
    AreaKind.CROSS_CUTTING: "Cross-cutting areas",
    AreaKind.WORKSTREAM: "Workstreams",
}


class AreaOfWeakness(VersionedModel):
    """What the inspectors found (a theme, priority or improvement area). May be closed part-way through."""

    Kind = AreaKind

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="areas")
    ref = models.CharField(max_length=20)
    title = models.TextField()
    kind = models.CharField(
        max_length=20,
        choices=AreaKind.choices,
        default=AreaKind.WEAKNESS,
        help_text="Its tier: pages and reports show areas for priority action first, then areas for improvement, "
        "cross-cutting areas (shown without a number) and the rest.",
    )
    # Two areas a plan reports on as one block ("Areas for improvement 3 and 4"): this one is shown inside the
    # block of the area it names. One level only: the area named is not itself reported with another.
    reported_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_alongside",
        help_text="Another area of the same plan that this one is reported together with, as one block.",
    )
    general_outcomes = models.TextField(blank=True)
    milestone = models.TextField(blank=True)
    owners = models.ManyToManyField(Officer, blank=True, related_name="owned_areas")
    order = models.PositiveIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "areas of weakness"
        ordering = ["plan", "order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="area_unique_ref_per_plan"),
            models.CheckConstraint(condition=Q(kind__in=AreaKind.values), name="area_kind_valid"),
            models.CheckConstraint(condition=~Q(reported_with=models.F("pk")), name="area_not_reported_with_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.ref}. {self.title}" if self.numbered else self.title

    def get_absolute_url(self) -> str:
        return reverse("area-detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.reported_with_id is None:
            return
        partner = self.reported_with
        if self.pk is not None and partner.pk == self.pk:
            raise ValidationError({"reported_with": "An area cannot be reported together with itself."})
        if partner.plan_id != self.plan_id:
            raise ValidationError({"reported_with": "Choose an area of the same plan to report this one with."})
        # One level only, so a block is one area and those reported with it: no chains, no loops.
        if partner.reported_with_id is not None:
            raise ValidationError(
                {"reported_with": f"{partner.label} is itself reported with another area: choose that area instead."}
            )
        if self.pk is not None and AreaOfWeakness.objects.filter(reported_with=self).exists():
            raise ValidationError(
                {"reported_with": "Other areas are reported with this one, so it cannot be reported with another."}
            )

    @property
    def numbered(self) -> bool:
        """Cross-cutting areas stand outside the plan's numbering: their ref is only a key for imports."""
        return self.kind != AreaKind.CROSS_CUTTING

    @property
    def label(self) -> str:
        """The area's name as the plan writes it: "Area 2" (an area of weakness, as before tiers),
        "Area for priority action 1", "Workstream 3"; a cross-cutting area has no number, so its title names it."""
        if self.kind == AreaKind.WEAKNESS:
            return f"Area {self.ref}"
        if not self.numbered:
            return self.title
        return f"{self.get_kind_display()} {self.ref}"

    @property
    def short_label(self) -> str:
        """For the bar charts' narrow label column (the full title is the bar's own title): "Area 2", "API 1",
        "AFI 3", "WS W1", "Cross-cut"."""
        short = {AreaKind.PRIORITY: "API", AreaKind.IMPROVEMENT: "AFI", AreaKind.WORKSTREAM: "WS"}
        if not self.numbered:
            return "Cross-cut"
        return f"{short[self.kind]} {self.ref}" if self.kind in short else self.label

    @property
    def in_text(self) -> str:
        """The label inside a sentence: "reported together with area for improvement 3", "workstream W1"."""
        label = self.label
        return label[:1].lower() + label[1:] if self.numbered else label

    @property
    def heading(self) -> str:
        """The label with the title: "Area for improvement 3: Preparing for adulthood", "Cross-cutting area:
        Safeguarding"."""
        if not self.numbered:
            return f"{self.get_kind_display()}: {self.title}"
        return f"{self.label}: {self.title}"

    def is_closed_on(self, day: date) -> bool:
        """Closed on or before `day`: from its closing day the area's actions are no longer monitored
        (Action.monitored_q is the same rule for queries)."""
        return self.closed_on is not None and self.closed_on <= day


class Finding(VersionedModel):
    """An inspection finding quoted under an area ("Ofsted Main Finding 2.1")."""

    area = models.ForeignKey(AreaOfWeakness, on_delete=models.CASCADE, related_name="findings")
    ref = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order", "id"]

    def __str__(self) -> str:
        return f"Finding {self.ref}" if self.ref else f"Finding {self.order}"


class Outcome(VersionedModel):
    """Optional grouping of actions: "Required outcome a.", "Focus Area (Intent) 1.1"."""

    area = models.ForeignKey(AreaOfWeakness, on_delete=models.CASCADE, related_name="outcomes")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes")
    ref = models.CharField(max_length=20, blank=True)
    text = models.TextField()
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "order", "id"]

    def __str__(self) -> str:
        return f"{self.ref}. {self.text}" if self.ref else self.text


# A due label with one of these words is recurring ("Termly, beginning Dec 2017", "Quarterly from April 2019",
# "Monthly", "ongoing"): the action is due again and again, so it is never overdue as a whole, and the date the
# plan gives (the first occurrence) is no deadline. The words are the frequencies workbooks/parsing.py reads as
# recurring; a plain substring test, so the database filter (Action.recurring_q) and Python agree exactly.
RECURRING_DUE_WORDS = (
    "termly",
    "weekly",
    "fortnightly",
    "monthly",  # bi-monthly, six-monthly
    "quarterly",
    "annually",  # bi-annually
    "yearly",
    "every ",
    "each term",
    "each half",
    "each month",
    "each week",
    "each quarter",
    "each year",
    "per term",
    "per month",
    "per year",
    "per annum",
    "ongoing",
    "on-going",
    "on going",
    "recurring",
)


class ActionQuerySet(models.QuerySet):
    def monitored(self, *, on: date) -> ActionQuerySet:
        """The actions still monitored on `on` (Action.monitored_q): asked for in rounds, reminded about, counted
        as needing an update or overdue."""
        return self.filter(Action.monitored_q(on))


class Action(VersionedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"
        CARRIED_FORWARD = "carried_forward", "Carried forward to a new plan"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Coproduction(models.TextChoices):
        INFORMED = "informed", "Informed"
        CONSULTED = "consulted", "Consulted"
        INVOLVED = "involved", "Involved"
        COPRODUCED = "coproduced", "Co-produced"

    area = models.ForeignKey(AreaOfWeakness, on_delete=models.CASCADE, related_name="actions")
    outcome = models.ForeignKey(Outcome, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    ref = models.CharField(max_length=20)
    text = models.TextField()
    leads = models.ManyToManyField(Officer, related_name="led_actions")
    # The accountable senior officers: often one, sometimes jointly two from two organisations (decision 0023).
    accountable_officers = models.ManyToManyField(Officer, blank=True, related_name="accountable_actions")
    partners = models.ManyToManyField(Organisation, blank=True, related_name="partner_actions")
    due_date = models.DateField(null=True, blank=True, help_text="Empty for ongoing actions.")
    due_label = models.CharField(max_length=200, blank=True, help_text='As the plan words it: "Immediate", "ongoing".')
    revised_due_date = models.DateField(null=True, blank=True)
    revised_due_reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Why a programme manager closed (withdrew) the action, said on its page: a withdrawn action takes no updates.
    closed_reason = models.TextField("reason closed", blank=True)
    completed_on = models.DateField(null=True, blank=True)
    coproduction_level = models.CharField(max_length=20, choices=Coproduction.choices, blank=True)
    coproduction_evidence = models.TextField(blank=True)
    # Stage, percentage complete and completion date (completed_on) are the lead's report of delivery, held apart
    # from the rating (docs/decisions/0018-status-beside-rating.md); a lead sets them with a termly update.
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField("percentage complete", null=True, blank=True)
    # Denormalised from the latest progress update by progress_update_submit(), so lists filter on it cheaply.
    current_rag = models.CharField("current RAG", max_length=10, choices=Rag.choices, blank=True)
    order = models.PositiveIntegerField(default=0)
    # Set by plan_roll_forward(): the same action in the plan this one's plan follows.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    # Who leads the action is history too, so a report rebuilt as at a past term names the leads of that term.
    history = HistoricalRecords(m2m_fields=[leads, accountable_officers])

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["area__plan", "area__order", "order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ref"], name="action_unique_ref_per_area"),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="action_percent_complete_0_100",
                violation_error_message="Percent complete must be between 0 and 100.",
            ),
            models.CheckConstraint(
                condition=Q(revised_due_date__isnull=True) | ~Q(revised_due_reason=""),
                name="action_revised_due_needs_reason",
                violation_error_message="Give the reason the due date was revised.",
            ),
            models.CheckConstraint(
                condition=Q(current_rag="") | Q(current_rag__in=Rag.values), name="action_current_rag_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False),
                name="action_completed_needs_date",
                violation_error_message="A completed action needs the date it was completed.",
            ),
            models.CheckConstraint(condition=Q(stage="") | Q(stage__in=Stage.values), name="action_stage_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.text[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("action-detail", args=[self.pk])

    @property
    def effective_due_date(self):
        return self.revised_due_date or self.due_date

    # The monitoring rules, one place for the queries (the *_q class methods) and one for a loaded action (the
    # instance methods), so lists, My actions, rounds, reminders and the dashboard agree.

    @staticmethod
    def monitored_q(on: date, *, prefix: str = "") -> Q:
        """Monitored on `on`: the action's area was not closed on or before that day. An area's closure takes its
        actions out of rounds, reminders, "needs update" and overdue lists from its closing date; they keep their
        status and history (docs/decisions/0012-closed-areas-and-recurring-actions.md). `prefix` reaches the
        action through a relation ("action__")."""
        return Q(**{f"{prefix}area__closed_on__isnull": True}) | Q(**{f"{prefix}area__closed_on__gt": on})

    @staticmethod
    def recurring_q() -> Q:
        recurring = Q()
        for word in RECURRING_DUE_WORDS:
            recurring |= Q(due_label__icontains=word)
        return recurring

    @classmethod
    def overdue_q(cls, on: date) -> Q:
        """Overdue on `on`: open, not yet delivered, monitored, and past its deadline. The deadline is the revised due
        date (a date someone set, with a reason), else the due date unless the action is recurring. An action whose
        lead reports it delivered (stage Complete or Closed) is not overdue, even while it is still rated Green until
        its impact is embedded: what was due has been done."""
        past_deadline = Q(revised_due_date__lt=on) | (
            Q(revised_due_date__isnull=True) & Q(due_date__lt=on) & ~cls.recurring_q()
        )
        delivered = Q(stage__in=DELIVERED_STAGES)
        return Q(status=cls.Status.OPEN) & ~delivered & cls.monitored_q(on) & past_deadline

    @property
    def is_recurring(self) -> bool:
        label = self.due_label.lower()
        return any(word in label for word in RECURRING_DUE_WORDS)

    @property
    def deadline(self) -> date | None:
        """The date after which the action is overdue: none for a recurring action unless its due date was revised."""
        if self.revised_due_date:
            return self.revised_due_date
        return None if self.is_recurring else self.due_date

    def is_monitored(self, on: date | None = None, *, area: AreaOfWeakness | None = None) -> bool:
        """`area`: the action's area as the caller has it (e.g. as at a past date), to read no other."""
        return not (area or self.area).is_closed_on(on or timezone.localdate())

    def is_overdue_on(self, on: date, *, area: AreaOfWeakness | None = None) -> bool:
        deadline = self.deadline
        return (
            self.status == self.Status.OPEN
            and self.stage not in DELIVERED_STAGES
            and deadline is not None
            and deadline < on
            and self.is_monitored(on, area=area)
        )

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_on(timezone.localdate())


class ProgressUpdate(VersionedModel):
    """One action's rating, progress and impact for one reporting period.

    A draft is a lead's work in progress for the open period: it may be incomplete, only the people who may update
    the action see it, and nothing else reads it (ratings, rounds, the dashboard, reports, exports) until it is
    submitted. A submitted update never goes back to a draft: it is revised by submitting again.

    A submitted update with no rating is a narrative entry: dated (submitted_at) and by its author
    (submitted_by_officer), in a plan that publishes no ratings, or brought in as history from elsewhere.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True)  # blank only in a draft
    progress = models.TextField(blank=True)
    impact = models.TextField(blank=True, help_text="What is different for children and families.")
    recovery_note = models.TextField(blank=True, help_text="What will bring it back on track, and by when.")
    completion_date = models.DateField(null=True, blank=True)
    # The stage and percentage the action stood at with this update (blank for updates given before stages were
    # recorded); the action carries the latest submitted ones.
    stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    percent_complete = models.PositiveSmallIntegerField("percentage complete", null=True, blank=True)
    evidence = models.TextField(blank=True, help_text="One link or document reference per line.")
    # History brought in from a tracker kept elsewhere (an import): taken as it was written, which may be a rating
    # without the impact or recovery a lead is asked for in the app (the import's preview says which, issue 18).
    brought_in = models.BooleanField(
        "brought in from elsewhere",
        default=False,
        help_text="An entry imported as history, taken as the tracker gave it.",
    )
    # The update form also edits the action's co-production, which everyone sees: a draft keeps what the lead typed
    # there until it is submitted, when it goes onto the action and these are emptied.
    draft_coproduction_level = models.CharField(max_length=20, choices=Action.Coproduction.choices, blank=True)
    draft_coproduction_evidence = models.TextField(blank=True)
    # For a draft: who saved it last, and when.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by_officer = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="progress_updates"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    # `status` shows in the history's labels ("Draft update for June 18") rather than as a change of its own.
    HISTORY_HIDDEN_FIELDS = (
        "action",
        "period",
        "status",
        "brought_in",
        "draft_coproduction_level",
        "draft_coproduction_evidence",
        "submitted_by",
        "submitted_by_officer",
        "submitted_at",
    )

    class Meta:
        ordering = ["action", "period__start"]
        # The progress rules hold for submitted updates; a draft may be incomplete (docs/architecture.md).
        constraints = [
            models.UniqueConstraint(fields=["action", "period"], name="update_one_per_action_and_period"),
            models.CheckConstraint(condition=Q(status__in=["draft", "submitted"]), name="update_status_valid"),
            # No rating ("") is a draft's, a narrative-only entry's in a plan that publishes none, or an imported
            # historical entry's; services.progress_update_errors says when a submitted update needs one.
            models.CheckConstraint(condition=Q(rag__in=Rag.values) | Q(rag=""), name="update_rag_valid"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(brought_in=True) | ~Q(rag__in=[Rag.BLUE, Rag.GREEN]) | ~Q(impact=""),
                name="update_blue_green_need_impact",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(brought_in=True) | ~Q(rag=Rag.RED) | ~Q(recovery_note=""),
                name="update_red_needs_recovery_note",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(rag=Rag.BLUE) | Q(completion_date__isnull=False),
                name="update_blue_needs_completion_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(draft_coproduction_level="", draft_coproduction_evidence=""),
                name="update_draft_coproduction_only_in_drafts",
            ),
            models.CheckConstraint(condition=Q(stage="") | Q(stage__in=Stage.values), name="update_stage_valid"),
            models.CheckConstraint(
                condition=Q(percent_complete__isnull=True) | Q(percent_complete__lte=100),
                name="update_percent_complete_0_100",
                violation_error_message="Percentage complete must be between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        draft = " (draft)" if self.is_draft else ""
        return f"{self.action.ref} {self.period.name}: {self.get_rag_display() or 'narrative only'}{draft}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @staticmethod
    def history_label(record) -> str:
        """How the History tab and stale-edit messages name one history row of an update (select its period)."""
        kind = "Draft update" if record.status == ProgressUpdate.Status.DRAFT else "Update"
        return f"{kind} for {record.period.name}"

    @property
    def evidence_items(self) -> list[str]:
        return [line.strip() for line in self.evidence.splitlines() if line.strip()]


class DataVersion(models.Model):
    """One row whose token changes whenever a transaction that wrote plan data commits (actions.data_version).

    Written only by database triggers, never by Django: a cached page keyed on the token can never outlive the data
    it shows, whichever way the data was written (a form, the admin, an import, a bulk update, SQL by hand)."""

    token = models.CharField(max_length=36)
    # The transaction that set the token: the triggers change it once per transaction, not once per row written.
    transaction_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return self.token
