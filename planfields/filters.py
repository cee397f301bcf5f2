"""The action list's filters and CSV columns for a plan's own short fields (plug-in points of actions' list:
settings.SENDPLAN_ACTION_LIST_FILTERS and SENDPLAN_ACTION_CSV_COLUMNS)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef

from planfields.models import PlanField, PlanFieldValue

_select = forms.Select(attrs={"class": "govuk-select"})


def _holding(field_id: int):
    def filter_method(queryset, name, value):
        held = PlanFieldValue.objects.filter(action=OuterRef("pk"), field_id=field_id, text=value)
        return queryset.filter(Exists(held))

    return filter_method


def own_field_filters(data) -> dict[str, django_filters.Filter]:
    """With a plan chosen, a select per short action field of that plan holding any value: the values in use. One
    query; none without a plan (the list spans plans, each with fields of its own)."""
    plan = str(data.get("plan") or "")
    if not plan.isdigit():
        return {}
    in_use = (
        PlanFieldValue.objects.filter(
            field__plan_id=int(plan), field__applies_to=PlanField.AppliesTo.ACTION, field__kind=PlanField.Kind.SHORT
        )
        .values_list("field_id", "field__label", "field__order", "text")
        .distinct()
        .order_by("field__order", "field_id", "text")
    )
    choices: dict[tuple[int, int, str], list[tuple[str, str]]] = {}
    for field_id, label, order, text in in_use:
        choices.setdefault((order, field_id, label), []).append((text, text))
    return {
        f"field_{field_id}": django_filters.ChoiceFilter(
            label=label, choices=values, empty_label="Any", method=_holding(field_id), widget=_select
        )
        for (_, field_id, label), values in choices.items()
    }


def action_csv_columns(actions) -> tuple[list[str], dict[int, list[str]]]:
    """Columns for the short action fields the listed actions hold, headed with their labels (one column per label:
    two plans' "Directorate" share it), and each action's cells. One query, `actions` read as a subquery."""
    held = (
        PlanFieldValue.objects.filter(
            action__in=actions.values("pk"), field__kind=PlanField.Kind.SHORT, field__applies_to="action"
        )
        .values_list("action_id", "field__label", "field__order", "text")
        .order_by()
    )
    labels: dict[str, int] = {}
    cells: dict[int, dict[str, str]] = {}
    for action_id, label, order, text in held:
        labels[label] = min(order, labels.get(label, order))
        cells.setdefault(action_id, {})[label] = text
    headers = sorted(labels, key=lambda label: (labels[label], label))
    return headers, {action_id: [row.get(label, "") for label in headers] for action_id, row in cells.items()}
