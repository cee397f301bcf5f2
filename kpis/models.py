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


class Measurement(VersionedModel):
    """A value for one period. Restating it edits the row; the old value stays in history."""

    class Status(models.TextChoices):
        ACTUAL = "actual", "Actual"
        PROVISIONAL = "provisional", "Provisional"
        PROJECTED = "projected", "Projected"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="measurements")
    period_date = models.DateField("period", help_text="The date the value describes, e.g. the month end.")
    value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    value_text = models.TextField("value (in words)", blank=True)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    HISTORY_HIDDEN_FIELDS = ("kpi", "recorded_by", "recorded_at")

    class Meta:
        ordering = ["kpi", "period_date"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period_date"], name="measurement_one_per_kpi_and_period"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(value_text=""),
                name="measurement_has_a_value",
                violation_error_message="Enter a value (a number, or words for a descriptive KPI).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.ref} {self.period_date:%b %Y}"

    def clean(self):
        # Every way in (the form, restating, the workbook import, admin) saves through full_clean().
        if self.kpi_id is not None:
            _check_unit(self.kpi.unit, value=self.value)


def _check_unit(unit: str, **values) -> None:
    """Refuse numbers the KPI's unit cannot hold (kpis.rules.unit_value_error), keyed by field."""
    errors = {name: message for name, value in values.items() if (message := unit_value_error(unit, value))}
    if errors:
        raise ValidationError(errors)
