"""Reads of a plan's own fields and their values: one query per page or report, never one per field or value."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, OuterRef, Subquery

from actions.as_at import rows_as_at
from planfields.models import PlanField, PlanFieldValue


@dataclass(frozen=True)
class OwnValue:
    """One of a record's own fields with what it holds ("" if nothing), and the value's version (0: no value)."""

    field: PlanField
    text: str
    version: int = 0

    @property
    def label(self) -> str:
        return self.field.label


def plan_fields(plan_id: int, applies_to: str | None = None, *, public_only: bool = False) -> list[PlanField]:
    """The plan's own fields in the plan's order (areas' first), with how many values each holds. One query."""
    fields = PlanField.objects.filter(plan_id=plan_id).annotate(value_count=Count("values"))
    if applies_to:
        fields = fields.filter(applies_to=applies_to)
    if public_only:
        fields = fields.filter(public=True)
    return list(fields.order_by("applies_to", "order", "id"))


def record_values(record, *, public_only: bool = False) -> list[OwnValue]:
    """Every own field of the record's plan that applies to it (an area or an action), in the plan's order, with
    what the record holds. One query: the fields, each with its value and version as subqueries."""
    from actions.models import AreaOfWeakness

    is_area = isinstance(record, AreaOfWeakness)
    plan_id = record.plan_id if is_area else record.area.plan_id
    owner = "area" if is_area else "action"
    fields = PlanField.objects.filter(plan_id=plan_id, applies_to=owner)
    if public_only:
        fields = fields.filter(public=True)
    held = PlanFieldValue.objects.filter(field=OuterRef("pk"), **{owner: record})
    fields = fields.annotate(
        value_text=Subquery(held.values("text")[:1]), value_version=Subquery(held.values("version")[:1])
    )
    return [
        OwnValue(field=field, text=field.value_text or "", version=field.value_version or 0)
        for field in fields.order_by("order", "id")
    ]


def values_by_record(fields: list[PlanField], owner: str, record_ids) -> dict[int, dict[int, str]]:
    """record id -> {field id: text} for `fields` (all of one kind of record, `owner` "area" or "action"). One
    query whatever the number of records or fields; none when there are no fields."""
    found: dict[int, dict[int, str]] = defaultdict(dict)
    if not fields:
        return found
    rows = PlanFieldValue.objects.filter(field__in=[f.pk for f in fields], **{f"{owner}_id__in": list(record_ids)})
    for record_id, field_id, text in rows.values_list(f"{owner}_id", "field_id", "text"):
        found[record_id][field_id] = text
    return found


@dataclass
class OwnFieldsAsAt:
    """A plan's own fields and their values as they stood at `when` (read from history): what a report rebuilt
    as at a past term shows. Two queries, whatever the plan's size."""

    area_fields: list[PlanField]
    action_fields: list[PlanField]
    values: dict[tuple[str, int], dict[int, str]]  # ("area" | "action", record id) -> {field id: text}

    def for_area(self, area_id: int) -> list[OwnValue]:
        return self._for("area", area_id, self.area_fields)

    def for_action(self, action_id: int) -> list[OwnValue]:
        return self._for("action", action_id, self.action_fields)

    def _for(self, owner: str, record_id: int, fields: list[PlanField]) -> list[OwnValue]:
        held = self.values.get((owner, record_id), {})
        return [OwnValue(field=f, text=held[f.pk]) for f in fields if held.get(f.pk)]


def own_fields_as_at(plan_id: int, when: datetime, *, public_only: bool) -> OwnFieldsAsAt:
    """The plan's own fields as they stood at `when`, in the order they had then; with `public_only`, only those
    marked public then (a field made public later does not leak into an earlier report, nor the reverse)."""
    fields = rows_as_at(PlanField, when, plan_id=plan_id)
    if public_only:
        fields = [f for f in fields if f.public]
    fields.sort(key=lambda f: (f.order, f.pk))
    by_pk = {f.pk: f for f in fields}
    values: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    if by_pk:
        for value in rows_as_at(PlanFieldValue, when, field_id__in=list(by_pk)):
            owner = ("area", value.area_id) if value.area_id else ("action", value.action_id)
            values[owner][value.field_id] = value.text
    return OwnFieldsAsAt(
        area_fields=[f for f in fields if f.applies_to == PlanField.AppliesTo.AREA],
        action_fields=[f for f in fields if f.applies_to == PlanField.AppliesTo.ACTION],
        values=dict(values),
    )


def action_history(action) -> list:
    """Every change to the action's own-field values, as History-tab changes named by the field's label. One query:
    the label (as last recorded, so a field since removed keeps its name) comes with each history row."""
    from dataclasses import replace

    from actions.locking import field_changes

    label = PlanField.history.filter(id=OuterRef("field_id")).order_by("-history_date", "-history_id")
    records = list(
        PlanFieldValue.history.filter(action_id=action.pk)
        .annotate(own_label=Subquery(label.values("label")[:1]))
        .select_related("history_user__officer")
        .order_by()
    )
    return [
        replace(change, field=change.object_label, object_label="Own field")
        for change in field_changes(PlanFieldValue, records, lambda r: r.own_label or "Own field")
    ]
