"""The API's tables: each a list of flat rows (one dict per record, ids for joins), read as the data stood at a
moment from the history tables (actions.as_at), as the board's dashboard and the termly report read it.

"Now" is a moment too (the default), so one reading serves both and a past `as_at` answers exactly what was
recorded then. Drafts are never read: progress updates and ratings come from submitted updates only
(RatingsAsAt, and the history rows' status). Every table costs the same few queries whatever the plan's size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from actions.as_at import RatingsAsAt, leads_as_at, rows_as_at
from actions.models import Action, AreaOfWeakness, Officer, Plan, ProgressUpdate, ReportingPeriod
from kpis.models import Kpi, Measurement, Milestone
from risks.models import DEFAULT_BANDS, Risk, RiskBands, RiskReview


@dataclass(frozen=True)
class Reading:
    """What a request asks for: the moment, and the plan and period it is narrowed to (None: every one)."""

    when: datetime
    plan_id: int | None = None
    period_id: int | None = None

    @property
    def plan_filter(self) -> dict:
        return {"plan_id": self.plan_id} if self.plan_id else {}


def _number(value: Decimal | None) -> float | None:
    """Decimals as JSON numbers, which Power BI reads as numbers (a Decimal would be a string)."""
    return None if value is None else float(value)


def _periods(reading: Reading) -> list[ReportingPeriod]:
    return sorted(rows_as_at(ReportingPeriod, reading.when, **reading.plan_filter), key=lambda p: (p.plan_id, p.start))


def plan_rows(reading: Reading) -> list[dict]:
    filters = {"id": reading.plan_id} if reading.plan_id else {}
    return [
        {
            "id": plan.pk,
            "slug": plan.slug,
            "local_area": plan.local_area,
            "plan_type": plan.plan_type,
            "plan_type_label": plan.get_plan_type_display(),
            "title": plan.title,
            "start_date": plan.start_date,
            "published": plan.published,
            "inspection_label": plan.inspection_label,
            "predecessor_id": plan.predecessor_id,
            "publishes_ratings": plan.publishes_ratings,
            "board_name": plan.board_name,
        }
        for plan in rows_as_at(Plan, reading.when, **filters)
    ]


def period_rows(reading: Reading) -> list[dict]:
    return [
        {
            "id": period.pk,
            "plan_id": period.plan_id,
            "name": period.name,
            "start": period.start,
            "end": period.end,
            "update_deadline": period.update_deadline,
            "status": period.status,
        }
        for period in _periods(reading)
        if not reading.period_id or period.pk == reading.period_id
    ]


def area_rows(reading: Reading) -> list[dict]:
    return [
        {
            "id": area.pk,
            "plan_id": area.plan_id,
            "ref": area.ref,
            "kind": area.kind,
            "label": area.label,
            "title": area.title,
            "order": area.order,
            "reported_with_id": area.reported_with_id,
            "closed_on": area.closed_on,
            "closed_reason": area.closed_reason,
        }
        for area in rows_as_at(AreaOfWeakness, reading.when, **reading.plan_filter)
    ]


@dataclass
class _Actions:
    """The actions as they stood, with each one's plan (through its area) and the plans themselves."""

    actions: list[Action]
    plan_of: dict[int, int]  # action id -> plan id
    plans: dict[int, Plan]


def _actions(reading: Reading) -> _Actions:
    areas = {area.pk: area.plan_id for area in rows_as_at(AreaOfWeakness, reading.when, **reading.plan_filter)}
    filters = {"area_id__in": list(areas)} if reading.plan_id else {}
    actions = [action for action in rows_as_at(Action, reading.when, **filters) if action.area_id in areas]
    plan_filter = {"id": reading.plan_id} if reading.plan_id else {}
    plans = {plan.pk: plan for plan in rows_as_at(Plan, reading.when, **plan_filter)}
    return _Actions(actions=actions, plan_of={a.pk: areas[a.area_id] for a in actions}, plans=plans)


def action_rows(reading: Reading) -> list[dict]:
    """Each action with its current rating, stage and percentage complete as they stood, and its leads then. With
    a period, `period_rag` is its rating as at that period (its latest rating in that period or before)."""
    read = _actions(reading)
    leads = leads_as_at(read.actions)
    officer_ids = {officer for ids in leads.values() for officer in ids}
    officers = {o.pk: o for o in rows_as_at(Officer, reading.when, id__in=list(officer_ids))} if officer_ids else {}
    period = None
    period_rag: dict[int, str] = {}
    if reading.period_id:
        periods = _periods(reading)
        period = next((p for p in periods if p.pk == reading.period_id), None)
        ratings = RatingsAsAt(reading.when, periods, [a.pk for a in read.actions], words=False)
        period_rag = {a.pk: ratings.rag_upto(a.pk, period) for a in read.actions}
    rows = []
    for action in read.actions:
        plan = read.plans.get(read.plan_of[action.pk])
        rows.append(
            {
                "id": action.pk,
                "plan_id": read.plan_of[action.pk],
                "area_id": action.area_id,
                "outcome_id": action.outcome_id,
                "ref": action.ref,
                "text": action.text,
                "leads": "; ".join(str(officers[pk]) for pk in leads[action.pk] if pk in officers),
                "status": action.status,
                "due_date": action.due_date,
                "due_label": action.due_label,
                "revised_due_date": action.revised_due_date,
                "completed_on": action.completed_on,
                "current_rag": action.current_rag,
                "stage": action.stage,
                "stage_label": plan.stage_label(action.stage) if plan else action.stage,
                "percent_complete": action.percent_complete,
                "order": action.order,
                "carried_from_id": action.carried_from_id,
                "period_id": period.pk if period else None,
                "period_rag": period_rag.get(action.pk, "") if period else None,
            }
        )
    return rows


def action_rating_rows(reading: Reading) -> list[dict]:
    """One row per action and reporting period whose round had opened by the moment: the action's rating as at the
    period (its latest rating in it or before, "" if none) and whether it was updated in that period."""
    read = _actions(reading)
    periods = _periods(reading)
    on = timezone.localdate(reading.when)
    opened: dict[int, list[ReportingPeriod]] = defaultdict(list)
    for period in periods:
        begun = period.status != ReportingPeriod.Status.PLANNED and period.start <= on
        if begun and (not reading.period_id or period.pk == reading.period_id):
            opened[period.plan_id].append(period)
    ratings = RatingsAsAt(reading.when, periods, [a.pk for a in read.actions], words=False)
    return [
        {
            "action_id": action.pk,
            "period_id": period.pk,
            "plan_id": read.plan_of[action.pk],
            "rag": ratings.rag_upto(action.pk, period),
            "updated_in_period": ratings.updated_in(action.pk, period),
        }
        for action in read.actions
        for period in opened[read.plan_of[action.pk]]
    ]


def progress_update_rows(reading: Reading) -> list[dict]:
    """Submitted progress updates as they stood (a draft is nobody's update, now or then)."""
    periods = {p.pk: p for p in _periods(reading)}
    if reading.period_id:
        periods = {pk: p for pk, p in periods.items() if pk == reading.period_id}
    updates = rows_as_at(
        ProgressUpdate, reading.when, status=ProgressUpdate.Status.SUBMITTED, period_id__in=list(periods)
    )
    return [
        {
            "id": update.pk,
            "action_id": update.action_id,
            "period_id": update.period_id,
            "plan_id": periods[update.period_id].plan_id,
            "rag": update.rag,
            "stage": update.stage,
            "percent_complete": update.percent_complete,
            "progress": update.progress,
            "impact": update.impact,
            "recovery_note": update.recovery_note,
            "completion_date": update.completion_date,
            "brought_in": update.brought_in,
            "submitted_at": update.submitted_at,
        }
        for update in updates
    ]


def _kpis(reading: Reading) -> dict[int, Kpi]:
    return {kpi.pk: kpi for kpi in rows_as_at(Kpi, reading.when, **reading.plan_filter)}


def _period(reading: Reading) -> ReportingPeriod | None:
    if not reading.period_id:
        return None
    return next((p for p in _periods(reading) if p.pk == reading.period_id), None)


def kpi_rows(reading: Reading) -> list[dict]:
    return [
        {
            "id": kpi.pk,
            "plan_id": kpi.plan_id,
            "area_id": kpi.area_id,
            "ref": kpi.ref,
            "measure": kpi.measure,
            "category": kpi.category,
            "unit": kpi.unit,
            "polarity": kpi.polarity,
            "baseline_value": _number(kpi.baseline_value),
            "baseline_text": kpi.baseline_text,
            "baseline_date": kpi.baseline_date,
            "data_source": kpi.data_source,
            "owner_id": kpi.owner_id,
            "comparator_label": kpi.comparator_label,
            "comparator_value": _number(kpi.comparator_value),
        }
        for kpi in _kpis(reading).values()
    ]


def milestone_rows(reading: Reading) -> list[dict]:
    """KPI milestones as they stood; with a period, those due within it."""
    kpis = _kpis(reading)
    period = _period(reading)
    milestones = rows_as_at(Milestone, reading.when, kpi_id__in=list(kpis))
    return [
        {
            "id": milestone.pk,
            "kpi_id": milestone.kpi_id,
            "plan_id": kpis[milestone.kpi_id].plan_id,
            "months": milestone.months,
            "due_date": milestone.due_date,
            "target_text": milestone.target_text,
            "target_value": _number(milestone.target_value),
            "target_benchmark": milestone.target_benchmark,
            "suggested_rag": milestone.suggested_rag,
            "rag": milestone.rag,
            "commentary": milestone.commentary,
        }
        for milestone in milestones
        if period is None or period.start <= milestone.due_date <= period.end
    ]


def measurement_rows(reading: Reading) -> list[dict]:
    """KPI values as they stood, restated ones kept with `is_current` false; with a period, those it covers."""
    kpis = _kpis(reading)
    period = _period(reading)
    values = rows_as_at(Measurement, reading.when, kpi_id__in=list(kpis))
    return [
        {
            "id": value.pk,
            "kpi_id": value.kpi_id,
            "plan_id": kpis[value.kpi_id].plan_id,
            "period_date": value.period_date,
            "period_label": value.period,
            "value": _number(value.value),
            "value_text": value.value_text,
            "status": value.status,
            "england_value": _number(value.england_value),
            "neighbours_value": _number(value.neighbours_value),
            "region_value": _number(value.region_value),
            "is_current": value.restated_at is None,
            "recorded_at": value.recorded_at,
        }
        for value in values
        if period is None or period.start <= value.period_date <= period.end
    ]


def _risks(reading: Reading) -> list[Risk]:
    return rows_as_at(Risk, reading.when, **reading.plan_filter)


def risk_rows(reading: Reading) -> list[dict]:
    """Risks with their scores (likelihood x impact) and band by the plan's thresholds, as they stood."""
    bands = {b.plan_id: b for b in rows_as_at(RiskBands, reading.when, **reading.plan_filter)}
    return [
        {
            "id": risk.pk,
            "plan_id": risk.plan_id,
            "area_id": risk.area_id,
            "ref": risk.ref,
            "risk": risk.risk,
            "owner_id": risk.owner_id,
            "severity": risk.severity,
            "inherent_likelihood": risk.inherent_likelihood,
            "inherent_impact": risk.inherent_impact,
            "inherent_score": risk.inherent_score,
            "current_likelihood": risk.current_likelihood,
            "current_impact": risk.current_impact,
            "current_score": risk.current_score,
            "target_likelihood": risk.target_likelihood,
            "target_impact": risk.target_impact,
            "target_score": risk.target_score,
            "band": risk.band(bands.get(risk.plan_id, DEFAULT_BANDS)),
            "mitigation": risk.mitigation,
            "status": risk.status,
            "next_review": risk.next_review,
        }
        for risk in _risks(reading)
    ]


def risk_review_rows(reading: Reading) -> list[dict]:
    """Risk reviews as they stood; with a period, those recorded for it."""
    risks = {risk.pk: risk.plan_id for risk in _risks(reading)}
    filters = {"period_id": reading.period_id} if reading.period_id else {}
    reviews = rows_as_at(RiskReview, reading.when, risk_id__in=list(risks), **filters)
    return [
        {
            "id": review.pk,
            "risk_id": review.risk_id,
            "plan_id": risks[review.risk_id],
            "reviewed_on": review.reviewed_on,
            "period_id": review.period_id,
            "likelihood": review.likelihood,
            "impact": review.impact,
            "score": review.score,
            "note": review.note,
        }
        for review in reviews
    ]
