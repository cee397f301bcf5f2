"""The risk part of a demo plan file (the `risk_bands` and `risks` keys, see fixtures/demo/SCHEMA.md)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from actions.demo import DemoPlanContext
from actions.locking import save_versioned
from actions.models import Action
from risks.models import Risk, RiskBands
from risks.services import risk_review_record, risk_save


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(14, 0)))


def load_plan_risks(context: DemoPlanContext) -> list[Risk]:
    plan = context.plan
    if "risk_bands" in context.data:
        bands = RiskBands(plan=plan, **context.data["risk_bands"])
        save_versioned(bands, expected_version=1, by=None)
    actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
    periods = {p.name: p for p in plan.periods.all()}
    period_by_key = {spec["key"]: periods[spec["name"]] for spec in context.data["periods"]}
    risks = []
    for spec in context.data.get("risks", []):
        owner = context.officers[spec["owner"]]
        inherent = spec.get("inherent") or [None, None]
        target = spec.get("target") or [None, None]
        risk = risk_save(
            risk=Risk(
                plan=plan,
                area=context.areas.get(spec.get("area") or ""),
                ref=spec["ref"],
                risk=spec["risk"],
                cause=spec.get("cause", ""),
                consequence=spec.get("consequence", ""),
                owner=owner,
                severity=spec.get("severity", ""),
                inherent_likelihood=inherent[0],
                inherent_impact=inherent[1],
                target_likelihood=target[0],
                target_impact=target[1],
                mitigation=spec.get("mitigation", ""),
                progress=spec.get("progress", ""),
                review_every_days=spec.get("review_every_days", 30),
            ),
            actions=[actions[ref] for ref in spec.get("actions", [])],
            by=owner.user,
            expected_version=1,
            at=context.created,
        )
        for review in sorted(spec.get("reviews", []), key=lambda r: r["date"]):
            reviewed_on = date.fromisoformat(review["date"])
            by = context.officers[review.get("by") or spec["owner"]]
            risk_review_record(
                risk=risk,
                reviewed_on=reviewed_on,
                likelihood=review.get("likelihood"),
                impact=review.get("impact"),
                note=review.get("note", "Reviewed."),
                by=by.user,
                officer=by,
                expected_version=risk.version,
                period=period_by_key.get(review.get("period") or ""),
                at=_at(reviewed_on),
            )
        if spec.get("status") == Risk.Status.CLOSED:
            risk.status = Risk.Status.CLOSED
            risk.closed_reason = spec["closed_reason"]
            last = max((date.fromisoformat(r["date"]) for r in spec.get("reviews", [])), default=None)
            risk_save(risk=risk, by=owner.user, expected_version=risk.version, at=_at(last) if last else None)
        risks.append(risk)
    return risks
