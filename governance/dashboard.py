"""The board chair's dashboard: one plan's position, now or exactly as it stood at any past moment.

Everything is read from the history tables (actions.as_at.rows_as_at), so "now" and "as at 1 March" are the
same code path: a handful of queries, each returning every row the page needs, whatever the plan's size. Two things
have no history and are read as they are now: who leads each action (a many-to-many) and the plan's RAG key.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from actions.as_at import RatingsAsAt, rows_as_at
from actions.models import RAG_ORDER, Action, AreaOfWeakness, Officer, Plan, ProgressUpdate, Rag, ReportingPeriod
from actions.selectors import rag_counts
from governance.charts import StackedBars, rag_stacked_bars
from governance.models import Challenge
from governance.selectors import RatingFlag, Tally, milestone_rating, unsupported_ratings
from kpis.models import Kpi, Milestone
from risks.selectors import HeatMap, heat_map

# Worst to best, for movement: Red (major concerns) is worse than White (not started).
RAG_RANK = {Rag.RED: 0, Rag.WHITE: 1, Rag.AMBER: 2, Rag.GREEN: 3, Rag.BLUE: 4}
# How far ahead the dashboard looks for KPI milestones falling due.
MILESTONE_LOOKAHEAD = timedelta(days=92)
COPRODUCED = {Action.Coproduction.COPRODUCED, Action.Coproduction.INVOLVED}


@dataclass
class AreaSummary:
    area: AreaOfWeakness
    counts: list[tuple[str, str, int]]  # (code, label, n) in key order, then "not rated"
    total: int
    coproduced: int  # co-produced or involved
    consulted: int  # consulted or informed
    coproduction_unknown: int

    @property
    def coproduced_percent(self) -> int:
        return round(100 * self.coproduced / self.total) if self.total else 0


@dataclass
class Move:
    action: Action
    before: str
    after: str


@dataclass
class Red:
    action: Action
    update: ProgressUpdate


@dataclass
class MilestoneLine:
    kpi: Kpi
    milestone: Milestone

    @property
    def rating(self) -> str:
        return milestone_rating(self.milestone)


@dataclass
class Dashboard:
    plan: Plan
    as_at: datetime
    is_now: bool
    period: ReportingPeriod | None
    previous: ReportingPeriod | None
    areas: list[AreaSummary]
    totals: list[tuple[str, str, int]]
    action_count: int
    improved: list[Move] = field(default_factory=list)
    worsened: list[Move] = field(default_factory=list)
    unchanged: list[Move] = field(default_factory=list)
    newly_rated: list[Move] = field(default_factory=list)
    overdue: list[Action] = field(default_factory=list)
    reds: list[Red] = field(default_factory=list)
    milestones_missed: list[MilestoneLine] = field(default_factory=list)
    milestones_due: list[MilestoneLine] = field(default_factory=list)
    heat: HeatMap | None = None
    top_risks: list = field(default_factory=list)
    round: Tally | None = None
    open_challenges: list[Challenge] = field(default_factory=list)
    resolved_challenges: int = 0
    flags: list[RatingFlag] = field(default_factory=list)
    leads: dict[int, list[Officer]] = field(default_factory=dict)
    chart: StackedBars | None = None


def _current_periods(periods: list[ReportingPeriod], on: date):
    """The round open at the moment (or failing that the latest begun), and the one before it."""
    begun = [p for p in periods if p.status != ReportingPeriod.Status.PLANNED and p.start <= on]
    current = next((p for p in begun if p.status == ReportingPeriod.Status.OPEN), None) or (
        begun[-1] if begun else None
    )
    if current is None:
        return None, None
    earlier = [p for p in begun if p.start < current.start]
    return current, (earlier[-1] if earlier else None)


def plan_dashboard(
    plan: Plan, *, as_at: datetime | None = None, area: AreaOfWeakness | None = None, organisation=None
) -> Dashboard:
    is_now = as_at is None
    when = as_at or timezone.now()
    on = timezone.localdate(when)

    areas = sorted(rows_as_at(AreaOfWeakness, when, plan_id=plan.pk), key=lambda a: (a.order, a.ref))
    if area is not None:
        areas = [a for a in areas if a.pk == area.pk]
    area_ids = [a.pk for a in areas]
    actions = sorted(rows_as_at(Action, when, area_id__in=area_ids), key=lambda a: (a.order, a.ref))
    leads = _leads(plan)
    if organisation is not None:
        actions = [a for a in actions if any(o.organisation_id == organisation.pk for o in leads[a.pk])]
    action_ids = {a.pk for a in actions}

    periods = sorted(rows_as_at(ReportingPeriod, when, plan_id=plan.pk), key=lambda p: p.start)
    period, previous = _current_periods(periods, on)
    # Every action's rating, but the words (recovery notes) only of those rated Red: read apart, below.
    ratings = RatingsAsAt(when, periods, action_ids, words=False)
    current_rating = {a.pk: ratings.rag_upto(a.pk, period) for a in actions}
    by_area: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_area[action.area_id].append(action)
    ratings_by_area = {each.pk: Counter(current_rating[a.pk] for a in by_area[each.pk]) for each in areas}
    totals: Counter = sum(ratings_by_area.values(), Counter())
    # Columns: the plan's key, plus any code still in use that the key has since dropped (as on the plan page).
    key = [line.code for line in plan.rag_key.all()] or [code.value for code in RAG_ORDER]
    codes = key + [code for code in totals if code and code not in key]
    summaries = []
    for each in areas:
        levels = Counter(a.coproduction_level for a in by_area[each.pk])
        summaries.append(
            AreaSummary(
                area=each,
                counts=rag_counts(ratings_by_area[each.pk], codes),
                total=len(by_area[each.pk]),
                coproduced=sum(levels[level] for level in COPRODUCED),
                consulted=levels[Action.Coproduction.CONSULTED] + levels[Action.Coproduction.INFORMED],
                coproduction_unknown=levels[""],
            )
        )
    dashboard = Dashboard(
        plan=plan,
        as_at=when,
        is_now=is_now,
        period=period,
        previous=previous,
        areas=summaries,
        totals=rag_counts(totals, codes),
        action_count=len(actions),
        leads=leads,
        chart=rag_stacked_bars([(f"Area {s.area.ref}", str(s.area), s.counts) for s in summaries]),
    )

    red_actions = []
    for action in actions:
        after, before = current_rating[action.pk], ratings.rag_upto(action.pk, previous)
        if not after:
            continue
        move = Move(action=action, before=before, after=after)
        if not move.before:
            dashboard.newly_rated.append(move)
        elif RAG_RANK[move.after] > RAG_RANK[move.before]:
            dashboard.improved.append(move)
        elif RAG_RANK[move.after] < RAG_RANK[move.before]:
            dashboard.worsened.append(move)
        else:
            dashboard.unchanged.append(move)
        if after == Rag.RED:
            red_actions.append(action)
    red_updates = ratings.upto_each([action.pk for action in red_actions], period)
    dashboard.reds = [Red(action=action, update=red_updates[action.pk]) for action in red_actions]
    dashboard.overdue = sorted(
        (a for a in actions if a.status == Action.Status.OPEN and (a.effective_due_date or on) < on),
        key=lambda a: a.effective_due_date,
    )
    if period is not None and period.status == ReportingPeriod.Status.OPEN:
        dashboard.round = _round_tally(period, actions, ratings)

    red_by_area = _add_kpis(dashboard, plan, when, on, area)
    rated = ((a, current_rating[a.pk]) for a in actions if current_rating[a.pk])
    flags = unsupported_ratings(rated, red_by_area)
    dashboard.flags = sorted(flags, key=lambda flag: (flag.action.area_id, flag.action.order, flag.action.ref))
    _add_risks(dashboard, plan, when, area)
    _add_challenges(dashboard, when, {a.pk: a for a in actions})
    return dashboard


def _leads(plan: Plan) -> dict[int, list[Officer]]:
    """Who leads each of the plan's actions now. One query; each officer is built once, not once per action."""
    names = [field.attname for field in Officer._meta.concrete_fields]
    links = Action.leads.through.objects.filter(action__area__plan=plan)
    leads: dict[int, list[Officer]] = defaultdict(list)
    officers: dict[int, Officer] = {}
    pk = names.index(Officer._meta.pk.attname)
    for action_id, *values in links.values_list("action_id", *(f"officer__{name}" for name in names)):
        officer = officers.get(values[pk])
        if officer is None:
            officer = officers[values[pk]] = Officer.from_db(links.db, names, values)
        leads[action_id].append(officer)
    return leads


def _round_tally(period, actions, ratings: RatingsAsAt) -> Tally:
    """As governance.selectors.round_page counts it: open actions, and any updated in the round."""
    tally = Tally(label=period.name)
    for action in actions:
        updated = ratings.updated_in(action.pk, period)
        if action.status == Action.Status.OPEN or updated:
            tally.add(action, updated)
    return tally


def _add_kpis(dashboard: Dashboard, plan, when, on, area) -> dict[int, list[Milestone]]:
    """Milestones missed and due; returns the Red milestones by area, for the flags."""
    kpis = {k.pk: k for k in rows_as_at(Kpi, when, plan_id=plan.pk)}
    if area is not None:
        # Filtered to one area, plan-wide KPIs (no area) drop out too.
        kpis = {pk: k for pk, k in kpis.items() if k.area_id == area.pk}
    milestones = sorted(rows_as_at(Milestone, when, kpi_id__in=list(kpis)), key=lambda m: (m.due_date, m.months))
    red_by_area: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in milestones:
        line = MilestoneLine(kpi=kpis[milestone.kpi_id], milestone=milestone)
        if milestone.due_date <= on and line.rating == Rag.RED:
            dashboard.milestones_missed.append(line)
        elif on < milestone.due_date <= on + MILESTONE_LOOKAHEAD:
            dashboard.milestones_due.append(line)
        if line.rating == Rag.RED and line.kpi.area_id:
            red_by_area[line.kpi.area_id].append(milestone)
    return red_by_area


def _add_risks(dashboard: Dashboard, plan, when, area) -> None:
    heat = heat_map(plan, area=area, as_at=None if dashboard.is_now else when)
    dashboard.heat = heat
    scored = [row for row in heat.register.rows if row.risk.current_score]
    dashboard.top_risks = sorted(scored, key=lambda row: -row.risk.current_score)[:5]


def _add_challenges(dashboard: Dashboard, when, actions: dict[int, Action]) -> None:
    records = rows_as_at(Challenge, when, action_id__in=list(actions))
    officers = Officer.objects.in_bulk({c.raised_by_officer_id for c in records if c.raised_by_officer_id})
    for challenge in records:
        if challenge.status == Challenge.Status.OPEN:
            challenge.action_at = actions.get(challenge.action_id)
            challenge.raiser = officers.get(challenge.raised_by_officer_id)
            dashboard.open_challenges.append(challenge)
        else:
            dashboard.resolved_challenges += 1
    dashboard.open_challenges.sort(key=lambda c: c.raised_at)
