"""The plan's own action fields as columns of an area's sheet (actions.sheet, through SENDPLAN_SHEET_COLUMNS): read
in one query for every row, checked and saved with planfields' own rules and optimistic locking per value."""

from __future__ import annotations

from dataclasses import replace

from actions.locking import changes_since
from actions.sheet import SheetColumn
from planfields.models import PlanField, PlanFieldValue
from planfields.services import _relabelled, _removed_since, own_values_errors, own_values_save


def _key(field: PlanField) -> str:
    return f"own_{field.pk}"


class OwnFieldColumns:
    """One column per own field of the plan's actions, in the plan's order (one query)."""

    def __init__(self, plan):
        self.fields = list(
            PlanField.objects.filter(plan=plan, applies_to=PlanField.AppliesTo.ACTION).order_by("order", "id")
        )
        self.by_key = {_key(f): f for f in self.fields}
        self.columns = [
            SheetColumn(key=_key(f), label=f.label, long=f.is_long, help_text=f.help_text) for f in self.fields
        ]

    def values(self, action_ids) -> dict[int, dict[str, tuple[str, int]]]:
        """action id -> {key: (text, version)} for the values the actions hold. One query; none without fields."""
        found: dict[int, dict[str, tuple[str, int]]] = {}
        if not self.fields:
            return found
        rows = PlanFieldValue.objects.filter(field__in=self.fields, action_id__in=list(action_ids))
        for action_id, field_id, text, version in rows.values_list("action_id", "field_id", "text", "version"):
            found.setdefault(action_id, {})[f"own_{field_id}"] = (text, version)
        return found

    def _texts(self, texts: dict[str, str]) -> dict[int, str]:
        return {f.pk: texts.get(key, "") for key, f in self.by_key.items()}

    def errors(self, texts: dict[str, str]) -> dict[str, str]:
        return {
            key.replace("field_", "own_"): message
            for key, message in own_values_errors(fields=self.fields, texts=self._texts(texts)).items()
        }

    def stale(self, action, versions: dict[str, int]) -> list:
        """What others changed in the action's values since the row was loaded (`versions`: key -> version, 0 for
        none): one query, more only for a value that moved on."""
        if not self.fields or action.pk is None:
            return []
        held = {v.field_id: v for v in PlanFieldValue.objects.filter(field__in=self.fields, action=action)}
        changes = []
        for key, field in self.by_key.items():
            value, loaded = held.get(field.pk), versions.get(key, 0)
            if (value.version if value is not None else 0) == loaded:
                continue
            if value is not None:
                changes += _relabelled(changes_since(value, loaded), field)
            else:
                changes += _removed_since(field, action, {"action": action})
        return [replace(change, name=change.name.replace("field_", "own_")) for change in changes]

    def save(self, *, action, texts: dict[str, str], versions: dict[str, int], by) -> None:
        if not self.fields:
            return
        current = {key: version for key, version in versions.items() if key in self.by_key}
        own_values_save(
            record=action,
            texts=self._texts(texts),
            versions={self.by_key[key].pk: version for key, version in current.items()},
            by=by,
        )
