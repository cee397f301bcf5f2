"""Every write to KPIs, milestones and measurements (views, admin, the demo loader and imports call these)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.locking import save_versioned
from actions.models import Rag
from actions.permissions import user_officer
from kpis.models import Kpi, Measurement, Milestone
from kpis.rules import DEFAULT_HORIZONS, is_passed, months_after, on_trajectory, suggest_rag


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
        set_by=by,
        updated_at=when,
    )
    milestone._history_user, milestone._history_date = by, when
    milestone.full_clean()
    milestone.save()
    return milestone


@dataclass(frozen=True)
class Judgement:
    """What a milestone's suggested RAG was worked out from: `value`, the date it describes (`on`), and the level it
    was held against (`level`). `basis` says which value it was: "at due date" (the last real value on or before the
    milestone's due date), "baseline" (none yet by then: the baseline), or "latest" (the milestone ahead: the latest
    value against the straight line to its target, where the KPI should stand on that date)."""

    value: Decimal
    on: date | None
    level: Decimal
    basis: str


def milestone_judgements(
    kpi: Kpi, milestones: list[Milestone], measurements: list[Measurement]
) -> dict[int, Judgement]:
    """A Judgement per milestone the numbers can judge, by milestone id.

    A passed milestone is judged on the last real value up to its due date against its target. The milestone
    ahead is judged on the latest value against the straight line from the previous target (or the baseline)
    to its own: is the KPI on track to reach it? Milestones further ahead, and projected values, are not judged.
    """
    real = [m for m in measurements if m.status != Measurement.Status.PROJECTED and m.value is not None]
    latest = real[-1] if real else None
    anchor_date, anchor_value = kpi.baseline_date or kpi.plan.start_date, kpi.baseline_value
    judged, ahead_done = {}, False
    for milestone in milestones:
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


@transaction.atomic
def kpi_refresh_suggestions(*, kpi: Kpi, by, at: datetime | None = None) -> list[Milestone]:
    """Recompute each numeric milestone's suggested RAG. A RAG that followed the suggestion follows the new one;
    an overridden RAG (one with a reason) stays as the person set it."""
    if not kpi.is_numeric:
        return []
    measurements = list(kpi.measurements.order_by("period_date"))
    milestones = list(kpi.milestones.order_by("due_date", "months"))
    judged = milestone_judgements(kpi, milestones, measurements)
    changed = []
    for milestone in milestones:
        judgement = judged.get(milestone.pk)
        value, level = (judgement.value, judgement.level) if judgement else (None, None)
        suggestion = suggest_rag(
            value=value,
            target=level,
            higher_is_better=kpi.polarity == Kpi.Polarity.HIGHER,
            tolerance=kpi.tolerance,
        )
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


@transaction.atomic
def measurement_record(
    *,
    kpi: Kpi,
    period_date: date,
    value: Decimal | None,
    value_text: str = "",
    note: str = "",
    status: str = Measurement.Status.ACTUAL,
    by,
    at: datetime | None = None,
) -> Measurement:
    """Record a new value for a period. A period that already has one is restated with measurement_restate."""
    if kpi.is_numeric and value is None:
        raise ValidationError({"value": "Enter the value as a number."})
    if not kpi.is_numeric and not value_text.strip():
        raise ValidationError({"value_text": "Describe where this KPI stands."})
    if Measurement.objects.filter(kpi=kpi, period_date=period_date).exists():
        raise ValidationError(
            {"period_date": f"There is already a value for {period_date:%-d %B %Y}. Restate that value instead."}
        )
    when = at or timezone.now()
    measurement = Measurement(
        kpi=kpi,
        period_date=period_date,
        value=value,
        value_text=value_text.strip(),
        note=note.strip(),
        status=status,
        recorded_by=by,
        recorded_at=when,
        updated_at=when,
    )
    measurement._history_user, measurement._history_date = by, when
    measurement.full_clean()
    measurement.save()
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
    by,
    expected_version: int,
) -> Measurement:
    """Correct a recorded value. The previous value stays in the measurement's history."""
    if measurement.kpi.is_numeric and value is None:
        raise ValidationError({"value": "Enter the value as a number."})
    measurement.value = value
    measurement.value_text = value_text.strip()
    measurement.note = note.strip()
    measurement.status = status
    measurement.recorded_by = by
    measurement.recorded_at = timezone.now()
    save_versioned(measurement, expected_version=expected_version, by=by)
    kpi_refresh_suggestions(kpi=measurement.kpi, by=by)
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
