"""A plan's own fields: the headings a local area's plan gives its areas or actions beyond the ones every plan has
("Directorate", "Section", "Success criteria", "What we want", "Where are we now", ...), and their values.

A field is defined per plan (docs/decisions/0022-plan-own-fields.md); a value belongs to one area or one action.
Both are user-edited: versioned for optimistic locking and kept in simple-history, so the "as at" reading (a
report rebuilt as at a past term) reads the values and the definitions as they stood.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actions.models import Action, AreaOfWeakness, Plan, VersionedModel


class PlanField(VersionedModel):
    """One heading of a plan's own, for its areas or for its actions."""

    class AppliesTo(models.TextChoices):
        AREA = "area", "Areas"
        ACTION = "action", "Actions"

    class Kind(models.TextChoices):
        # Short text is a value people filter and sort on (a directorate, a section); long text keeps its lines.
        SHORT = "short", "Plain text (short)"
        LONG = "long", "Long text"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="own_fields")
    applies_to = models.CharField(max_length=10, choices=AppliesTo.choices)
    label = models.CharField(max_length=120)
    help_text = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SHORT)
    order = models.PositiveIntegerField(default=0)
    public = models.BooleanField(
        "shown in public reports",
        default=False,
        help_text="Public reports (the termly report, its PDF, the Local Offer pages, open data) show only these.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "applies_to", "order", "id"]
        constraints = [
            # A value column in a workbook is headed with the label: it names one field of the areas or actions.
            models.UniqueConstraint(fields=["plan", "applies_to", "label"], name="plan_field_unique_label"),
            models.CheckConstraint(condition=Q(applies_to__in=["area", "action"]), name="plan_field_applies_valid"),
            models.CheckConstraint(condition=Q(kind__in=["short", "long"]), name="plan_field_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_long(self) -> bool:
        return self.kind == self.Kind.LONG


class PlanFieldValue(VersionedModel):
    """What one area or one action holds under one of its plan's own fields, exactly as written. No row: nothing."""

    field = models.ForeignKey(PlanField, on_delete=models.CASCADE, related_name="values")
    area = models.ForeignKey(
        AreaOfWeakness, null=True, blank=True, on_delete=models.CASCADE, related_name="own_field_values"
    )
    action = models.ForeignKey(Action, null=True, blank=True, on_delete=models.CASCADE, related_name="own_field_values")
    text = models.TextField()
    history = HistoricalRecords()
    # The History tab names the field ("Directorate") itself: the links would only repeat it.
    HISTORY_HIDDEN_FIELDS = ("field", "area", "action")

    class Meta:
        ordering = ["field__order", "field_id"]
        constraints = [
            models.UniqueConstraint(fields=["field", "area"], name="plan_field_value_one_per_area"),
            models.UniqueConstraint(fields=["field", "action"], name="plan_field_value_one_per_action"),
            models.CheckConstraint(
                condition=Q(area__isnull=False, action__isnull=True) | Q(area__isnull=True, action__isnull=False),
                name="plan_field_value_one_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field.label}: {self.text[:40]}"
