"""The Actions, Periods and Updates sheets: actions, reporting periods and their progress updates, held and written
together (workbooks/batch.py)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from actions.locking import save_versioned
from actions.models import Action, AreaOfWeakness, Officer, Outcome, ProgressUpdate, ReportingPeriod, Stage
from actions.services import UNCHANGED, narrative_missing
from workbooks import schema
from workbooks.batch import StaleImport
from workbooks.changes import FieldChange
from workbooks.importing.values import PEOPLE_LABELS, apply_values, field_label, given_values, people_names, readable
from workbooks.parsing import ParseError, parse_due, parse_percent_complete, parse_rag, parse_stage
from workbooks.reader import Problem, Row

# The columns of a progress update's fields, where a refusal names its field (the period's refusal is its rating's).
UPDATE_COLUMNS = {
    "period": "rag",
    "completion_date": "completion date",
    "recovery_note": "recovery note",
    "percent_complete": "percent complete",
}


# What a rating brought in as history lacks, in the preview's words (narrative_warning).
LACKING = {"progress": "the progress behind it", "impact": "its impact", "recovery_note": "how it will recover"}


def _update_fields(existing: dict | None, **given) -> list[FieldChange]:
    """A progress update's rating, progress and impact as it was for the period (if it was) and as imported."""
    fields = []
    for name, new in given.items():
        field = ProgressUpdate._meta.get_field(name)
        old = existing[name] if existing else ""
        if old != new:
            fields.append(FieldChange(field_label(field), readable(field, old), readable(field, new)))
    return fields


class ActionRows:
    """Actions, their periods and updates, their current ratings and states (workbooks/batch.py writes them)."""

    def delivery(self, row: Row) -> dict | None:
        """The row's stage and percentage complete, for the columns the sheet has (a missing column leaves the
        action's as they are); None when a cell cannot be read (the problem is recorded)."""
        values: dict = {}
        try:
            if "stage" in row.cells:
                values["stage"] = parse_stage(row.get("stage"), words=self.stage_words)
        except ParseError as error:
            self.problem(row, "stage", str(error))
        try:
            if "percent complete" in row.cells:
                values["percent_complete"] = parse_percent_complete(row.get("percent complete"))
        except ParseError as error:
            self.problem(row, "percent complete", str(error))
            return None
        return values if "stage" not in row.cells or "stage" in values else None

    def actions_sheet(self) -> None:
        for order, row in enumerate(self.workbook.rows(schema.ACTIONS), start=1):
            ref, area_ref = row.text("ref"), row.text("area")
            area = self.areas.get(area_ref)
            if area is None:
                self.problem(row, "area", "is not an area of this plan: add it to the Areas sheet or correct the ref.")
                continue
            action = self.actions.get(ref)
            if action is not None and action.area_id != area.pk:
                self.problem(row, "ref", f"is already an action of area {action.area.ref}: action refs must be unique.")
                continue
            action = action or Action(area=area, ref=ref, order=order)
            leads = self.leads(row, "leads")
            self.result.read_leads(row, leads)
            self.parsed(row, "rag", parse_rag)  # read now so a bad rating is reported with the other problems
            if "due on" in row.headers:
                # A sheet with exact due dates (as export writes it): the date column says when, and the wording is
                # kept as written, whatever it says; an empty date means none was set.
                due_date, due_label = self.date_of(row, "due on") if row.get("due on") else None, row.text("due")
                if row.get("due on") and due_date is None:
                    continue
            else:
                due = self.parsed(row, "due", parse_due)
                if due is None:
                    continue
                due_label, due_date = due.label, due.date
                if due.note:  # a term or year read as its last day: say what was assumed, where
                    self.result.warnings.append(
                        f"{row.sheet} row {row.number}, column {row.headers.get('due', 'due')}: "
                        f"“{due.label}” {due.note}."
                    )
                if due.kind == "immediate":
                    due_date = self.plan.start_date
                elif due.kind == "publication":
                    due_date = self.plan.published
            if leads is None:
                continue
            if not leads and (row.sheet, row.number, "leads") not in self.placeholder_cells:
                self.problem(row, "leads", "needs at least one lead (responsible officer).")
                continue
            values = {"text": row.text("action"), "due_date": due_date, "due_label": due_label}
            if "revised due" in row.cells:
                values["revised_due_date"] = self.date_of(row, "revised due") if row.get("revised due") else None
                values["revised_due_reason"] = row.text("revised due reason")
                if row.get("revised due") and values["revised_due_date"] is None:
                    continue
            outcome_text = row.text("outcome")
            if outcome_text:
                values["outcome"] = self.outcome(area, action, outcome_text)
            partners = [self.organisation(name) for name in re.split(r"[;\n]", row.text("partners")) if name.strip()]
            people = {"leads": leads, "partners": partners}
            # Jointly accountable officers are listed as leads are ("DCS (A Name) and Chief Nurse, ICB (B Name)");
            # an empty cell leaves the action's as they are.
            if row.get("accountable"):
                people["accountable_officers"] = self.leads(row, "accountable")
                if people["accountable_officers"] is None:
                    continue
            if not self.save_action(action, values, row, people=people):
                continue
            self.actions[ref] = action
            self.action_rows[ref] = row
            # Its own fields' values are read now and saved once the action is written (write_actions).
            self.own_field_values.append((row, action, self.own_fields.texts(row, "action")))

    def outcome(self, area: AreaOfWeakness, action: Action, text: str) -> Outcome:
        """The outcome an action row names: the action's own if the text still fits (outcome texts may repeat under
        several findings), else the area's by ref or text, else a new one."""
        if area.pk not in self.outcomes:
            self.outcomes[area.pk] = list(area.outcomes.all())
        outcomes = self.outcomes[area.pk]
        current = next((o for o in outcomes if o.pk == action.outcome_id), None) if action.outcome_id else None
        outcome = (
            (current if current and text in (current.ref, current.text) else None)
            or next((o for o in outcomes if o.ref == text), None)
            or next((o for o in outcomes if o.text == text), None)
        )
        if outcome is None:
            outcome = Outcome(area=area, text=text, order=len(outcomes) + 1)
            save_versioned(outcome, expected_version=1, by=self.by)
            outcomes.append(outcome)
        return outcome

    def save_action(self, action: Action, values: dict, row: Row, *, people: dict[str, list] | None = None) -> bool:
        """Create or change `action` with `values` and `people` (its leads, partners, accountable officers), checked
        as a save checks it, and held to be written with the others (ActionWrites); record what happened."""
        new = action.pk is None and action.ref not in self.writes.new
        changed = apply_values(action, values)
        for name, records in (people or {}).items():
            held = self.writes.people(action, name)
            if self.writes.set_people(action, name, records):
                changed.append(FieldChange(PEOPLE_LABELS[name], people_names(held), people_names(records)))
        if not new and not changed:
            self.result.count("unchanged", "Action")
            return True
        try:
            self.writes.check(action)
        except ValidationError as error:
            self.refused(row, error, values=values)
            return False
        self.writes.action_saved(action, values)
        if new:
            self.result.count("created", "Action", record=action.ref, fields=given_values(changed))
        elif not self.result.created_here("Action", action.ref):  # a new action's later changes are its creation
            self.result.count("changed", "Action", record=action.ref, fields=changed)
        return True

    def periods_sheet(self) -> None:
        statuses = {s.value: s.value for s in ReportingPeriod.Status} | {"": ReportingPeriod.Status.CLOSED}
        rows = self.workbook.rows(schema.PERIODS)
        for row in sorted(rows, key=lambda r: str(r.get("end") or "")):
            name = row.text("period")
            end = self.date_of(row, "end")
            start = self.date_of(row, "start") if row.get("start") else None
            deadline = self.date_of(row, "update deadline") if row.get("update deadline") else None
            status = statuses.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be planned, open or closed.")
            if end is None or status is None:
                continue
            period = self.periods.get(name.casefold()) or ReportingPeriod(plan=self.plan, name=name)
            values = {"start": start or end.replace(day=1), "end": end, "update_deadline": deadline, "status": status}
            if self.save(period, "Reporting period", name, values, row):
                self.period_saved(period)

    def period_saved(self, period: ReportingPeriod) -> None:
        self.periods[period.name.casefold()] = period
        self.writes.period_added(period)

    def period(self, row: Row, name: str, column: str = "period") -> ReportingPeriod | None:
        period = self.periods.get(name.casefold())
        if period:
            return period
        due = self.parsed(row, column, parse_due)
        if due is None or due.date is None:
            if due is not None:
                self.problem(row, column, "needs a month we can read, like “Dec 17” or “March 2020”.")
            return None
        earlier = max((p for p in self.periods.values() if p.end < due.date), key=lambda p: p.end, default=None)
        start = earlier.end + timedelta(days=1) if earlier else due.date.replace(day=1) - timedelta(days=60)
        period = ReportingPeriod(plan=self.plan, name=name, start=start, end=due.date, status="closed")
        save_versioned(period, expected_version=1, by=self.by)
        self.period_saved(period)
        self.result.count(
            "created", "Reporting period", record=name, fields=[FieldChange("End", "", f"{due.date:%-d %B %Y}")]
        )
        return period

    def submit_update(
        self,
        row: Row,
        action: Action,
        period: ReportingPeriod,
        rag: str,
        progress: str,
        impact: str,
        evidence=None,
        *,
        recovery_note: str | None = None,
        completion_date: date | None = None,
        officer: Officer | None = None,
        submitted_on: date | None = None,
        stage=UNCHANGED,
        percent_complete=UNCHANGED,
    ):
        if rag == "blue" and not self.plan.publishes_ratings:
            # "Completed" (read as Blue) as the fourth status of a plan that publishes no ratings: the stage says it.
            rag, stage = "", Stage.COMPLETE
        # A lead's draft for the period is not part of the plan: the imported update is submitted in its place.
        existing = self.writes.submitted(action, period)
        # As it was before this row: the update is changed in place.
        existing_values = (
            {name: getattr(existing, name) for name in ("rag", "progress", "impact")} if existing else None
        )
        if evidence is None:  # the Updates sheet has no evidence column: keep what is recorded
            evidence = existing.evidence if existing else ""
        # Trackers have no columns for these (export writes them): a Blue update is complete by its period's end
        # (or today), and a Red one's progress text says what is being done to recover it.
        if (rag == "blue" or stage == Stage.COMPLETE) and completion_date is None:
            if action.completed_on:
                # An action already completed keeps the date it was completed on: a tracker listing it as Blue
                # again next term does not move it.
                completion_date = action.completed_on
            else:
                completion_date = min(period.end, date.today())
                # Never silently: the programme manager is told which row was dated so, to give the real date.
                column = "rag" if row.get("rag") or "stage" not in row.cells else "stage"
                self.result.warnings.append(
                    f"{row.sheet} row {row.number}, column {row.headers.get(column, column)}: "
                    f"“{row.text(column)}” completes {action.ref} but no completion date was given, so it is recorded "
                    f"as completed on {completion_date:%-d %B %Y}, the end of {period.name}: give the date it was "
                    "completed if you know it."
                )
        if recovery_note is None:
            recovery_note = progress if rag == "red" else ""
        if (
            existing
            and (
                existing.rag,
                existing.progress,
                existing.impact,
                existing.evidence,
                existing.recovery_note,
                existing.completion_date,
            )
            == (rag, progress, impact, evidence, recovery_note if rag == "red" else "", completion_date)
            and (stage is UNCHANGED or existing.stage == stage)
            and (percent_complete is UNCHANGED or existing.percent_complete == percent_complete)
        ):
            self.result.count("unchanged", "Progress update")
            return
        try:
            self.writes.submit(
                action,
                period,
                rag=rag,
                progress=progress,
                impact=impact,
                evidence=evidence,
                completion_date=completion_date,
                recovery_note=recovery_note,
                stage=stage,
                percent_complete=percent_complete,
                officer=officer,
                submitted_at=(timezone.make_aware(datetime.combine(submitted_on, time(12))) if submitted_on else None),
            )
        except ValidationError as error:
            self.refused(row, error, rename=UPDATE_COLUMNS)
        else:
            label = "changed" if existing else "created"
            self.result.count(
                label,
                "Progress update",
                record=f"{action.ref} for {period.name}",
                fields=_update_fields(existing_values, rag=rag, progress=progress, impact=impact),
            )
            self.narrative_warning(row, action, period, rag, progress, impact, recovery_note)

    def narrative_warning(self, row: Row, action, period, rag, progress, impact, recovery_note) -> None:
        """A rating brought in without what a lead would have to say with it in the app: taken as history, and the
        preview says so, row by row, so the programme manager can ask the lead for it."""
        if not rag or (progress.strip() and (impact.strip() or rag not in ("blue", "green"))):
            return  # nothing missing, without reading the previous rating
        missing = narrative_missing(
            rag=rag,
            progress=progress,
            impact=impact,
            recovery_note=recovery_note or "",
            previous_rag=self.writes.previous_rag(action, period) if not progress.strip() else rag,
        )
        if missing:
            lacking = " or ".join(LACKING[name] for name in missing)
            self.result.warnings.append(
                f"{row.sheet}, row {row.number}: {action.ref}'s {rag.capitalize()} rating for {period.name} is "
                f"brought in as history without {lacking}, which the app asks a lead for: ask the lead to add it."
            )

    def updates_sheet(self) -> None:
        rows = self.workbook.rows(schema.UPDATES)
        parsed = []
        for row in rows:
            action = self.actions.get(row.text("action"))
            if action is None:
                self.problem(row, "action", "is not an action ref in the Actions sheet or this plan.")
                continue
            rag = self.parsed(row, "rag", parse_rag)
            period = self.period(row, row.text("period"))
            if rag is None or period is None:
                continue
            parsed.append((period.end, row, action, period, rag))
        latest = self.latest_period()
        for _end, row, action, period, rag in sorted(parsed, key=lambda item: (item[0], item[1].number)):
            if "evidence" in row.cells:
                evidence = row.text("evidence")
            else:
                # A tracker's Actions sheet carries the evidence of each action's update for the latest period.
                action_row = self.action_rows.get(action.ref)
                evidence = action_row.text("evidence") if action_row and period == latest else None
            extras = {}
            if "recovery note" in row.cells:
                extras["recovery_note"] = row.text("recovery note")
            if row.get("completion date"):
                extras["completion_date"] = self.date_of(row, "completion date")
                if extras["completion_date"] is None:
                    continue
            if row.get("submitted on"):
                extras["submitted_on"] = self.date_of(row, "submitted on")
                if extras["submitted_on"] is None:
                    continue
            delivery = self.delivery(row)
            if delivery is None:
                continue
            extras |= delivery
            officer = self.one_officer(row, "by")
            if officer is False:
                continue
            extras["officer"] = officer
            self.submit_update(row, action, period, rag, row.text("progress"), row.text("impact"), evidence, **extras)

    def latest_period(self) -> ReportingPeriod | None:
        periods = self.periods.values()
        return next((p for p in periods if p.status == ReportingPeriod.Status.OPEN), None) or max(
            periods, key=lambda p: p.end, default=None
        )

    def current_ratings(self) -> None:
        """The Actions sheet's RAG, progress and impact are each action's update for the plan's latest period."""
        rows = [row for row in self.workbook.rows(schema.ACTIONS) if row.get("rag")]
        if not rows:
            return
        latest = self.latest_period()
        if latest is None and not any(row.get("rated in") for row in rows):
            self.problem(
                rows[0],
                "rag",
                "has a rating but the plan has no reporting period: add an Updates sheet "
                "(action, period, rag) so we know which period the ratings belong to.",
            )
            return
        # An update the Updates sheet gives in full is not given again by its action's row (export writes both).
        listed = {(row.text("action"), row.text("period").casefold()) for row in self.workbook.rows(schema.UPDATES)}
        for row in rows:
            action = self.actions.get(row.text("ref"))
            rag = self.parsed(row, "rag", parse_rag)
            period = self.period(row, row.text("rated in"), column="rated in") if row.get("rated in") else latest
            if action is None or rag is None or period is None:
                continue
            if (action.ref, period.name.casefold()) in listed:
                continue
            existing = self.writes.submitted(action, period)
            extras = {}
            if rag == "blue" and row.get("completed on"):  # "Completed" with the row's completion date (issue 18)
                extras["completion_date"] = self.date_of(row, "completed on")
                if extras["completion_date"] is None:
                    continue
            if existing and existing.rag == rag and not (row.text("progress") or row.text("impact")):
                # The tracker gives the current rating without narrative; the Updates sheet had it already.
                self.result.count("unchanged", "Progress update")
                continue
            self.submit_update(
                row, action, period, rag, row.text("progress"), row.text("impact"), row.text("evidence"), **extras
            )

    def action_states(self) -> None:
        """Each action's status and completion date, once its updates are in (a Blue update completes an action;
        a withdrawn one is withdrawn whatever its ratings said)."""
        statuses = {schema.normalise(s.value): s.value for s in Action.Status} | {
            schema.normalise(s.label): s.value for s in Action.Status
        }
        statuses |= {"complete": Action.Status.COMPLETED, "carriedforward": Action.Status.CARRIED_FORWARD}
        for row in self.workbook.rows(schema.ACTIONS):
            action = self.actions.get(row.text("ref"))
            # The action's current stage and percentage, as the tracker states them (after its updates, which
            # may have moved them).
            delivery = self.delivery(row)
            if action is None or delivery is None:
                continue
            # An empty cell states nothing: the stage a rating gave ("Completed") stands.
            values = {name: value for name, value in delivery.items() if value not in ("", None)}
            if row.get("action status"):
                status = statuses.get(schema.normalise(row.text("action status")))
                if status is None:
                    self.problem(row, "action status", "should be open, completed, carried forward or withdrawn.")
                    continue
                values["status"] = status
            if not values:
                continue
            if "completed on" in row.cells and (row.get("action status") or values.get("stage")):
                values["completed_on"] = self.date_of(row, "completed on") if row.get("completed on") else None
                if row.get("completed on") and values["completed_on"] is None:
                    continue
            changed = apply_values(action, values)  # the action as its updates left it, held in memory (ActionWrites)
            if not changed:
                continue
            try:
                self.writes.check(action)
            except ValidationError as error:
                rename = {
                    "status": "action status",
                    "completed_on": "completed on",
                    "percent_complete": "percent complete",
                    NON_FIELD_ERRORS: "action status",
                }
                self.refused(row, error, rename=rename)
                continue
            self.writes.action_saved(action, values)
            if not self.result.created_here("Action", action.ref):
                self.result.count("changed", "Action", record=action.ref, fields=changed)

    def write_actions(self) -> None:
        """Write the actions and updates held (ActionWrites), then the actions' own-field values, which need them.
        With problems found, nothing is written: the import is refused anyway."""
        if self.result.problems:
            return
        try:
            self.writes.flush()
        except StaleImport as refused:
            for change in refused.changes:
                self.result.problems.append(
                    Problem("(workbook)", None, "", "", f"{change}: import the file again to see their change.")
                )
            return
        for row, action, texts in self.own_field_values:
            self.own_fields.save(row, action, "action", texts)
