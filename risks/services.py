"""Every write to the risk register: recording and editing risks, reviews, the plan's band thresholds."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.locking import save_versioned
from actions.models import Action, ReportingPeriod
from actions.permissions import user_officer
from risks.models import DEFAULT_BANDS, Risk, RiskBands, RiskReview


def bands_for(plan) -> RiskBands:
    try:
        return plan.risk_bands
    except RiskBands.DoesNotExist:
        return DEFAULT_BANDS


@transaction.atomic
def risk_save(*, risk: Risk, actions: list[Action] | None = None, by, expected_version: int, at=None) -> Risk:
    """Record a new risk or save changes to one. A new risk's current position starts at its inherent one, and
    its first review falls due after its review frequency."""
    if risk.pk is None:
        if risk.current_likelihood is None and risk.inherent_likelihood is not None:
            risk.current_likelihood, risk.current_impact = risk.inherent_likelihood, risk.inherent_impact
        if risk.next_review is None:
            risk.next_review = (at or timezone.now()).date() + timedelta(days=risk.review_every_days)
    if risk.status == Risk.Status.OPEN:
        risk.closed_reason = ""
    if actions is not None:
        foreign = [a.ref for a in actions if a.area.plan_id != risk.plan_id]
        if foreign:
            raise ValidationError({"actions": f"Actions {', '.join(foreign)} belong to another plan."})
    if at is not None:
        risk._history_date = at
    save_versioned(risk, expected_version=expected_version, by=by)
    if actions is not None:
        risk.actions.set(actions)
    return risk


def review_errors(*, risk: Risk, likelihood: int | None, impact: int | None, note: str) -> dict[str, str]:
    errors = {}
    scored = risk.current_likelihood is not None or risk.inherent_likelihood is not None
    for name, value in (("likelihood", likelihood), ("impact", impact)):
        if value is None and scored:
            errors[name] = f"Score the {name} from 1 (very low) to 5 (very high)."
        elif value is not None and not 1 <= value <= 5:
            errors[name] = f"The {name} is scored from 1 to 5."
    if not note.strip():
        errors["note"] = "Say what the review found: what changed, and why the scores are what they are."
    if risk.status == Risk.Status.CLOSED:
        errors["note"] = "This risk is closed; reopen it before reviewing it."
    return errors


@transaction.atomic
def risk_review_record(
    *,
    risk: Risk,
    reviewed_on: date,
    likelihood: int | None,
    impact: int | None,
    note: str,
    by,
    expected_version: int,
    period: ReportingPeriod | None = None,
    officer=None,
    at: datetime | None = None,
) -> RiskReview:
    """Record a review: its scores become the risk's current position and the next review falls due after the
    risk's review frequency."""
    errors = review_errors(risk=risk, likelihood=likelihood, impact=impact, note=note)
    if errors:
        raise ValidationError(errors)
    when = at or timezone.now()
    review = RiskReview(
        risk=risk,
        reviewed_on=reviewed_on,
        period=period,
        likelihood=likelihood,
        impact=impact,
        note=note.strip(),
        reviewed_by=by,
        reviewed_by_officer=officer or user_officer(by),
        updated_at=when,
    )
    review._history_user, review._history_date = by, when
    review.full_clean()
    review.save()
    if likelihood is not None:
        risk.current_likelihood, risk.current_impact = likelihood, impact
    risk.next_review = reviewed_on + timedelta(days=risk.review_every_days)
    risk._history_date = when
    save_versioned(risk, expected_version=expected_version, by=by)
    return review
