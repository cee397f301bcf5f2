"""Every write to plans, actions and progress updates goes through here (views, admin, commands and the demo loader).

The progress rules live in `progress_update_errors`, so the form shows them beside the fields and the service
refuses them again whoever calls it. A draft (`progress_update_save_draft`) skips them: it may be incomplete, and
they apply when it is submitted.
"""

from __future__ import annotations

from datetime import date, datetime

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.locking import (
    StaleEditError,
    changes_since,
    claim_version,
    field_changes,
    loaded_state,
    save_versioned,
)
from actions.models import (
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Outcome,
    Plan,
    PostHolder,
    ProgressUpdate,
    Rag,
    RagDefinition,
    ReportingPeriod,
    Stage,
)
from actions.permissions import Role, user_officer
from actions.selectors import previous_ratings

_url = URLValidator(schemes=["http", "https"])


class _Unchanged:
    """The default of an update's stage and percentage: callers that do not report them (imports of older
    workbooks, the demo's earlier rounds) leave the action's as they are."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


def _delivery_errors(*, stage, percent_complete) -> dict[str, str]:
    """A stage and a percentage that can be stored at all (drafts too)."""
    errors: dict[str, str] = {}
    if stage is not UNCHANGED and stage not in ("", *Stage.values):
        errors["stage"] = "Select a stage."
    if percent_complete is not UNCHANGED and percent_complete is not None and not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "Enter a percentage complete from 0 to 100."
    return errors


def previous_rating(*, action: Action, period: ReportingPeriod) -> str:
    """The action's RAG in the latest period before `period` ('' if never rated). Drafts are not ratings."""
    earlier = (
        ProgressUpdate.objects.filter(
            action=action, period__start__lt=period.start, status=ProgressUpdate.Status.SUBMITTED
        )
        .exclude(rag="")  # a narrative entry is no rating
        .order_by("-period__start")
        .values_list("rag", flat=True)
        .first()
    )
    return earlier or ""


def progress_update_place_errors(
    *, action: Action, period: ReportingPeriod, imported_history: bool = False
) -> dict[str, str]:
    """Whether `action` takes an update (or a draft) for `period` at all, as field -> message. A completed action
    takes no more updates from a lead; history brought in from a tracker may still hold entries after it (a tracker
    lists a delivered action as Blue term after term), which are kept as written, in whichever period they belong
    to: a lead updates in the open period, history is brought in for past ones."""
    errors: dict[str, str] = {}
    if period.plan_id != action.area.plan_id:
        errors["period"] = "This reporting period belongs to a different plan."
    elif period.status != ReportingPeriod.Status.OPEN and not imported_history:
        errors["period"] = f"{period.name} is not open for updates."
    if action.status != Action.Status.OPEN and not imported_history:
        errors["rag"] = f"This action is {action.get_status_display().lower()}; it takes no more updates."
    return errors


def progress_update_draft_errors(
    *, action: Action, period: ReportingPeriod, rag: str, stage=UNCHANGED, percent_complete=UNCHANGED
) -> dict[str, str]:
    """What refuses a draft, as field -> message: only where it may go, an unknown rating or stage and a percentage
    outside 0-100. The progress rules wait for the submission, so a lead can save half-written work."""
    errors = progress_update_place_errors(action=action, period=period)
    if rag and rag not in Rag.values:
        errors["rag"] = "Select a RAG rating, or none yet."
    return errors | _delivery_errors(stage=stage, percent_complete=percent_complete)


def narrative_missing(*, rag: str, progress: str, impact: str, recovery_note: str, previous_rag: str) -> dict[str, str]:
    """What a rating needs said with it, as field -> message: progress for a change of rating, the impact for Green
    or Blue, the recovery for Red. A lead updating in the app must say it; a rating brought in as history (a tracker
    kept elsewhere, issue 18) is taken without it, and the import's preview says what it lacks."""
    errors = {}
    if rag != previous_rag and not progress.strip():
        was = Rag(previous_rag).label if previous_rag else "not rated"
        errors["progress"] = f"Describe the progress that moves the rating from {was} to {Rag(rag).label}."
    if rag in (Rag.BLUE, Rag.GREEN) and not impact.strip():
        errors["impact"] = (
            f"Describe the impact: what is different for children and families that makes this {Rag(rag).label}."
        )
    if rag == Rag.RED and not recovery_note.strip():
        errors["recovery_note"] = "Say what will bring this action back on track, and by when."
    return errors


def progress_update_errors(
    *,
    action: Action,
    period: ReportingPeriod,
    rag: str,
    progress: str,
    impact: str,
    recovery_note: str,
    completion_date: date | None,
    evidence: str,
    previous_rag: str,
    stage=UNCHANGED,
    percent_complete=UNCHANGED,
    imported_history: bool = False,
) -> dict[str, str]:
    """The progress rules, as field -> message. Empty when the update may be submitted.

    A plan that publishes no ratings takes narrative entries only: progress text, no rating. An entry brought in
    as history from elsewhere (`imported_history`, the importer) may have no rating in any plan, and a rating
    without the narrative the app asks for (narrative_missing). Every other update of a rated plan needs its
    rating and its narrative, as always.

    The stage is the lead's report of delivery beside the rating: a Blue rating ("completed and embedded") needs
    the stage Complete when a stage is given, Complete needs the completion date, and a completion date is given
    only for a complete action (Blue, or the stage Complete), so a typed date is never dropped unseen."""
    errors = progress_update_place_errors(
        action=action, period=period, imported_history=imported_history
    ) | _delivery_errors(stage=stage, percent_complete=percent_complete)
    publishes_ratings = action.area.plan.publishes_ratings
    if not rag and (imported_history or not publishes_ratings):
        if not progress.strip():
            errors["progress"] = "Describe the progress: with no rating, the entry is its dated narrative."
    elif not publishes_ratings:
        errors["rag"] = "This plan publishes no RAG ratings: give the progress as narrative, without a rating."
    elif rag not in Rag.values:
        errors["rag"] = "Select a RAG rating."
    elif not imported_history:
        errors |= narrative_missing(
            rag=rag, progress=progress, impact=impact, recovery_note=recovery_note, previous_rag=previous_rag
        )
    if rag == Rag.BLUE and stage not in (UNCHANGED, "", Stage.COMPLETE) and "stage" not in errors:
        errors["stage"] = (
            f"Blue means completed and embedded: choose {action.area.plan.stage_label(Stage.COMPLETE)} as the stage, "
            "or another rating."
        )
    complete = rag == Rag.BLUE or stage == Stage.COMPLETE
    if complete:
        if completion_date is None:
            errors["completion_date"] = "Enter the date the action was completed."
        elif completion_date > timezone.localdate():
            errors["completion_date"] = "The completion date must be today or in the past."
    elif completion_date is not None and stage is not UNCHANGED:
        errors["completion_date"] = (
            f"Give a completion date only for a complete action: choose {action.area.plan.stage_label(Stage.COMPLETE)}"
            " as the stage, or leave the date blank."
        )
    for line in evidence.splitlines():
        line = line.strip()
        if line.lower().startswith(("http:", "https:", "www.")):
            try:
                _url(line if not line.lower().startswith("www.") else f"https://{line}")
            except ValidationError:
                errors["evidence"] = f"“{line}” is not a valid web address. Put one link or document name per line."
                break
    return errors


def _stale_progress_error(action: Action, expected_version: int, refused: StaleEditError) -> StaleEditError:
    """What others changed on the action and its updates since the user loaded version `expected_version`.

    An update is compared with the state it had when the user loaded the form, so a revised update lists only the
    fields revised since, not the ones the user had already seen."""
    changes = changes_since(action, expected_version)
    loaded = loaded_state(action, expected_version)
    records = ProgressUpdate.history.filter(action_id=action.pk).select_related("history_user__officer", "period")
    seen: dict[int, object] = {}  # update id -> its record as the user loaded it
    later = []
    for record in records.order_by("history_date", "history_id"):
        if loaded is not None and record.history_date <= loaded.history_date:
            seen[record.id] = record
        else:
            later.append(record)
    update_changes = field_changes(ProgressUpdate, later, ProgressUpdate.history_label, anchors=list(seen.values()))
    return StaleEditError(
        sorted(changes + update_changes, key=lambda c: c.when),
        saved_by=refused.saved_by,
        saved_at=refused.saved_at,
        current_version=refused.current_version,
    )


@transaction.atomic
def progress_update_submit(
    *,
    action: Action,
    period: ReportingPeriod,
    rag: str,
    progress: str,
    impact: str = "",
    recovery_note: str = "",
    completion_date: date | None = None,
    evidence: str = "",
    coproduction_level: str | None = None,
    coproduction_evidence: str | None = None,
    stage=UNCHANGED,
    percent_complete=UNCHANGED,
    imported_history: bool = False,
    by,
    expected_version: int,
    submitted_at: datetime | None = None,
    officer: Officer | None = None,
) -> ProgressUpdate:
    """Record (or revise) `action`'s update for `period` and make its rating the action's current RAG, and its
    stage, percentage complete and completion date the action's (`stage` and `percent_complete` left UNCHANGED keep
    the action's; a Blue rating makes the stage Complete).

    A draft for the period becomes the submitted update. Refuses with ValidationError when a progress rule fails
    and with StaleEditError when the action changed since `expected_version` (someone else updated it, or saved a
    draft of it). `submitted_at` and `officer` let imports and the demo loader record past updates as they happened.
    """
    errors = progress_update_errors(
        action=action,
        period=period,
        rag=rag,
        progress=progress,
        impact=impact,
        recovery_note=recovery_note,
        completion_date=completion_date,
        evidence=evidence,
        previous_rag=previous_rating(action=action, period=period),
        stage=stage,
        percent_complete=percent_complete,
        imported_history=imported_history,
    )
    if errors:
        raise ValidationError(errors)
    try:
        claim_version(action, expected_version=expected_version)
    except StaleEditError as refused:
        raise _stale_progress_error(action, expected_version, refused) from None

    when = submitted_at or timezone.now()
    update = ProgressUpdate.objects.filter(action=action, period=period).first()
    if update is None:
        update = ProgressUpdate(action=action, period=period)
    apply_submission(
        action=action,
        update=update,
        rag=rag,
        progress=progress,
        impact=impact,
        recovery_note=recovery_note,
        completion_date=completion_date,
        evidence=evidence,
        coproduction_level=coproduction_level,
        coproduction_evidence=coproduction_evidence,
        stage=stage,
        percent_complete=percent_complete,
        imported_history=imported_history,
    )
    _save_update(update, by=by, officer=officer, when=when)
    action.updated_at = when
    action._history_user = by
    action._history_date = when
    action.full_clean()
    action.save()
    return update


def apply_submission(
    *,
    action: Action,
    update: ProgressUpdate,
    rag: str,
    progress: str,
    impact: str,
    recovery_note: str,
    completion_date: date | None,
    evidence: str,
    coproduction_level: str | None,
    coproduction_evidence: str | None,
    stage,
    percent_complete,
    imported_history: bool,
) -> None:
    """Make `update` the period's submitted update and move `action` on with it (its rating, stage, percentage,
    completion and co-production), in memory: the callers save them, one by one or many at once."""
    stage_given = stage is not UNCHANGED
    # The update keeps the stage as reported ("" when none was: an imported legacy update), the action the stage it
    # now stands at: Blue is complete whatever was reported.
    reported_stage = stage if stage_given else None
    stage = action.stage if stage is UNCHANGED else stage
    if rag == Rag.BLUE:
        stage = Stage.COMPLETE
    percent_complete = action.percent_complete if percent_complete is UNCHANGED else percent_complete
    complete = stage == Stage.COMPLETE
    update.status = ProgressUpdate.Status.SUBMITTED
    update.rag = rag
    update.progress = progress.strip()
    update.impact = impact.strip()
    update.recovery_note = recovery_note.strip() if rag == Rag.RED else ""
    # A complete action keeps the date it was given (a caller that leaves a Complete stage unchanged keeps the
    # action's date); a stage given as anything else has none; a caller that gives no stage leaves the date alone.
    completed_on = action.completed_on
    if complete:
        completed_on = completion_date or action.completed_on
    elif stage_given:
        completed_on = None
    update.completion_date = completed_on if complete else None
    update.stage = "" if rag == Rag.BLUE and reported_stage == "" else stage
    update.percent_complete = percent_complete
    update.evidence = _evidence_lines(evidence)
    update.brought_in = imported_history
    # The co-production typed with a draft goes onto the action now (from the caller's arguments, as below).
    update.draft_coproduction_level = update.draft_coproduction_evidence = ""

    if rag:  # a narrative entry leaves the latest rating as it is
        action.current_rag = rag
    action.stage = stage
    action.percent_complete = percent_complete
    action.completed_on = completed_on
    if rag == Rag.BLUE:
        action.status = Action.Status.COMPLETED
    if coproduction_level is not None:
        action.coproduction_level = coproduction_level
    if coproduction_evidence is not None:
        action.coproduction_evidence = coproduction_evidence.strip()


def _evidence_lines(evidence: str) -> str:
    return "\n".join(line.strip() for line in evidence.splitlines() if line.strip())


def _save_update(update: ProgressUpdate, *, by, officer: Officer | None, when: datetime) -> None:
    update.submitted_by = by
    update.submitted_by_officer = officer or user_officer(by)
    update.submitted_at = when
    if update.pk is not None:
        update.version += 1
    update.updated_at = when
    update._history_user = by
    update._history_date = when
    update.full_clean()
    update.save()


@transaction.atomic
def progress_update_save_draft(
    *,
    action: Action,
    period: ReportingPeriod,
    rag: str = "",
    progress: str = "",
    impact: str = "",
    recovery_note: str = "",
    completion_date: date | None = None,
    evidence: str = "",
    coproduction_level: str | None = None,
    coproduction_evidence: str | None = None,
    stage=UNCHANGED,
    percent_complete=UNCHANGED,
    by,
    expected_version: int,
    submitted_at: datetime | None = None,
    officer: Officer | None = None,
) -> ProgressUpdate:
    """Save `action`'s update for `period` as a draft, as typed, to be submitted later with progress_update_submit.

    The action itself is left as it is (rating, status, completion, co-production): a draft counts nowhere until
    it is submitted. It takes the same lock as a submission, so a lead saving a draft cannot overwrite what another
    lead saved or submitted meanwhile (StaleEditError), and the next save from a form loaded before this one is
    refused. Refuses with ValidationError a period or action that takes no updates, and a period whose update is
    already submitted: a submitted update is revised by submitting again, never by going back to a draft.
    On a draft, `submitted_at` and `submitted_by` are when and by whom it was last saved.
    """
    errors = progress_update_draft_errors(
        action=action, period=period, rag=rag, stage=stage, percent_complete=percent_complete
    )
    if errors:
        raise ValidationError(errors)
    try:
        claim_version(action, expected_version=expected_version)
    except StaleEditError as refused:
        raise _stale_progress_error(action, expected_version, refused) from None
    update = ProgressUpdate.objects.filter(action=action, period=period).first()
    if update is not None and not update.is_draft:
        # Rolled back with the claim above by the transaction.
        raise ValidationError(
            {
                NON_FIELD_ERRORS: f"The update for {period.name} has already been submitted, so it cannot be saved "
                "as a draft. To change it, revise it and submit it again."
            }
        )
    if update is None:
        update = ProgressUpdate(action=action, period=period, status=ProgressUpdate.Status.DRAFT)
    when = submitted_at or timezone.now()
    # Kept as typed, even fields the chosen rating does not need: the lead may still change the rating.
    update.rag = rag
    update.progress = progress.strip()
    update.impact = impact.strip()
    update.recovery_note = recovery_note.strip()
    update.completion_date = completion_date
    update.stage = action.stage if stage is UNCHANGED else stage
    update.percent_complete = action.percent_complete if percent_complete is UNCHANGED else percent_complete
    update.evidence = _evidence_lines(evidence)
    update.draft_coproduction_level = action.coproduction_level if coproduction_level is None else coproduction_level
    update.draft_coproduction_evidence = (
        action.coproduction_evidence if coproduction_evidence is None else coproduction_evidence
    ).strip()
    _save_update(update, by=by, officer=officer, when=when)

    # The claimed version is saved with a history row of its own (no field changes), so a later stale edit finds
    # the version its form was loaded at and lists only what changed after it.
    action.updated_at = when
    action._history_user = by
    action._history_date = when
    action.save(update_fields=["version", "updated_at"])
    return update


class UpdatesRefused(Exception):
    """Some of several updates submitted together were refused, so none was saved: `refusals` maps each refused
    action's id to its ValidationError (a progress rule) or StaleEditError (someone else changed it meanwhile)."""

    def __init__(self, refusals: dict[int, ValidationError | StaleEditError]):
        self.refusals = refusals
        super().__init__(f"{len(refusals)} of the updates were refused; none was saved.")


# What a submission changes on an action, written for many actions at once.
SUBMITTED_ACTION_FIELDS = [
    "version",
    "updated_at",
    "current_rag",
    "stage",
    "percent_complete",
    "completed_on",
    "status",
    "coproduction_level",
    "coproduction_evidence",
]
SUBMITTED_UPDATE_FIELDS = [
    "version",
    "updated_at",
    "status",
    "rag",
    "progress",
    "impact",
    "recovery_note",
    "completion_date",
    "stage",
    "percent_complete",
    "evidence",
    "brought_in",
    "draft_coproduction_level",
    "draft_coproduction_evidence",
    "submitted_by",
    "submitted_by_officer",
    "submitted_at",
]


@transaction.atomic
def progress_updates_submit_together(*, period: ReportingPeriod, updates: list[dict], by) -> list[ProgressUpdate]:
    """Submit several actions' updates for `period` at once (a lead's round on one page): all of them, or none.

    Each of `updates` holds progress_update_submit's arguments for one action (`action`, `expected_version`, the
    rating, narrative, stage...). Each is held to the same progress rules and the same lock as one update alone, and
    changes its update and action as progress_update_submit would (`apply_submission`), with their history; but
    they are read, checked and written together, so the number of queries does not grow with the number of updates.
    Every update is checked, so that all the refusals can be shown together: if any is refused, nothing is saved,
    and UpdatesRefused says which were refused and why (ValidationError, or StaleEditError with who changed what).
    """
    actions = [fields["action"] for fields in updates]
    previous = previous_ratings(actions, period)
    refusals: dict[int, ValidationError | StaleEditError] = {}
    for fields in updates:
        action = fields["action"]
        errors = progress_update_errors(
            action=action,
            period=period,
            rag=fields["rag"],
            progress=fields.get("progress", ""),
            impact=fields.get("impact", ""),
            recovery_note=fields.get("recovery_note", ""),
            completion_date=fields.get("completion_date"),
            evidence=fields.get("evidence", ""),
            previous_rag=previous[action.pk],
            stage=fields.get("stage", UNCHANGED),
            percent_complete=fields.get("percent_complete", UNCHANGED),
        )
        if errors:
            refusals[action.pk] = ValidationError(errors)
    # The rows are locked until the transaction ends, so no one can save them between this check and the writes.
    versions = dict(
        Action.objects.select_for_update(of=("self",))
        .filter(pk__in=[a.pk for a in actions])
        .order_by()
        .values_list("pk", "version")
    )
    for fields in updates:
        action, expected = fields["action"], fields["expected_version"]
        if action.pk not in versions:
            refusals[action.pk] = ValidationError({NON_FIELD_ERRORS: f"Action {action.ref} no longer exists."})
        elif versions[action.pk] != expected:
            try:
                claim_version(action, expected_version=expected)  # refused: reads who changed what
            except StaleEditError as refused:
                refusals[action.pk] = _stale_progress_error(action, expected, refused)
    if refusals:
        raise UpdatesRefused(refusals)

    when = timezone.now()
    officer = user_officer(by)
    existing = {u.action_id: u for u in ProgressUpdate.objects.filter(action__in=actions, period=period)}
    created, revised = [], []
    for fields in updates:
        action = fields["action"]
        update = existing.get(action.pk)
        if update is None:
            update = ProgressUpdate(action=action, period=period)
            created.append(update)
        else:
            update.version += 1
            revised.append(update)
        apply_submission(
            action=action,
            update=update,
            rag=fields["rag"],
            progress=fields.get("progress", ""),
            impact=fields.get("impact", ""),
            recovery_note=fields.get("recovery_note", ""),
            completion_date=fields.get("completion_date"),
            evidence=fields.get("evidence", ""),
            coproduction_level=fields.get("coproduction_level"),
            coproduction_evidence=fields.get("coproduction_evidence"),
            stage=fields.get("stage", UNCHANGED),
            percent_complete=fields.get("percent_complete", UNCHANGED),
            imported_history=False,
        )
        update.submitted_by, update.submitted_by_officer = by, officer
        update.submitted_at = update.updated_at = when
        action.version = fields["expected_version"] + 1
        action.updated_at = when
    # The rules above hold every constraint of a submitted update and of the action (the database checks them again),
    # so the rows skip full_clean(), which would cost queries per row.
    history = {"default_user": by, "default_date": when}
    if created:
        bulk_create_with_history(created, ProgressUpdate, **history)
    if revised:
        bulk_update_with_history(revised, ProgressUpdate, SUBMITTED_UPDATE_FIELDS, **history)
    Action.objects.bulk_update(actions, SUBMITTED_ACTION_FIELDS)
    records = Action.history.bulk_history_create(actions, update=True, **history)
    _record_people_in_history(records)
    return [existing.get(a.pk) or next(u for u in created if u.action_id == a.pk) for a in actions]


def _record_people_in_history(records) -> None:
    """Give new history rows of actions their leads and accountable officers, as a save does (simple-history's bulk
    writes leave the many-to-many fields out), so "as at" reads find who led each action then."""
    by_action = {record.id: record.history_id for record in records}
    for name in ("leads", "accountable_officers"):
        through = Action._meta.get_field(name).remote_field.through
        historical = apps.get_model("actions", f"HistoricalAction_{name}")
        links = through.objects.filter(action_id__in=list(by_action)).values_list("id", "action_id", "officer_id")
        historical.objects.bulk_create(
            [
                historical(id=pk, action_id=action_id, officer_id=officer_id, history_id=by_action[action_id])
                for pk, action_id, officer_id in links
            ]
        )


@transaction.atomic
def record_save(*, instance, expected_version: int, by) -> None:
    """Save any user-edited record (admin, imports) with optimistic locking and history."""
    save_versioned(instance, expected_version=expected_version, by=by)


def area_close_errors(*, area: AreaOfWeakness, closed_on: date | None, reason: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if closed_on is None:
        errors["closed_on"] = "Enter the date the area was closed."
    elif closed_on > timezone.localdate():
        errors["closed_on"] = "The date the area was closed must be today or in the past."
    elif closed_on < area.plan.start_date:
        errors["closed_on"] = (
            f"The date the area was closed must be on or after the plan started ({area.plan.start_date:%-d %B %Y})."
        )
    if not reason.strip():
        errors["reason"] = "Say why the area is closed: what the board decided, and on what evidence."
    return errors


@transaction.atomic
def area_close(
    *, area: AreaOfWeakness, closed_on: date | None, reason: str, by, expected_version: int
) -> AreaOfWeakness:
    """Close an area of weakness (or correct its closing date and reason). From `closed_on` its actions are no
    longer monitored (Action.monitored_q): they keep their status, updates and history, so the plan's record and
    any report as at an earlier date are unchanged."""
    errors = area_close_errors(area=area, closed_on=closed_on, reason=reason)
    if errors:
        raise ValidationError(errors)
    area.closed_on = closed_on
    area.closed_reason = reason.strip()
    save_versioned(area, expected_version=expected_version, by=by)
    return area


@transaction.atomic
def area_reopen(*, area: AreaOfWeakness, by, expected_version: int) -> AreaOfWeakness:
    """Reopen a closed area: its open actions are monitored again. The closure stays in the area's history."""
    if area.closed_on is None:
        raise ValidationError({NON_FIELD_ERRORS: "This area is not closed."})
    area.closed_on = None
    area.closed_reason = ""
    save_versioned(area, expected_version=expected_version, by=by)
    return area


def _refs(actions: list[Action]) -> str:
    return ", ".join(a.ref for a in actions)


def due_before_start(actions: list[Action], start_date: date | None) -> list[Action]:
    """The actions whose deadline (Action.deadline) is before `start_date`: carried as they are, they would be
    overdue on the new plan's first day, so they need a new due date."""
    if start_date is None:
        return []
    return [a for a in actions if a.deadline is not None and a.deadline < start_date]


def _due_text(action: Action) -> str:
    """The action's deadline as its plan words it: "31 March 2026", or "March 2026 (31 March 2026)"."""
    deadline = action.deadline
    if action.revised_due_date or not action.due_label or action.due_label == deadline.isoformat():
        return f"{deadline:%-d %B %Y}"
    return f"{action.due_label} ({deadline:%-d %B %Y})"


def plan_roll_forward_errors(
    *,
    source: Plan,
    slug: str,
    start_date: date | None,
    areas: list[AreaOfWeakness],
    actions: list[Action],
    carried_due_date: date | None = None,
) -> dict[str, str]:
    """The roll-forward rules, as field -> message. Empty when the new plan may be created."""
    errors: dict[str, str] = {}
    if slug and Plan.objects.filter(slug=slug).exists():
        errors["slug"] = f"A plan with the web address “{slug}” already exists. Choose another."
    if start_date is None:
        errors["start_date"] = "Enter the date the new plan starts."
    if not areas:
        errors["areas"] = "Choose at least one area of weakness to carry into the new plan."
    elif foreign := [a.ref for a in areas if a.plan_id != source.pk]:
        errors["areas"] = f"Areas {', '.join(foreign)} are not in {source.title}."
    area_ids = {a.pk for a in areas}
    problems = []
    if not_open := [a for a in actions if a.status != Action.Status.OPEN]:
        problems.append(f"Only open actions can be carried forward; not open: {_refs(not_open)}.")
    if outside := [a for a in actions if a.area_id not in area_ids]:
        if len(outside) == 1:
            problems.append(f"Choose the area of action {outside[0].ref} too, or untick it.")
        else:
            problems.append(f"Choose the areas of actions {_refs(outside)} too, or untick them.")
    if problems:
        errors["actions"] = " ".join(problems)
    if overdue := due_before_start(actions, start_date):
        listed = "; ".join(f"{a.ref} due {_due_text(a)}" for a in overdue)
        if carried_due_date is None:
            errors["carried_due_date"] = (
                f"{len(overdue)} of the actions you chose {'was' if len(overdue) == 1 else 'were'} due before the new "
                f"plan starts ({listed}), so {'it' if len(overdue) == 1 else 'they'} would be overdue on its first "
                "day. Enter the new due date."
            )
        elif carried_due_date < start_date:
            errors["carried_due_date"] = (
                f"The new due date must be on or after the new plan starts ({start_date:%-d %B %Y})."
            )
    return errors


def _copy_links(field: models.ManyToManyField, copies: dict[int, models.Model]) -> None:
    """Give each copy the many-to-many links of its original (`copies`: original pk -> saved copy)."""
    through = field.remote_field.through
    own, other = field.m2m_column_name(), field.m2m_reverse_name()
    links = through.objects.filter(**{f"{own}__in": list(copies)}).values_list(own, other)
    through.objects.bulk_create([through(**{own: copies[pk].pk, other: target}) for pk, target in links])


def _bulk_copy(model: type[models.Model], copies: dict[int, models.Model], by) -> None:
    # The originals passed the same constraints inside the same plan, and the database checks them again on
    # insert, so the copies skip full_clean(), which would cost several queries per row.
    bulk_create_with_history(list(copies.values()), model, default_user=by)


@transaction.atomic
def plan_roll_forward(
    *,
    source: Plan,
    slug: str,
    title: str,
    plan_type: str,
    start_date: date | None,
    published: date | None = None,
    inspection_start: date | None = None,
    inspection_label: str = "",
    areas: list[AreaOfWeakness],
    actions: list[Action],
    carried_due_date: date | None = None,
    by,
) -> Plan:
    """Start a new plan that follows `source`, carrying the chosen areas and the chosen open actions into it.

    The new plan gets `source`'s local area, summary, advisers, accountable officers and RAG key, but no reporting
    periods. Each area is copied with its findings, outcomes and owners; each action into its area's copy, unrated,
    with `carried_from` set. An action due before the new plan starts gets `carried_due_date` as its revised due
    date, the reason naming its original due date (which stays as its due date and on the original), so it is not
    overdue on the new plan's first day. The original actions become "carried forward" (saved with `by` in their
    history).
    Refuses with ValidationError (keyed by field) when a rule fails, and with StaleEditError when an action changed
    since it was loaded.
    """
    actions = list({a.pk: a for a in actions}.values())
    plan = Plan(
        slug=slug,
        local_area=source.local_area,
        plan_type=plan_type,
        title=title,
        start_date=start_date,
        published=published,
        inspection_start=inspection_start,
        inspection_label=inspection_label,
        predecessor=source,
        summary=source.summary,
        advisers=source.advisers,
    )
    errors: dict = plan_roll_forward_errors(
        source=source,
        slug=slug,
        start_date=start_date,
        areas=areas,
        actions=actions,
        carried_due_date=carried_due_date,
    )
    try:
        plan.full_clean(exclude=list(errors))  # the rules' own wording wins for the fields they checked
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    plan._history_user = by
    plan.save()
    plan.accountable_officers.set(source.accountable_officers.all())
    _bulk_copy(
        RagDefinition,
        {
            d.pk: RagDefinition(plan=plan, code=d.code, label=d.label, definition=d.definition)
            for d in source.rag_key.all()
        },
        by,
    )

    area_copies = {
        area.pk: AreaOfWeakness(
            plan=plan,
            ref=area.ref,
            title=area.title,
            general_outcomes=area.general_outcomes,
            milestone=area.milestone,
            order=area.order,
            kind=area.kind,
        )
        for area in sorted(areas, key=lambda a: (a.order, a.ref))
    }
    # An area reported with another carried too stays in its block: the copy it names is inserted first.
    alongside = {area.pk: area.reported_with_id for area in areas if area.reported_with_id in area_copies}
    _bulk_copy(AreaOfWeakness, {pk: copy for pk, copy in area_copies.items() if pk not in alongside}, by)
    if alongside:
        for pk, lead in alongside.items():
            area_copies[pk].reported_with = area_copies[lead]
        _bulk_copy(AreaOfWeakness, {pk: area_copies[pk] for pk in alongside}, by)
    _copy_links(AreaOfWeakness._meta.get_field("owners"), area_copies)
    finding_copies = {
        f.pk: Finding(area=area_copies[f.area_id], ref=f.ref, text=f.text, order=f.order)
        for f in Finding.objects.filter(area__in=list(area_copies)).order_by("area__order", "order", "id")
    }
    _bulk_copy(Finding, finding_copies, by)
    outcome_copies = {
        o.pk: Outcome(
            area=area_copies[o.area_id],
            finding=finding_copies.get(o.finding_id),
            ref=o.ref,
            text=o.text,
            order=o.order,
        )
        for o in Outcome.objects.filter(area__in=list(area_copies)).order_by("area__order", "order", "id")
    }
    _bulk_copy(Outcome, outcome_copies, by)

    redated = {a.pk: _carried_due_reason(a, title, start_date) for a in due_before_start(actions, start_date)}
    action_copies = {
        a.pk: Action(
            area=area_copies[a.area_id],
            outcome=outcome_copies.get(a.outcome_id),
            ref=a.ref,
            text=a.text,
            due_date=a.due_date,
            due_label=a.due_label,
            revised_due_date=carried_due_date if a.pk in redated else a.revised_due_date,
            revised_due_reason=redated.get(a.pk, a.revised_due_reason),
            coproduction_level=a.coproduction_level,
            coproduction_evidence=a.coproduction_evidence,
            order=a.order,
            carried_from=a,
        )
        for a in sorted(actions, key=lambda a: (area_copies[a.area_id].order, a.order, a.ref))
    }
    _bulk_copy(Action, action_copies, by)
    _copy_links(Action._meta.get_field("leads"), action_copies)
    _copy_links(Action._meta.get_field("accountable_officers"), action_copies)
    _copy_links(Action._meta.get_field("partners"), action_copies)
    for action in actions:
        action.status = Action.Status.CARRIED_FORWARD
        save_versioned(action, expected_version=action.version, by=by)
    return plan


def _carried_due_reason(action: Action, title: str, start_date: date) -> str:
    reason = f"Carried forward into {title}, which starts on {start_date:%-d %B %Y}: it was due {_due_text(action)}"
    if action.revised_due_date:
        first = action.due_label or (f"{action.due_date:%-d %B %Y}" if action.due_date else "no date")
        reason += f", revised from {first}: {action.revised_due_reason.rstrip('.')}"
    return reason + "."


def _first_appearance(officer: Officer) -> date:
    """The earliest day a post is on the record: its own history, an update it gave, the start of a plan with an
    action it leads (as migration 0009 dated the first holders)."""
    days = [timezone.localdate(when) for when in officer.history.values_list("history_date", flat=True)]
    days += [
        timezone.localdate(when)
        for when in ProgressUpdate.objects.filter(submitted_by_officer=officer).values_list("submitted_at", flat=True)
    ]
    days += [day for day in officer.led_actions.values_list("area__plan__start_date", flat=True) if day]
    return min(days, default=timezone.localdate())


def current_holder(officer: Officer) -> PostHolder:
    """The post's holder now, recording the person the post names as its first holder if none was recorded (a post
    made before post holders, by the admin or a test)."""
    holder = officer.holders.order_by("-started_on").first()
    if holder is None:
        holder = PostHolder(
            officer=officer,
            person_name=officer.person_name,
            email=officer.email,
            user=officer.user,
            started_on=_first_appearance(officer),
        )
        holder.full_clean()
        holder.save()
    return holder


def post_hand_over_errors(
    *, officer: Officer, person_name: str, email: str, started_on: date | None, user=None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not person_name.strip():
        errors["person_name"] = "Enter the name of the person who now holds the post."
    if email:
        try:
            EmailValidator()(email)
        except ValidationError:
            errors["email"] = "Enter an email address in the correct format, like name@example.org."
    if started_on is None:
        errors["started_on"] = "Enter the date the new person took over the post."
    elif started_on > timezone.localdate():
        errors["started_on"] = "The date the new person took over must be today or in the past."
    else:
        latest = officer.holders.order_by("-started_on").first()
        if latest is not None and started_on <= latest.started_on:
            errors["started_on"] = (
                f"The date must be after {latest.started_on:%-d %B %Y}, when "
                f"{latest.person_name or 'the current holder'} took over the post."
            )
    if user is not None and Officer.objects.filter(user=user).exclude(pk=officer.pk).exists():
        errors["user"] = "That account is already linked to another post."
    return errors


@transaction.atomic
def post_hand_over(
    *, officer: Officer, person_name: str, email: str = "", started_on: date, user=None, by, expected_version: int
) -> PostHolder:
    """Record that `person_name` holds `officer`'s post from `started_on`. The post, its actions and everything
    it did stay as they are: past updates, comments, history and reports go on naming the person who held the post
    then; emails and sign-in go to the new holder (the post's name, email and user from now). Without `user`, the
    previous holder's account is unlinked: they no longer act for this post. Refuses a stale edit (StaleEditError)."""
    current_holder(officer)  # the person handing over, recorded if the post had no holders yet
    errors = post_hand_over_errors(
        officer=officer, person_name=person_name, email=email, started_on=started_on, user=user
    )
    if errors:
        raise ValidationError(errors)  # rolls back the holder recorded above with the transaction
    holder = PostHolder(
        officer=officer, person_name=person_name.strip(), email=email.strip(), user=user, started_on=started_on
    )
    holder.full_clean()
    holder._history_user = by
    holder.save()
    officer.person_name, officer.email, officer.user = holder.person_name, holder.email, user
    officer._change_reason = f"Handed over to {holder.person_name} from {started_on:%-d %B %Y}"
    save_versioned(officer, expected_version=expected_version, by=by)
    return holder


@transaction.atomic
def post_holder_record(
    *, officer: Officer, person_name: str, email: str, started_on: date, by, user=None
) -> PostHolder:
    """Record (or restate) who held `officer`'s post from `started_on`, as a workbook lists it: the holder that
    started that day is updated in place, else one is added. The post's own name stays as the workbook names it
    elsewhere (its current holder). For imports; people hand posts over with post_hand_over."""
    holder = PostHolder.objects.filter(officer=officer, started_on=started_on).first()
    if holder is None:
        holder = PostHolder(officer=officer, started_on=started_on, user=user)
    elif (holder.person_name, holder.email) == (person_name, email):
        return holder
    else:
        holder.version += 1
    holder.person_name, holder.email = person_name, email
    holder.updated_at = timezone.now()
    holder._history_user = by
    holder.full_clean()
    holder.save()
    return holder


@transaction.atomic
def officer_correct_name(
    *, officer: Officer, person_name: str, by, expected_version: int, holder: PostHolder | None = None
) -> PostHolder:
    """Correct the spelling of a holder's name (default: the current holder) in place: it is the same person, so
    every update, report and history row that names them shows the corrected name. Not a handover (post_hand_over):
    the change is recorded in history as a correction."""
    if not person_name.strip():
        raise ValidationError({"person_name": "Enter the name as it should be spelt."})
    current = current_holder(officer)
    holder = holder or current
    if holder.officer_id != officer.pk:
        raise ValidationError({"person_name": "That person did not hold this post."})
    # The post's version guards the holders too: a correction and a handover cannot cross unseen.
    claim_version(officer, expected_version=expected_version)
    was = holder.person_name
    holder.person_name = person_name.strip()
    holder.version += 1
    holder.updated_at = timezone.now()
    holder._history_user = by
    holder._change_reason = f"Name corrected from {was}"[:100]
    holder.full_clean()
    holder.save()
    if holder.pk == current.pk:
        officer.person_name = holder.person_name
    officer.updated_at = timezone.now()
    officer._history_user = by
    officer._change_reason = f"Name corrected from {was}"[:100]
    officer.full_clean()
    officer.save()
    return holder


# The domain apps whose records a programme manager maintains in the admin.
PROGRAMME_MANAGER_APPS = ["actions", "kpis", "risks", "boards", "governance", "reports", "evidence"]


@transaction.atomic
def role_groups_sync() -> dict[Role, Group]:
    """Create a group per role; programme managers get every admin permission on plans, people and periods."""
    groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
    groups[Role.PROGRAMME_MANAGER].permissions.set(
        Permission.objects.filter(content_type__app_label__in=PROGRAMME_MANAGER_APPS)
    )
    return groups
