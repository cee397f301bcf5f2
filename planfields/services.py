"""Writes to a plan's own fields and their values. Views, the admin and imports call these; every write is
versioned (optimistic locking) and recorded in history as the user's."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from actions.locking import StaleEditError, changes_since, claim_version, save_versioned
from actions.models import Action, AreaOfWeakness, Plan
from planfields.models import PlanField, PlanFieldValue


def plan_field_errors(*, plan: Plan, applies_to: str, label: str, kind: str, field: PlanField | None = None) -> dict:
    """What is wrong with a field's definition, keyed by form field ({} if nothing)."""
    errors: dict[str, str] = {}
    label = label.strip()
    if not label:
        errors["label"] = "Enter the field's label, as the plan heads it (for example Directorate)."
    else:
        same = PlanField.objects.filter(plan=plan, applies_to=applies_to, label__iexact=label)
        if field is not None:
            same = same.exclude(pk=field.pk)
        if same.exists():
            what = PlanField.AppliesTo(applies_to).label.lower()
            errors["label"] = f"This plan already has a field called {label} for its {what}: choose another label."
    if label and not errors.get("label"):
        # The plan workbook heads a value column with the label: a standard column's name would be read as that
        # column, and the values lost on the way back in (workbooks.schema is the workbook's contract).
        from workbooks.schema import OWN_FIELD_SHEETS, standard_column

        if column := standard_column(applies_to, label):
            sheet = OWN_FIELD_SHEETS[applies_to].name
            errors["label"] = (
                f"{label} is read as the {sheet} sheet's own column “{column.name}” in the plan's workbook: "
                "choose another label."
            )
    if field is not None and kind == PlanField.Kind.SHORT and field.kind == PlanField.Kind.LONG:
        multiline = field.values.filter(text__contains="\n").count()
        if multiline:
            errors["kind"] = (
                f"{multiline} value{'s' if multiline != 1 else ''} of this field run to more than one line: "
                "keep it long text, or shorten them first."
            )
    return errors


def _refuse(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_field_add(
    *, plan: Plan, applies_to: str, label: str, kind: str, help_text: str = "", public: bool = False, by
) -> PlanField:
    """Define a new field for the plan's areas or actions, last in the plan's order."""
    _refuse(plan_field_errors(plan=plan, applies_to=applies_to, label=label, kind=kind))
    last = PlanField.objects.filter(plan=plan, applies_to=applies_to).aggregate(last=Max("order"))["last"]
    field = PlanField(
        plan=plan,
        applies_to=applies_to,
        label=label.strip(),
        kind=kind,
        help_text=help_text.strip(),
        public=public,
        order=0 if last is None else last + 1,
    )
    save_versioned(field, expected_version=field.version, by=by)
    return field


@transaction.atomic
def plan_field_change(
    *, field: PlanField, label: str, kind: str, help_text: str, public: bool, by, expected_version: int
) -> PlanField:
    """Rename, re-describe or re-kind a field, or show it in public reports (or stop): its values stay."""
    _refuse(plan_field_errors(plan=field.plan, applies_to=field.applies_to, label=label, kind=kind, field=field))
    field.label, field.kind, field.help_text, field.public = label.strip(), kind, help_text.strip(), public
    save_versioned(field, expected_version=expected_version, by=by)
    return field


@transaction.atomic
def plan_field_move(*, field: PlanField, up: bool, by, expected_version: int) -> PlanField:
    """Swap the field with the one before it (`up`) or after it in the plan's order; at either end, nothing moves.

    The moved field is saved through the version check: someone else's change in between is refused."""
    siblings = list(PlanField.objects.filter(plan=field.plan_id, applies_to=field.applies_to).select_for_update())
    siblings.sort(key=lambda f: (f.order, f.pk))
    index = next(i for i, f in enumerate(siblings) if f.pk == field.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(siblings):
        claim_version(field, expected_version=expected_version)  # a stale move is refused even at an end
        return field
    siblings.insert(target, siblings.pop(index))
    # Orders rewritten 0, 1, 2...: fields brought in with equal orders (an import) still move one place.
    for position, sibling in enumerate(siblings):
        if sibling.pk == field.pk:
            field.order = position
            save_versioned(field, expected_version=expected_version, by=by)
        elif sibling.order != position:
            sibling.order = position
            save_versioned(sibling, expected_version=sibling.version, by=by)
    return field


@transaction.atomic
def plan_field_remove(*, field: PlanField, by, expected_version: int) -> int:
    """Remove the field and every value it holds (each removal in history as the user's); the number of values."""
    claim_version(field, expected_version=expected_version)
    values = list(field.values.all())
    for value in values:
        value._history_user = by
        value.delete()
    field._history_user = by
    field.delete()
    return len(values)


def own_values_errors(*, fields: list[PlanField], texts: dict[int, str]) -> dict[str, str]:
    """Short fields hold one line: a line break there is refused, not flattened. Keys are `field_<pk>`."""
    return {
        f"field_{f.pk}": f"{f.label} is plain text: keep it to one line, or ask for it to be long text."
        for f in fields
        if f.kind == PlanField.Kind.SHORT and "\n" in texts.get(f.pk, "").strip()
    }


@transaction.atomic
def own_values_save(*, record: AreaOfWeakness | Action, texts: dict[int, str], versions: dict[int, int], by) -> int:
    """Save what `record` (an area or an action) holds under each of its plan's own fields: `texts` by field pk
    (an empty text removes the value), `versions` the value's version as the form was loaded (0: it had none).

    Optimistic locking per value: if anyone changed one of them since, nothing is saved and StaleEditError names
    who changed which field and to what. Returns how many values changed."""
    is_area = isinstance(record, AreaOfWeakness)
    plan_id = record.plan_id if is_area else record.area.plan_id
    applies_to = PlanField.AppliesTo.AREA if is_area else PlanField.AppliesTo.ACTION
    fields = list(PlanField.objects.filter(plan_id=plan_id, applies_to=applies_to, pk__in=list(texts)))
    _refuse(own_values_errors(fields=fields, texts=texts))
    owner = {"area": record} if is_area else {"action": record}
    existing = {v.field_id: v for v in PlanFieldValue.objects.select_for_update().filter(field__in=fields, **owner)}
    stale = []
    for field in fields:
        value = existing.get(field.pk)
        loaded = versions.get(field.pk, 0)
        current = value.version if value is not None else 0
        if current != loaded:
            stale.extend(_relabelled(changes_since(value, loaded), field) if value is not None else [])
            if value is None:
                stale.extend(_removed_since(field, record, owner))
    if stale:
        raise StaleEditError(stale)
    changed = 0
    for field in fields:
        text = texts.get(field.pk, "")
        text = text.strip() if field.kind == PlanField.Kind.SHORT else text.strip("\n").rstrip()
        value = existing.get(field.pk)
        if value is None and text:
            save_versioned(PlanFieldValue(field=field, text=text, **owner), expected_version=1, by=by)
        elif value is not None and not text:
            value._history_user = by
            value.delete()
        elif value is not None and value.text != text:
            value.text = text
            save_versioned(value, expected_version=value.version, by=by)
        else:
            continue
        changed += 1
    return changed


def _relabelled(changes, field: PlanField):
    # changes_since names the model's own column ("Text"): people know it by the field's label.
    from dataclasses import replace

    return [
        replace(change, field=field.label, object_label="Own field", name=f"field_{field.pk}") for change in changes
    ]


def _removed_since(field: PlanField, record, owner: dict):
    """A value the user loaded that someone has since removed: its deletion, as a change."""
    from actions.locking import FieldChange, history_user_label

    record_filter = {f"{key}_id": value.pk for key, value in owner.items()}
    removal = (
        PlanFieldValue.history.filter(field_id=field.pk, history_type="-", **record_filter)
        .select_related("history_user__officer")
        .order_by("-history_date")
        .first()
    )
    if removal is None:
        return []
    return [
        FieldChange(
            object_label="Own field",
            field=field.label,
            old=removal.text,
            new="(blank)",
            who=history_user_label(removal),
            when=removal.history_date,
            name=f"field_{field.pk}",
        )
    ]
