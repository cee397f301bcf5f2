"""Every write to KPIs, milestones and measurements (views, admin, the demo loader and imports call these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from actions.locking import StaleEditError, save_versioned, user_label
from actions.models import Rag
from actions.permissions import user_officer
from kpis.models import Kpi, Measurement, Milestone
from kpis.rules import (
    DEFAULT_HORIZONS,
    is_passed,
    months_after,
    on_trajectory,
    suggest_rag,
    suggest_rag_by_direction,
)


@transaction.atomic
def kpi_create(
    *,
    kpi: Kpi,
    by,
    milestones: list[tuple[int, str, Decimal | None]] | None = None,
    at: datetime | None = None,
) -> Kpi:
    """Save a new KPI with its milestones: (months, target text, target value) each; by default (None) empty
    ones at 3, 6 and 12 months from the plan start, for the owner to fill in; [] for none."""
    when = at or timezone.now()
    kpi.updated_at = when
    kpi._history_user, kpi._history_date = by, when
    kpi.full_clean()
    kpi.save()
    if milestones is None:
        milestones = [(months, "", None) for months in DEFAULT_HORIZONS]
    for months, target_text, target_value in milestones:
        milestone_add(kpi=kpi, months=months, target_text=target_text, target_value=target_value, by=by, at=when)
    return kpi


def milestone_add(
    *,
    kpi: Kpi,
    months: int,
    by,
    target_text: str = "",
    target_value: Decimal | None = None,
    target_benchmark: str = "",
    target_direction: bool = False,
    due_date: date | None = None,
    at: datetime | None = None,
) -> Milestone:
    """Add a milestone (an 18- or 24-month one, say); its due date counts from the plan start unless given."""
    when = at or timezone.now()
    milestone = Milestone(
        kpi=kpi,
        months=months,
        due_date=due_date or months_after(kpi.plan.start_date, months),
        target_text=target_text,
        target_value=target_value,
        target_benchmark=target_benchmark.strip(),
        target_direction=target_direction,
        set_by=by,
        updated_at=when,
    )
    milestone._history_user, milestone._history_date = by, when
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_set_target(
    *,
    milestone: Milestone,
    target_text: str,
    target_value: Decimal | None,
    target_benchmark: str = "",
    target_direction: bool = False,
    by,
    expected_version: int,
    at: datetime | None = None,
) -> Milestone:
    """Set a milestone's target as published: words, a number, a benchmark label ("national average 2023/24", with
    or without its figure), or only a direction. The suggestions follow the new target."""
    milestone.target_text = target_text.strip()
    milestone.target_value = target_value
    milestone.target_benchmark = target_benchmark.strip()
    milestone.target_direction = target_direction
    milestone._history_date = at or timezone.now()  # not a date left on the instance by the save that created it
    save_versioned(milestone, expected_version=expected_version, by=by)
    kpi_refresh_suggestions(kpi=milestone.kpi, by=by, at=at)
    return milestone


@dataclass(frozen=True)
class Judgement:
    """What a milestone's suggested RAG was worked out from: `value`, the date it describes (`on`), and the level it
    was held against (`level`). `basis` says which value it was: "at due date" (the last real value on or before the
    milestone's due date), "baseline" (none yet by then: the baseline), "latest" (the milestone ahead: the latest
    value against the straight line to its target, where the KPI should stand on that date), or "direction" (a
    target that is only a direction: the value against the one before it, of date `level_on`, or the baseline)."""

    value: Decimal
    on: date | None
    level: Decimal
    basis: str
    level_on: date | None = None


def milestone_judgements(
    kpi: Kpi, milestones: list[Milestone], measurements: list[Measurement]
) -> dict[int, Judgement]:
    """A Judgement per milestone the numbers can judge, by milestone id.

    A passed milestone is judged on the last real value up to its due date against its target. The milestone
    ahead is judged on the latest value against the straight line from the previous target (or the baseline)
    to its own: is the KPI on track to reach it? Milestones further ahead, projected values and restated values
    are not judged. A milestone whose target is a direction is judged on the same value against the value before
    it (or the baseline): did it move the right way?
    """
    real = [
        m
        for m in measurements
        if m.status != Measurement.Status.PROJECTED and m.value is not None and m.restated_at is None
    ]
    latest = real[-1] if real else None
    anchor_date, anchor_value = kpi.baseline_date or kpi.plan.start_date, kpi.baseline_value
    judged, ahead_done = {}, False
    for milestone in milestones:
        if milestone.target_direction:
            if is_passed(milestone.due_date, latest.period_date if latest else None):
                values = [m for m in real if m.period_date <= milestone.due_date]
            elif latest is not None and not ahead_done:
                ahead_done, values = True, real
            else:
                continue
            if judgement := _direction_judgement(kpi, values):
                judged[milestone.pk] = judgement
            continue
        if milestone.target_value is None:
            continue
        if is_passed(milestone.due_date, latest.period_date if latest else None):
            at_due = [m for m in real if m.period_date <= milestone.due_date]
            if at_due:
                judged[milestone.pk] = Judgement(
                    at_due[-1].value, at_due[-1].period_date, milestone.target_value, "at due date"
                )
            elif kpi.baseline_value is not None and kpi.baseline_date and (kpi.baseline_date <= milestone.due_date):
                # No value yet by the due date: where it stood is the baseline.
                judged[milestone.pk] = Judgement(
                    kpi.baseline_value, kpi.baseline_date, milestone.target_value, "baseline"
                )
        elif latest is not None and not ahead_done:
            ahead_done = True
            if anchor_value is not None:
                level = on_trajectory(
                    start=anchor_date,
                    start_value=anchor_value,
                    due=milestone.due_date,
                    target=milestone.target_value,
                    on=latest.period_date,
                )
                judged[milestone.pk] = Judgement(latest.value, latest.period_date, level, "latest")
        anchor_date, anchor_value = milestone.due_date, milestone.target_value
    return judged


def _direction_judgement(kpi: Kpi, values: list[Measurement]) -> Judgement | None:
    """The last of `values` against the one before it, or against the baseline when it is the first."""
    if not values:
        return None
    last = values[-1]
    if len(values) > 1:
        return Judgement(last.value, last.period_date, values[-2].value, "direction", values[-2].period_date)
    if kpi.baseline_value is not None and (kpi.baseline_date is None or kpi.baseline_date < last.period_date):
        return Judgement(last.value, last.period_date, kpi.baseline_value, "direction", kpi.baseline_date)
    return None


def judgement_rag(kpi: Kpi, judgement: Judgement | None) -> str:
    """The RAG the numbers suggest for a judgement ('' for none): against a level, or by direction of travel."""
    higher = kpi.polarity == Kpi.Polarity.HIGHER
    if judgement is None:
        return ""
    if judgement.basis == "direction":
        return suggest_rag_by_direction(
            previous=judgement.level, latest=judgement.value, higher_is_better=higher, tolerance=kpi.tolerance
        )
    return suggest_rag(value=judgement.value, target=judgement.level, higher_is_better=higher, tolerance=kpi.tolerance)


@transaction.atomic
def kpi_refresh_suggestions(*, kpi: Kpi, by, at: datetime | None = None) -> list[Milestone]:
    """Recompute each numeric milestone's suggested RAG. A RAG that followed the suggestion follows the new one;
    an overridden RAG (one with a reason) stays as the person set it."""
    if not kpi.is_numeric:
        return []
    measurements = list(kpi.measurements.current().order_by("period_date", "recorded_at", "id"))
    milestones = list(kpi.milestones.order_by("due_date", "months"))
    judged = milestone_judgements(kpi, milestones, measurements)
    changed = []
    for milestone in milestones:
        suggestion = judgement_rag(kpi, judged.get(milestone.pk))
        if suggestion == milestone.suggested_rag:
            continue
        followed = not milestone.override_reason
        milestone.suggested_rag = suggestion
        if followed:
            milestone.rag = suggestion
        elif milestone.rag == suggestion:
            milestone.override_reason = ""  # the numbers have caught up with the person's judgement
        if at is not None:
            milestone._history_date = at
        save_versioned(milestone, expected_version=milestone.version, by=by)
        changed.append(milestone)
    return changed


def current_measurement(kpi: Kpi, period_date: date, period_label: str = "") -> Measurement | None:
    """The value a period stands at now (None if it has none): a new value for it restates this one."""
    return kpi.measurements.current().filter(period_date=period_date, period_label=period_label.strip()).first()


@transaction.atomic
def measurement_record(
    *,
    kpi: Kpi,
    period_date: date,
    value: Decimal | None,
    value_text: str = "",
    note: str = "",
    status: str = Measurement.Status.ACTUAL,
    period_label: str = "",
    comparators: dict[str, Decimal | None] | None = None,
    by,
    at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> Measurement:
    """Record a value for a period: "2024", "Q4 2024" (`period_label`) ending on `period_date`. A period that
    already has a value is restated: both are kept, the new one is current (measurement_restate).
    `comparators` holds England, statistical neighbours and region values by field name (Measurement.COMPARATORS).
    `at` dates the change in history (the demo's past); `recorded_at`, when the value was published or recorded
    if not now (a workbook's "recorded on"), dates the value, and the restatement, only."""
    _check_value_given(kpi, value, value_text)
    existing = current_measurement(kpi, period_date, period_label)
    if existing is not None:
        # A comparator not given again stays: England's figure for the period does not change with ours.
        given = comparators or {}
        comparators = {
            name: given[name] if given.get(name) is not None else getattr(existing, name)
            for name, _label in Measurement.COMPARATORS
        }
        return measurement_restate(
            measurement=existing,
            value=value,
            value_text=value_text,
            note=note,
            status=status,
            comparators=comparators,
            by=by,
            expected_version=existing.version,
            at=at,
            recorded_at=recorded_at,
        )
    when = at or timezone.now()
    measurement = _new_measurement(
        kpi=kpi,
        period_date=period_date,
        period_label=period_label.strip(),
        value=value,
        value_text=value_text,
        note=note,
        status=status,
        comparators=comparators,
        by=by,
        when=when,
        recorded_at=recorded_at or when,
    )
    kpi_refresh_suggestions(kpi=kpi, by=by, at=at)
    return measurement


@transaction.atomic
def measurement_restate(
    *,
    measurement: Measurement,
    value: Decimal | None,
    value_text: str,
    note: str,
    status: str,
    comparators: dict[str, Decimal | None] | None = None,
    by,
    expected_version: int,
    at: datetime | None = None,
    recorded_at: datetime | None = None,
) -> Measurement:
    """Restate a period's value: a new current row, and `measurement` kept beside it, marked restated.

    A new number (or words) or status is a restatement. When only the note or the comparators change (the England
    figure came out later, say), the row is corrected in place: the earlier note stays in its history.
    Returns the period's current value."""
    _check_value_given(measurement.kpi, value, value_text)
    if measurement.restated_at is not None:
        raise ValidationError(
            f"The value for {measurement.period} was already restated on {measurement.restated_at:%-d %B %Y}. "
            "Restate the current value instead."
        )
    kpi = measurement.kpi
    when = at or timezone.now()
    if comparators is None:  # not given: the period's comparators stay as they were
        comparators = {name: getattr(measurement, name) for name, _label in Measurement.COMPARATORS}
    if (value, value_text.strip(), status) == (measurement.value, measurement.value_text, measurement.status):
        measurement.note = note.strip()
        _set_comparators(measurement, comparators)
        measurement._history_date = when  # not a date left on the instance by the save that created it
        save_versioned(measurement, expected_version=expected_version, by=by)
        return measurement
    measurement.restated_at = recorded_at or when
    measurement._history_date = when
    save_versioned(measurement, expected_version=expected_version, by=by)
    restated = _new_measurement(
        kpi=kpi,
        period_date=measurement.period_date,
        period_label=measurement.period_label,
        value=value,
        value_text=value_text,
        note=note,
        status=status,
        comparators=comparators,
        by=by,
        when=when,
        recorded_at=recorded_at or when,
    )
    kpi_refresh_suggestions(kpi=kpi, by=by, at=at)
    return restated


def _check_value_given(kpi: Kpi, value: Decimal | None, value_text: str) -> None:
    if kpi.is_numeric and value is None:
        raise ValidationError({"value": "Enter the value as a number."})
    if not kpi.is_numeric and not value_text.strip():
        raise ValidationError({"value_text": "Describe where this KPI stands."})


def _set_comparators(measurement: Measurement, comparators: dict[str, Decimal | None] | None) -> None:
    if comparators is None:
        return
    for name, _label in Measurement.COMPARATORS:
        setattr(measurement, name, (comparators or {}).get(name))


def _new_measurement(
    *, kpi, period_date, period_label, value, value_text, note, status, comparators, by, when, recorded_at
):
    measurement = Measurement(
        kpi=kpi,
        period_date=period_date,
        period_label=period_label,
        value=value,
        value_text=value_text.strip(),
        note=note.strip(),
        status=status,
        recorded_by=by,
        recorded_at=recorded_at,
        updated_at=when,
    )
    _set_comparators(measurement, comparators)
    measurement._history_user, measurement._history_date = by, when
    try:
        measurement.full_clean()
        with transaction.atomic():
            measurement.save()
    except (ValidationError, IntegrityError):
        # Someone recorded a value for the same period since measurement_record looked for one (the validation, or
        # the database's one-current-value index, refused ours). Theirs stands and ours is not saved over it
        # unseen: the person is told who got there first, and submitting again restates theirs, both kept.
        theirs = current_measurement(kpi, period_date, period_label)
        if theirs is None:
            raise
        raise StaleEditError(
            [], saved_by=user_label(theirs.recorded_by) if theirs.recorded_by else None, saved_at=theirs.updated_at
        ) from None
    return measurement


def milestone_assessment_errors(*, milestone: Milestone, rag: str, override_reason: str) -> dict[str, str]:
    errors = {}
    if rag and rag not in Rag.values:
        errors["rag"] = "Select a RAG rating."
    if milestone.suggested_rag and rag and rag != milestone.suggested_rag and not override_reason.strip():
        suggested = Rag(milestone.suggested_rag).label
        errors["override_reason"] = (
            f"The numbers suggest {suggested}. Give the reason for rating it {Rag(rag).label} instead."
        )
    return errors


@transaction.atomic
def milestone_assess(
    *, milestone: Milestone, rag: str, override_reason: str, commentary: str, by, expected_version: int
) -> Milestone:
    """A person's RAG (overriding the suggestion only with a reason) and the owner's commentary."""
    errors = milestone_assessment_errors(milestone=milestone, rag=rag, override_reason=override_reason)
    if errors:
        raise ValidationError(errors)
    milestone.rag = rag
    milestone.override_reason = override_reason.strip() if rag != milestone.suggested_rag else ""
    if commentary.strip() != milestone.commentary:
        milestone.commentary = commentary.strip()
        milestone.commentary_by = user_officer(by)
        milestone.commentary_at = timezone.now()
    milestone.set_by = by
    save_versioned(milestone, expected_version=expected_version, by=by)
    return milestone
