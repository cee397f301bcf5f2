"""A demo plan's own fields (the `own_fields` key of its file, see fixtures/demo/SCHEMA.md): defined by the demo
programme manager's officer on the day the file says, each value recorded then, so that a report rebuilt as at an
earlier term reads them as they stood."""

from __future__ import annotations

from datetime import date

from actions.demo import DemoPlanContext, _at
from planfields.models import PlanField, PlanFieldValue


def _create(instance, *, at, by):
    instance.full_clean()
    instance.updated_at = at
    instance._history_date = at
    instance._history_user = by
    instance.save()
    return instance


def load_plan_fields(context: DemoPlanContext) -> None:
    actions = {a.ref: a for area in context.areas.values() for a in area.actions.all()}
    for order, spec in enumerate(context.data.get("own_fields", [])):
        at = _at(date.fromisoformat(spec["on"]), minutes=order)
        by = context.officers[spec["by"]].user  # every demo officer has an account (actions.demo._user_for)
        field = _create(
            PlanField(
                plan=context.plan,
                applies_to=spec["applies_to"],
                label=spec["label"],
                kind=spec.get("kind", "short"),
                help_text=spec.get("help_text", ""),
                public=spec.get("public", False),
                order=spec.get("order", order),
            ),
            at=at,
            by=by,
        )
        records = context.areas if field.applies_to == PlanField.AppliesTo.AREA else actions
        for ref, text in spec.get("values", {}).items():
            owner = {field.applies_to: records[ref]}
            _create(PlanFieldValue(field=field, text=text, **owner), at=at, by=by)
