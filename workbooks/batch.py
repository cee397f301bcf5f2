"""The import's writes of actions and their progress updates: checked one by one, written together.

A tracker of 500 actions wrote about 80 queries an action when every action and update went through the services
one at a time (issue 18). Here each action and update is still checked by the same rules as a save: the action's
and update's own validation (fields and CHECK constraints, which sendplan.constraints answers without a query) and
progress_update_errors for an update, with the action moved on by the same `apply_submission` a lead's update
uses. But they are held in memory, and `flush()` writes them in a handful of bulk queries: the actions, who leads
them, their updates, and a history row for every state a save would have recorded (each dated as the update it
records), with the leads and accountable officers of each, so "as at" pages and the History tab read an import as
they read saves.

The plan's actions, their updates and their people are read once, when the import starts. An action someone
changes in the app while the import runs is found when it is written, and the import is refused (StaleImport),
never overwriting their change.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, Model
from django.utils import timezone

from actions.locking import history_user_label
from actions.models import Action, Officer, Organisation, Plan, ProgressUpdate, ReportingPeriod
from actions.permissions import user_officer
from actions.services import (
    SUBMITTED_ACTION_FIELDS,
    SUBMITTED_UPDATE_FIELDS,
    UNCHANGED,
    apply_submission,
    progress_update_errors,
)
from sendplan.bulk import bulk_update_rows
from sendplan.constraints import failed_checks

BATCH = 1000
# The people of an action the import sets, and the fields of their link tables' rows.
PEOPLE = {"leads": "officer_id", "accountable_officers": "officer_id", "partners": "organisation_id"}
# Those whose links each history row of an action records (HistoricalRecords(m2m_fields=...)).
PEOPLE_IN_HISTORY = ("leads", "accountable_officers")


class StaleImport(Exception):
    """Actions were changed in the app while the import ran: `changes` says which, and by whom."""

    def __init__(self, changes: list[str]):
        self.changes = changes
        super().__init__("; ".join(changes))


def _related_names(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.is_relation]


def _check(instance: Model, related: list[str], checks: list) -> None:
    """A save's own validation (full_clean's): each field, the model's clean() and its CHECK constraints. Its related
    rows are the import's own (they may not be written yet), and it keeps refs and one update per period unique
    itself, so neither is asked of the database."""
    errors: dict = {}
    try:
        instance.clean_fields(exclude=related)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    for constraint in failed_checks(instance, checks, exclude=None, using="default"):
        error = ValidationError(constraint.get_violation_error_message(), code=constraint.violation_error_code)
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class ActionWrites:
    def __init__(self, *, plan: Plan, actions: dict[str, Action], periods: list[ReportingPeriod], by):
        self.by = by
        self.officer = user_officer(by)
        self.now = timezone.now()
        self.loaded_versions = {action.pk: action.version for action in actions.values()}
        self.by_pk = {action.pk: action for action in actions.values()}
        self.by_ref = dict(actions)  # the plan's actions as the import found them
        self.start = {period.pk: period.start for period in periods}
        self.new: dict[str, Action] = {}  # created by the import, by ref, in the order read
        self.changed: dict[str, Action] = {}  # the plan's actions the import changes, by ref
        self.changed_fields: set[str] = {"version", "updated_at"}
        # Every state of an action or update a save would have recorded: (record, its values then, "+" or "~", when).
        self.action_history: list[tuple[Action, dict, str, datetime]] = []
        self.update_history: list[tuple[ProgressUpdate, dict, str, datetime]] = []
        self.updates: dict[str, dict[int, ProgressUpdate]] = defaultdict(dict)  # action ref -> period id -> update
        self.written_updates: dict[tuple[str, int], ProgressUpdate] = {}
        self.tracked = {
            Action: [f.attname for f in Action.history.model.tracked_fields],
            ProgressUpdate: [f.attname for f in ProgressUpdate.history.model.tracked_fields],
        }
        self.related = {Action: _related_names(Action), ProgressUpdate: _related_names(ProgressUpdate)}
        self.checks = {
            model: [(model, c) for c in model._meta.constraints if isinstance(c, CheckConstraint)]
            for model in (Action, ProgressUpdate)
        }
        # The people the import wants for each action (by ref), and the links each action has (by pk): link id by
        # the linked officer's or organisation's id.
        self.wanted: dict[str, dict[str, list]] = defaultdict(dict)
        self.held: dict[str, dict[int, dict[int, int]]] = {name: defaultdict(dict) for name in PEOPLE}
        self.held_records: dict[str, dict[int, Model]] = {name: {} for name in PEOPLE}
        self._load(plan)

    def _load(self, plan: Plan) -> None:
        """The plan's updates (one query) and who leads, is accountable for and partners each action (two each)."""
        for update in ProgressUpdate.objects.filter(action__area__plan=plan):
            action = self.by_pk[update.action_id]
            update.action = action
            self.updates[action.ref][update.period_id] = update
        for name, target in PEOPLE.items():
            through = Action._meta.get_field(name).remote_field.through
            model = Officer if target == "officer_id" else Organisation
            links = list(through.objects.filter(action__area__plan=plan).values_list("id", "action_id", target))
            records = model.objects.filter(pk__in={linked for _, _, linked in links})
            if model is Officer:
                records = records.select_related("organisation")
            self.held_records[name] = {record.pk: record for record in records}
            for link_id, action_id, linked in links:
                self.held[name][action_id][linked] = link_id

    # --- reads ---------------------------------------------------------------------------------------------------
    def submitted(self, action: Action, period: ReportingPeriod) -> ProgressUpdate | None:
        """The action's submitted update for the period, as the import has it so far."""
        update = self.updates[action.ref].get(period.pk)
        return update if update is not None and update.status == ProgressUpdate.Status.SUBMITTED else None

    def previous_rag(self, action: Action, period: ReportingPeriod) -> str:
        """As actions.services.previous_rating: the action's rating in the latest period before `period`."""
        start = period.start
        earlier = [
            (self.start[period_id], update.rag)
            for period_id, update in self.updates[action.ref].items()
            if update.status == ProgressUpdate.Status.SUBMITTED
            and update.rag
            and self.start.get(period_id, start) < start
        ]
        return max(earlier)[1] if earlier else ""

    def people(self, action: Action, name: str) -> list:
        """Who the action has under `name` (leads, accountable officers, partners), as the import has it so far."""
        if action.ref in self.wanted and name in self.wanted[action.ref]:
            return self.wanted[action.ref][name]
        held = self.held[name].get(action.pk, {}) if action.pk else {}
        return [self.held_records[name][linked] for linked in held]

    def period_added(self, period: ReportingPeriod) -> None:
        self.start[period.pk] = period.start

    # --- writes, in memory ---------------------------------------------------------------------------------------
    def check(self, instance: Action | ProgressUpdate) -> None:
        _check(instance, self.related[type(instance)], self.checks[type(instance)])

    def action_saved(self, action: Action, fields, *, when: datetime | None = None) -> None:
        """Record a save of `action` (already checked) that set `fields`: a new one is created, the plan's own claims
        its next version as save_versioned would; each save is a history row."""
        when = when or self.now
        if action.pk is None:
            first = action.ref not in self.new
            self.new[action.ref] = action
            kind = "+" if first else "~"
        else:
            self.changed[action.ref] = action
            kind = "~"
        if kind == "~":
            action.version += 1
        action.updated_at = when
        self.changed_fields.update(fields)
        self._snapshot(self.action_history, action, kind, when)

    def set_people(self, action: Action, name: str, records: list) -> bool:
        """Give the action these people under `name`; True if that changes who it has."""
        now = {record.pk for record in self.people(action, name)}
        wanted = list(dict.fromkeys(records))
        if now == {record.pk for record in wanted}:
            return False
        self.wanted[action.ref][name] = wanted
        return True

    def submit(
        self,
        action: Action,
        period: ReportingPeriod,
        *,
        officer: Officer | None = None,
        submitted_at: datetime | None = None,
        **entry,
    ) -> ProgressUpdate:
        """As progress_update_submit, for an entry brought in as history: the same rules, the update and action
        moved on the same way. `entry` is the update as written: rag, progress, impact, evidence, recovery_note,
        completion_date, and stage and percent_complete (UNCHANGED when the row gives none). Raises ValidationError,
        leaving both as they were, when a rule refuses it."""
        entry = {"stage": UNCHANGED, "percent_complete": UNCHANGED, **entry, "imported_history": True}
        errors = progress_update_errors(
            action=action, period=period, previous_rag=self.previous_rag(action, period), **entry
        )
        if errors:
            raise ValidationError(errors)
        key = (action.ref, period.pk)
        held = self.updates[action.ref].get(period.pk)
        update = held if held is not None else ProgressUpdate(action=action, period=period)
        before = (self._values(action), self._values(update))
        apply_submission(action=action, update=update, coproduction_level=None, coproduction_evidence=None, **entry)
        when = submitted_at or self.now
        update.submitted_by, update.submitted_by_officer = self.by, officer or self.officer
        update.submitted_at = update.updated_at = when
        try:
            self.check(update)
            self.check(action)
        except ValidationError:
            for record, values in zip((action, update), before, strict=True):
                for attname, value in values.items():
                    setattr(record, attname, value)
            raise
        saved_before = update.pk is not None or key in self.written_updates
        if saved_before:
            update.version += 1
        self.updates[action.ref][period.pk] = self.written_updates[key] = update
        self._snapshot(self.update_history, update, "~" if saved_before else "+", when)
        self.action_saved(action, SUBMITTED_ACTION_FIELDS, when=when)
        return update

    def _values(self, record: Model) -> dict:
        return {attname: getattr(record, attname) for attname in self.tracked[type(record)]}

    def _snapshot(self, history: list, record: Model, kind: str, when: datetime) -> None:
        history.append((record, self._values(record), kind, when))

    # --- writes, to the database ---------------------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything held, in bulk: the actions, their people, their updates, and the history of each."""
        self._refuse_if_changed_meanwhile()
        Action.objects.bulk_create(list(self.new.values()), batch_size=BATCH)
        if self.changed:
            bulk_update_rows(Action, list(self.changed.values()), sorted(self.changed_fields), batch_size=BATCH)
        links = self._write_people()
        created = [u for u in self.written_updates.values() if u.pk is None]
        revised = [u for u in self.written_updates.values() if u.pk is not None]
        ProgressUpdate.objects.bulk_create(created, batch_size=BATCH)
        if revised:
            bulk_update_rows(ProgressUpdate, revised, SUBMITTED_UPDATE_FIELDS, batch_size=BATCH)
        self._write_history(ProgressUpdate, self.update_history)
        action_rows = self._write_history(Action, self.action_history)
        self._write_people_history(action_rows, links)

    def _action_by_ref(self, ref: str) -> Action:
        return self.new.get(ref) or self.by_ref[ref]

    def _refuse_if_changed_meanwhile(self) -> None:
        """The plan's actions the import writes must still be as it read them: locked now until the import commits."""
        ids = [action.pk for action in self.changed.values()]  # an action whose people change is saved too
        if not ids:
            return
        versions = dict(Action.objects.select_for_update(of=("self",)).filter(pk__in=ids).values_list("pk", "version"))
        moved = [pk for pk in ids if versions.get(pk) != self.loaded_versions[pk]]
        if not moved:
            return
        changes = []
        for pk in moved:
            last = Action.history.filter(id=pk).select_related("history_user__officer").order_by("-history_id").first()
            who = history_user_label(last) if last else "someone"
            changes.append(f"action {self.by_pk[pk].ref} was changed by {who} while this file was being imported")
        raise StaleImport(changes)

    def _write_people(self) -> dict[str, dict[int, list[tuple[int, int]]]]:
        """Set each action's people as wanted: links removed and added in one query each. Returns every written
        action's links after it, (link id, linked id) by action id, for their history rows."""
        after: dict[str, dict[int, list[tuple[int, int]]]] = {name: {} for name in PEOPLE_IN_HISTORY}
        for name, target in PEOPLE.items():
            through = Action._meta.get_field(name).remote_field.through
            removed, added = [], []
            for ref, wanted in self.wanted.items():
                if name not in wanted:
                    continue
                action = self._action_by_ref(ref)
                held = self.held[name][action.pk]
                wanted_ids = {record.pk for record in wanted[name]}
                removed += [(action.pk, linked, link) for linked, link in held.items() if linked not in wanted_ids]
                added += [through(action_id=action.pk, **{target: pk}) for pk in wanted_ids - set(held)]
            if removed:
                through.objects.filter(pk__in=[link for *_, link in removed]).delete()
            through.objects.bulk_create(added, batch_size=BATCH)
            for action_id, linked, _link in removed:
                del self.held[name][action_id][linked]
            for link in added:
                self.held[name][link.action_id][getattr(link, target)] = link.pk
            if name in after:
                after[name] = {
                    pk: [(link, linked) for linked, link in links.items()] for pk, links in self.held[name].items()
                }
        return after

    def _write_history(self, model, history: list[tuple[Model, dict, str, datetime]]) -> list:
        """One history row for each save held, with the record's values then: simple-history's rows, in bulk."""
        historical = model.history.model
        rows = []
        for record, values, kind, when in history:
            values = {**values, "id": record.pk}
            if model is ProgressUpdate:  # a new action's id is known only now
                values["action_id"] = record.action.pk
            rows.append(
                historical(
                    history_date=when, history_user=self.by, history_change_reason="", history_type=kind, **values
                )
            )
        return historical.objects.bulk_create(rows, batch_size=BATCH)

    def _write_people_history(self, rows: list, links: dict[str, dict[int, list[tuple[int, int]]]]) -> None:
        """Each history row of an action holds who led it and was accountable for it, as a save records them (the
        people the action has when the import ends: an import sets them once, before its updates)."""
        for name in PEOPLE_IN_HISTORY:
            historical = apps.get_model("actions", f"HistoricalAction_{name}")
            historical.objects.bulk_create(
                [
                    historical(id=link, action_id=row.id, officer_id=linked, history_id=row.history_id)
                    for row in rows
                    for link, linked in links[name].get(row.id, [])
                ],
                batch_size=BATCH,
            )
