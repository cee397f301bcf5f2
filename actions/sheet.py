"""An area's actions edited as one sheet (issue 19, item 2): the selector that reads the sheet and the service that
saves it, all or nothing (docs/editing.md).

Every row carries the version its action was loaded at and a fingerprint of what it showed. A row whose
fingerprint still matches what is posted was not changed by the user and is not written, so a sheet of 50
actions with two edited costs what a sheet of 5 does; a changed row whose action (or one of its own-field values)
moved on since it was loaded is refused as a stale edit naming who changed what, and nothing at all is saved.

The plan's own fields come from the apps built on actions (`SENDPLAN_SHEET_COLUMNS`: planfields), as the action
list's filters and CSV columns do, so actions imports none of them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone
from django.utils.module_loading import import_string

from actions.locking import FieldChange, StaleEditError, claim_version, history_user_label, loaded_state
from actions.models import Action, AreaOfWeakness, Officer, Plan, Stage
from actions.selectors import plan_post_choices

# How the sheet can change an action's status: close it (withdraw it, with a reason) or open it again. Completed
# and carried-forward actions are closed by their own journeys (a Blue update, a roll forward) and shown as they are.
SHEET_STATUSES = (Action.Status.OPEN, Action.Status.WITHDRAWN)


@dataclass(frozen=True)
class SheetColumn:
    """A column another app adds to the sheet (a plan's own field): its form field is `key`."""

    key: str
    label: str
    long: bool = False
    help_text: str = ""


def sheet_extensions(plan: Plan) -> list:
    """The column providers for `plan`'s sheet (SENDPLAN_SHEET_COLUMNS), each built for the plan. A provider has
    `columns`, `values(action_ids)` -> {action id: {key: (text, version)}}, `errors(texts)` -> {key: message},
    `stale(action, versions)` -> [FieldChange] and `save(action=, texts=, versions=, by=)`."""
    return [import_string(path)(plan) for path in settings.SENDPLAN_SHEET_COLUMNS]


@dataclass
class Sheet:
    """An area's actions as the sheet shows them, with what its pickers offer."""

    area: AreaOfWeakness
    actions: list[Action]  # in the area's order, leads and accountable officers read with them
    posts: list[Officer]  # what the lead and accountable pickers offer: the plan's organisations' posts only
    areas: list[AreaOfWeakness]  # where an action may move: the plan's areas
    extensions: list
    columns: list[SheetColumn]
    own: dict[int, dict[str, tuple[str, int]]] = field(default_factory=dict)  # action id -> key -> (text, version)

    @property
    def plan(self) -> Plan:
        return self.area.plan

    @cached_property
    def by_pk(self) -> dict[str, Action]:
        """The sheet's actions by their id as a form posts it (a string)."""
        return {str(action.pk): action for action in self.actions}


def area_sheet(area: AreaOfWeakness) -> Sheet:
    """The sheet of `area` (read with its plan). A fixed number of queries, whatever the number of actions."""
    officers = Officer.objects.select_related("organisation")
    actions = list(
        area.actions.order_by("order", "ref").prefetch_related(
            Prefetch("leads", queryset=officers), Prefetch("accountable_officers", queryset=officers)
        )
    )
    extensions = sheet_extensions(area.plan)
    own: dict[int, dict[str, tuple[str, int]]] = {}
    for extension in extensions:
        for action_id, values in extension.values([a.pk for a in actions]).items():
            own.setdefault(action_id, {}).update(values)
    return Sheet(
        area=area,
        actions=actions,
        posts=list(plan_post_choices(area.plan)),
        areas=list(area.plan.areas.order_by("order", "ref")),
        extensions=extensions,
        columns=[column for extension in extensions for column in extension.columns],
        own=own,
    )


def _normal(value) -> str:
    if isinstance(value, list | tuple | set):
        return ",".join(sorted(str(item) for item in value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return "" if value is None else str(value)


def row_fingerprint(values: dict) -> str:
    """What a row shows, as a short digest per field ("ref:1a2b3c4d,text:..."), sent with the row: a posted field
    whose value digests the same was not changed by the user. Per field, so a row refused as stale can show the
    other person's values in the fields the user left alone, and theirs where they typed."""
    return ",".join(f"{key}:{hashlib.sha256(_normal(values[key]).encode()).hexdigest()[:8]}" for key in sorted(values))


def changed_fields(values: dict, loaded: str) -> set[str]:
    """The fields of `values` whose digest differs from the row's `loaded` fingerprint (all, if it is malformed)."""
    digests = dict(part.split(":", 1) for part in loaded.split(",") if ":" in part)
    now = dict(part.split(":", 1) for part in row_fingerprint(values).split(",") if part)
    return {key for key in values if digests.get(key) != now.get(key)}


def row_values(action: Action, sheet: Sheet, position: int) -> dict:
    """An action's row as the sheet shows it: the form's initial values (and what its fingerprint digests)."""
    values = {
        "ref": action.ref,
        "text": action.text,
        "leads": [str(o.pk) for o in action.leads.all()],
        "accountable": [str(o.pk) for o in action.accountable_officers.all()],
        "due_date": action.due_date,
        "due_label": action.due_label,
        "stage": action.stage,
        "percent_complete": action.percent_complete,
        "order": position,
        "area": str(action.area_id),
        "status": action.status,
        "closed_reason": action.closed_reason,
    }
    own = sheet.own.get(action.pk, {})
    for column in sheet.columns:
        values[column.key] = own.get(column.key, ("", 0))[0]
    return values


@dataclass
class RowInput:
    """One posted row, as the form cleaned it. `action` is None for a new action; `changed` says whether it differs
    from what the user loaded (unchanged rows are not written)."""

    index: int
    action: Action | None
    version: int
    ref: str
    text: str
    leads: list[Officer]
    accountable: list[Officer]
    due_date: date | None
    due_label: str
    stage: str
    percent_complete: int | None
    area: AreaOfWeakness | None
    status: str
    closed_reason: str
    position: int | None
    own: dict[str, str]
    own_versions: dict[str, int]
    changed: bool = True
    moved_in_order: bool = False  # its position differs from where it was loaded


class SheetRefused(Exception):
    """Nothing was saved: `errors` (row index -> {field: [messages]}) and `stale` (row index -> StaleEditError)."""

    def __init__(self, *, errors: dict[int, dict[str, list[str]]] | None = None, stale=None):
        self.errors = errors or {}
        self.stale: dict[int, StaleEditError] = stale or {}
        super().__init__("The sheet was not saved.")


def sheet_row_errors(sheet: Sheet, rows: list[RowInput]) -> dict[int, dict[str, list[str]]]:
    """The sheet's rules for the changed rows, as row index -> {field: [messages]}. The form checks the shape of each
    value; these hold whoever calls the service: the action is this area's, the posts are the plan's, the refs stay
    unique in each area, a withdrawn action says why. One query (the refs of the plan's other areas)."""
    errors: dict[int, dict[str, list[str]]] = {}

    def refuse(row: RowInput, name: str, message: str) -> None:
        errors.setdefault(row.index, {}).setdefault(name, []).append(message)

    post_ids = {o.pk for o in sheet.posts}
    area_ids = {a.pk for a in sheet.areas}
    own_actions = {a.pk for a in sheet.actions}
    seen_actions: set[int] = set()
    for row in rows:
        if row.action is not None:
            if row.action.pk not in own_actions:
                refuse(row, NON_FIELD_ERRORS, f"Action {row.action.ref} is not in {sheet.area.label}: reload the page.")
            elif row.action.pk in seen_actions:
                refuse(row, NON_FIELD_ERRORS, f"Action {row.action.ref} is in the sheet twice: reload the page.")
            seen_actions.add(row.action.pk)
        if not row.changed:
            continue
        if not row.ref.strip():
            refuse(row, "ref", "Enter the action's reference, for example 1.3.")
        if not row.text.strip():
            refuse(row, "text", "Enter what the action will do.")
        for name, posts in (("leads", row.leads), ("accountable", row.accountable)):
            if outside := [o for o in posts if o.pk not in post_ids]:
                names = ", ".join(str(o) for o in outside)
                refuse(row, name, f"Choose posts of {sheet.plan.title}'s organisations only (not {names}).")
        if row.stage not in ("", *Stage.values):
            refuse(row, "stage", "Select a stage from the list.")
        if row.percent_complete is not None and not 0 <= row.percent_complete <= 100:
            refuse(row, "percent_complete", "Enter a percentage complete from 0 to 100.")
        if row.area is None or row.area.pk not in area_ids:
            refuse(row, "area", f"Choose an area of {sheet.plan.title}.")
        was = row.action.status if row.action is not None else Action.Status.OPEN
        if row.status != was and (row.status not in SHEET_STATUSES or was not in SHEET_STATUSES):
            refuse(row, "status", "An action can be closed here (withdrawn, with the reason) or opened again only.")
        if row.status == Action.Status.WITHDRAWN and not row.closed_reason.strip():
            refuse(row, "closed_reason", "Say why the action is closed: what was decided, and by whom.")
        for extension in sheet.extensions:
            for key, message in extension.errors(row.own).items():
                refuse(row, key, message)
    _check_refs(sheet, rows, refuse)
    return errors


def _check_refs(sheet: Sheet, rows: list[RowInput], refuse) -> None:
    """Each area's refs stay unique once the sheet is saved: the rows as posted, this area's actions not in the
    sheet, and the plan's other areas' actions (which actions moving there must not clash with)."""
    posted = {row.action.pk for row in rows if row.action is not None}
    taken: dict[tuple[int, str], list] = {}
    for action in sheet.actions:
        if action.pk not in posted:
            taken.setdefault((action.area_id, action.ref.strip()), []).append(None)
    others = Action.objects.filter(area__plan=sheet.plan).exclude(area=sheet.area).values_list("pk", "area_id", "ref")
    for pk, area_id, ref in others:
        if pk not in posted:
            taken.setdefault((area_id, ref.strip()), []).append(None)
    for row in rows:
        if not row.changed:  # left as it is now, whatever the user loaded
            taken.setdefault((row.action.area_id, row.action.ref.strip()), []).append(None)
        elif row.area is not None and row.ref.strip():
            taken.setdefault((row.area.pk, row.ref.strip()), []).append(row)
    for (area_id, ref), holders in taken.items():
        if len(holders) > 1:
            area = next((a for a in sheet.areas if a.pk == area_id), sheet.area)
            for row in holders:
                if row is not None and row.changed:
                    refuse(row, "ref", f"{area.label} already has an action {ref}: give this one another reference.")


@dataclass
class SheetSaved:
    changed: int = 0
    added: int = 0
    moved: int = 0
    closed: int = 0


def _stale_own(sheet: Sheet, action: Action, row: RowInput) -> list:
    return [change for extension in sheet.extensions for change in extension.stale(action, row.own_versions)]


@transaction.atomic
def area_sheet_save(*, sheet: Sheet, rows: list[RowInput], by) -> SheetSaved:
    """Save the sheet's changed and new rows, all or nothing, each change recorded in history as `by`'s.

    Refuses with SheetRefused (and saves nothing) when a rule fails for any row, or when any changed row's action or
    own-field values were changed by someone else since the row was loaded (each such row's StaleEditError names
    who changed what). Unchanged rows are not written, except to renumber the area's order when the user reordered
    it. An action moved to another area goes to the end of that area, without its outcome (outcomes are an area's)."""
    errors = sheet_row_errors(sheet, rows)
    if errors:
        raise SheetRefused(errors=errors)
    changed = [row for row in rows if row.changed and row.action is not None]
    stale: dict[int, StaleEditError] = {}
    for row in changed:
        try:
            claim_version(row.action, expected_version=row.version)
        except StaleEditError as error:
            stale[row.index] = _with_post_changes(error, row.action, row.version)
            continue
        if own_changes := _stale_own(sheet, row.action, row):
            stale[row.index] = StaleEditError(own_changes, current_version=row.version)
    if stale:
        raise SheetRefused(stale=stale)  # the transaction rolls back the versions claimed above

    result = SheetSaved()
    ends = dict(
        Action.objects.filter(area__plan=sheet.plan).values_list("area_id").annotate(end=Max("order")).order_by()
    )
    numbers, others = _numbering(sheet, rows) if any(row.moved_in_order for row in rows) else ({}, [])
    now = timezone.now()
    for row in [*changed, *(row for row in rows if row.changed and row.action is None)]:
        action = row.action or Action(area=row.area)
        moving = action.pk is not None and row.area.pk != action.area_id
        if row.status == Action.Status.WITHDRAWN and action.status != Action.Status.WITHDRAWN:
            result.closed += 1
        action.ref, action.text = row.ref.strip(), row.text.strip()
        action.due_date, action.due_label = row.due_date, row.due_label.strip()
        action.stage, action.percent_complete = row.stage, row.percent_complete
        action.status = row.status
        action.closed_reason = row.closed_reason.strip() if row.status == Action.Status.WITHDRAWN else ""
        if row.index in numbers:
            action.order = numbers[row.index]
        elif action.pk is None or moving:
            # New here, or new to its area: last in the area.
            ends[row.area.pk] = (ends.get(row.area.pk) or 0) + 1
            action.order = ends[row.area.pk]
        if moving:
            action.area, action.outcome = row.area, None
            result.moved += 1
        action.updated_at = now
        action._history_user = by
        try:
            action.full_clean()
        except ValidationError as error:
            raise SheetRefused(errors={row.index: _keyed(error)}) from None
        action.save()
        _set_posts(action, "leads", row.leads)
        _set_posts(action, "accountable_officers", row.accountable)
        held = sheet.own.get(action.pk, {}) if row.action is not None else {}
        if any(text != held.get(key, ("", 0))[0] for key, text in row.own.items()):
            for extension in sheet.extensions:
                extension.save(action=action, texts=row.own, versions=row.own_versions, by=by)
        if row.action is None:
            result.added += 1
        else:
            result.changed += 1
    # The rows the user did not change but whose place moved with the others: their new number only.
    unchanged = [(row.action, numbers[row.index]) for row in rows if not row.changed and row.index in numbers]
    for action, number in [*unchanged, *others]:
        if action.order != number:
            claim_version(action, expected_version=action.version)
            action.order, action.updated_at, action._history_user = number, now, by
            action.save()
    return result


# The lists simple-history keeps with each history row of an action (HistoricalRecords(m2m_fields=...)).
_POST_LISTS = (
    ("leads", "Leads", "HistoricalAction_leads"),
    ("accountable", "Accountable", "HistoricalAction_accountable_officers"),
)


def _with_post_changes(error: StaleEditError, action: Action, version: int) -> StaleEditError:
    """`error` with the changes to the action's leads and accountable officers since `version` too (locking reads
    only the action's own columns): the lists as the user loaded them against the lists now. Three queries, only for
    a row refused as stale."""
    loaded = loaded_state(action, version)
    latest = (
        action.history.filter(version__gt=version)
        .select_related("history_user__officer")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if loaded is None or latest is None:
        return error
    changes = []
    for name, label, model_name in _POST_LISTS:
        rows = apps.get_model("actions", model_name).objects.filter(
            history_id__in=[loaded.history_id, latest.history_id]
        )
        lists = {loaded.history_id: [], latest.history_id: []}
        for row in rows.select_related("officer"):
            lists[row.history_id].append(str(row.officer))
        before, after = sorted(lists[loaded.history_id]), sorted(lists[latest.history_id])
        if before != after:
            changes.append(
                FieldChange(
                    object_label="Action",
                    field=label,
                    old="; ".join(before) or "(none)",
                    new="; ".join(after) or "(none)",
                    who=history_user_label(latest),
                    when=latest.history_date,
                    name=name,
                )
            )
    if not changes:
        return error
    return StaleEditError(
        sorted([*error.changes, *changes], key=lambda change: change.when),
        saved_by=error.saved_by,
        saved_at=error.saved_at,
        current_version=error.current_version,
    )


def _keyed(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {name: list(messages) for name, messages in error.message_dict.items()}
    return {NON_FIELD_ERRORS: list(error.messages)}


def _set_posts(action: Action, name: str, posts: list[Officer]) -> None:
    """Set the action's leads or accountable officers when they differ: simple-history records the new list as a
    row of the action's history, in the name set on the action (`_history_user`)."""
    related = getattr(action, name)
    if {o.pk for o in related.all()} != {o.pk for o in posts}:
        related.set(posts)


def _numbering(sheet: Sheet, rows: list[RowInput]) -> tuple[dict[int, int], list[tuple[Action, int]]]:
    """The area's order as the user gave it, numbered 1, 2, 3...: row index -> number for the rows staying in the
    area (new ones too), and (action, number) for this area's actions added since the sheet was loaded, which
    follow. Rows given the same number: the one the user moved comes first."""
    here = [row for row in rows if row.area is not None and row.area.pk == sheet.area.pk]
    last = len(rows) + len(sheet.actions) + 1
    here.sort(key=lambda row: (row.position or last, 0 if row.moved_in_order else 1, row.index))
    numbers = {row.index: number for number, row in enumerate(here, start=1)}
    listed = {row.action.pk for row in rows if row.action is not None}
    later = [a for a in sheet.actions if a.pk not in listed]
    return numbers, [(action, number) for number, action in enumerate(later, start=len(here) + 1)]
