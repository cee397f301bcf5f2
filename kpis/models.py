"""KPIs, their baselines, 3/6/12-month milestones with RAG, and measurements.

A plan's KPIs may be numeric ("% of new EHC plans issued within 20 weeks", baseline 32.6%, target 60%) or
descriptive ("SEND strategy signed off by the board"). For numeric milestones the app suggests a RAG from the
numbers (kpis/rules.py); a person may override it, only with a reason, and both are kept.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.models import AreaOfWeakness, Officer, Plan, Rag, VersionedModel
from kpis.rules import unit_value_error


class Kpi(VersionedModel):
    class Category(models.TextChoices):
        # The three questions of outcomes-based accountability (the RBWM plan's framework).
        HOW_MUCH = "how_much", "How much did we do?"
        HOW_WELL = "how_well", "How well did we do it?"
        BETTER_OFF = "better_off", "Is anyone better off?"

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", "Count"
        DAYS = "days", "Days"
        RATE = "rate", "Rate"
        DESCRIPTIVE = "descriptive", "Descriptive"

    class Polarity(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    area = models.ForeignKey(AreaOfWeakness, null=True, blank=True, on_delete=models.SET_NULL, related_name="kpis")
    ref = models.CharField("reference", max_length=20)
    measure = models.TextField()
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=20, choices=Unit.choices)
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default=Polarity.HIGHER)
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_text = models.TextField(blank=True)
    baseline_date = models.DateField(null=True, blank=True)
    baseline_qualifier = models.CharField(
        max_length=100,
        blank=True,
        help_text='As published beside the baseline, e.g. "Jan 24" or "provisional": shown in brackets after it.',
    )
    data_source = models.CharField(max_length=300, blank=True)
    owner = models.ForeignKey(Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_kpis")
    comparator_label = models.CharField(max_length=100, blank=True, help_text='e.g. "England 2019".')
    comparator_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="In the KPI's unit: a value this close to the target is suggested Amber, further away Red.",
    )
    order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "KPI"
        ordering = ["plan", "order", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="kpi_unique_ref_per_plan"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="kpi_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
            models.CheckConstraint(
                condition=~Q(unit="descriptive") | Q(baseline_value__isnull=True),
                name="kpi_descriptive_has_no_baseline_value",
                violation_error_message="A descriptive KPI has a baseline in words, not a number.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.measure[:60]}"

    def get_absolute_url(self) -> str:
        return reverse("kpi-detail", args=[self.pk])

    def clean(self):
        _check_unit(self.unit, baseline_value=self.baseline_value, comparator_value=self.comparator_value)

    @property
    def is_numeric(self) -> bool:
        return self.unit != self.Unit.DESCRIPTIVE

    @property
    def direction_word(self) -> str:
        """A target that is only a direction, in words: "increase", or "decrease" when lower is better."""
        return "decrease" if self.polarity == self.Polarity.LOWER else "increase"

    @property
    def baseline_note(self) -> str:
        """What the brackets after the baseline say: its own qualifier as published ("Jan 24"), else its date."""
        if self.baseline_qualifier:
            return self.baseline_qualifier
        return f"{self.baseline_date:%B %Y}" if self.baseline_date else ""

    def format_value(self, value) -> str:
        if value is None:
            return ""
        text = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
        if self.unit == self.Unit.PERCENT:
            return f"{text}%"
        return f"{text} days" if self.unit == self.Unit.DAYS else text


class Milestone(VersionedModel):
    """A target at a horizon (3, 6, 12 months from the plan start, or any other), with its RAG and commentary."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="milestones")
    months = models.PositiveSmallIntegerField(help_text="Months from the plan's start date.")
    due_date = models.DateField(help_text="Computed from the plan start; may be edited.")
    target_text = models.TextField("target", blank=True)
    target_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target_benchmark = models.CharField(
        "benchmark",
        max_length=150,
        blank=True,
        help_text='A target set by a comparison, e.g. "national average 2023/24": the target value, if given, is '
        "that benchmark's figure and is what the numbers are judged against.",
    )
    target_direction = models.BooleanField(
        "judged by direction of travel",
        default=False,
        help_text='The target is only to move the right way ("increase in %"), with no number: the numbers are '
        "judged by whether the latest value moved that way.",
    )
    suggested_rag = models.CharField(
        "suggested RAG", max_length=10, choices=Rag.choices, blank=True, help_text="From the numbers."
    )
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True)
    override_reason = models.TextField(blank=True, help_text="Why the RAG differs from the suggestion.")
    commentary = models.TextField(blank=True)
    commentary_by = models.ForeignKey(
        Officer, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestone_commentaries"
    )
    commentary_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    HISTORY_HIDDEN_FIELDS = ("kpi", "set_by", "commentary_by", "commentary_at")

    class Meta:
        ordering = ["kpi", "months"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "months"], name="milestone_unique_months_per_kpi"),
            models.CheckConstraint(
                condition=Q(months__gte=1) & Q(months__lte=120),
                name="milestone_months_1_120",
                violation_error_message="A milestone is between 1 and 120 months from the plan start.",
            ),
            models.CheckConstraint(condition=Q(rag="") | Q(rag__in=Rag.values), name="milestone_rag_valid"),
            models.CheckConstraint(
                condition=Q(target_direction=False) | Q(target_value__isnull=True),
                name="milestone_direction_has_no_target_value",
                violation_error_message="A target judged by direction of travel has no number.",
            ),
            models.CheckConstraint(
                condition=Q(suggested_rag="") | Q(rag=F("suggested_rag")) | ~Q(override_reason=""),
                name="milestone_override_needs_reason",
                violation_error_message="Give a reason for a RAG that differs from the one the numbers suggest.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.ref} at {self.months} months"

    @property
    def is_overridden(self) -> bool:
        return bool(self.suggested_rag and self.rag and self.rag != self.suggested_rag)

    def clean(self):
        if self.kpi_id is not None:
            _check_unit(self.kpi.unit, target_value=self.target_value)


class MeasurementQuerySet(models.QuerySet):
    def current(self):
        """The value each period stands at now: restated values are kept, but only the latest counts."""
        return self.filter(restated_at__isnull=True)


class Measurement(VersionedModel):
    """A value for one period, as published: the period in the publisher's words ("2024", "Q4 2024", "12 months
    ending April 2025") beside the date it is plotted and judged at, a status, and comparators for that period.

    A second value for the same period (same date and label) is a restatement: a new row, and the earlier one is
    kept with `restated_at` set. At most one row per KPI and period is current (`restated_at` is null)."""

    class Status(models.TextChoices):
        ACTUAL = "actual", "Actual"
        PROVISIONAL = "provisional", "Provisional"
        PROJECTED = "projected", "Projected"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    period_date = models.DateField("period", help_text="The date the value describes, e.g. the month end.")
    period_label = models.CharField(
        "period as published",
        max_length=60,
        blank=True,
        help_text='The period in the publisher\'s words, e.g. "2024", "Q4 2024" or "12 months ending April 2025".',
    )
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField("value (in words)", blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTUAL)
    # Comparators for the same period, shown beside the value: the three that DfE's local authority tables publish.
    england_value = models.DecimalField("England", max_digits=12, decimal_places=2, null=True, blank=True)
    neighbours_value = models.DecimalField(
        "statistical neighbours", max_digits=12, decimal_places=2, null=True, blank=True
    )
    region_value = models.DecimalField("region", max_digits=12, decimal_places=2, null=True, blank=True)
    restated_at = models.DateTimeField(
        "restated", null=True, blank=True, editable=False, help_text="When a later value for the period replaced it."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = MeasurementQuerySet.as_manager()

    HISTORY_HIDDEN_FIELDS = ("kpi", "recorded_by", "recorded_at")
    COMPARATORS = (
        ("england_value", "England"),
        ("neighbours_value", "Statistical neighbours"),
        ("region_value", "Region"),
    )

    class Meta:
        ordering = ["kpi", "period_date", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "period_date", "period_label"],
                condition=Q(restated_at__isnull=True),
                name="measurement_one_current_per_kpi_and_period",
                violation_error_message="There is already a current value for this period.",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(value_text=""),
                name="measurement_has_a_value",
                violation_error_message="Enter a value (a number, or words for a descriptive KPI).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.ref} {self.period}"

    @property
    def period(self) -> str:
        """The period as published ("Q4 2024"), or its month ("Mar 2026") when no words were given."""
        return self.period_label or f"{self.period_date:%b %Y}"

    @property
    def period_key(self) -> tuple:
        return (self.period_date, self.period_label)

    @property
    def is_restated(self) -> bool:
        return self.restated_at is not None

    @property
    def comparators(self) -> list[tuple[str, Decimal]]:
        """(label, value) for each comparator given for this period."""
        return [(label, getattr(self, name)) for name, label in self.COMPARATORS if getattr(self, name) is not None]

    def clean(self):
        # Every way in (the form, restating, the workbook import, admin) saves through full_clean().
        if self.kpi_id is not None:
            _check_unit(
                self.kpi.unit,
                value=self.value,
                england_value=self.england_value,
                neighbours_value=self.neighbours_value,
                region_value=self.region_value,
            )


def _check_unit(unit: str, **values) -> None:
    """Refuse numbers the KPI's unit cannot hold (kpis.rules.unit_value_error), keyed by field."""
    errors = {name: message for name, value in values.items() if (message := unit_value_error(unit, value))}
    if errors:
        raise ValidationError(errors)
