"""The board chair's dashboard: one plan's position, now or exactly as it stood at any past moment.

Everything is read from the history tables (actions.as_at.rows_as_at), so "now" and "as at 1 March" are the
same code path: a handful of queries, each returning every row the page needs, whatever the plan's size. The areas,
actions, periods, RAG key, ratings, movement and counts per area come from actions.snapshot.plan_snapshot, the same
reading the termly report makes, so a board paper and the published report show the same figures for the same
moment. Who leads each action is read as it is now (the names beside Red and overdue actions, and the
organisation filter).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from actions.as_at import rows_as_at
from actions.models import Action, AreaKind, AreaOfWeakness, Officer, Plan, ProgressUpdate, Rag, ReportingPeriod
from actions.snapshot import Delivery, Move, PlanSnapshot, plan_snapshot
from actions.tiers import Tier, is_tiered, tiers_of
from governance.charts import StackedBars, rag_stacked_bars
from governance.models import Challenge
from governance.selectors import RatingFlag, Tally, milestone_rating, unsupported_ratings
from kpis.models import Kpi, Milestone
from risks.selectors import HeatMap, heat_map
from sendplan.page_cache import cached_html
from sendplan.timezones import end_of_day

# How far ahead the dashboard looks for KPI milestones falling due.
MILESTONE_LOOKAHEAD = timedelta(days=92)
COPRODUCED = {Action.Coproduction.COPRODUCED, Action.Coproduction.INVOLVED}


@dataclass
class AreaSummary:
    area: AreaOfWeakness  # as it stood: closed_on and closed_reason say when and why it was closed
    closed: bool  # closed on or before the moment
    counts: list[tuple[str, str, int]]  # (code, label, n) in key order, then "not rated"
    total: int
    coproduced: int  # co-produced or involved
    consulted: int  # consulted or informed
    coproduction_unknown: int
    delivery: Delivery | None = None  # stage and percentage complete, as they stood
    reported_with: AreaOfWeakness | None = None  # the area whose block this one is shown in (actions.tiers)

    @property
    def coproduced_percent(self) -> int:
        return round(100 * self.coproduced / self.total) if self.total else 0


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
    period: ReportingPeriod | None = None
    previous: ReportingPeriod | None = None
    areas: list[AreaSummary] = field(default_factory=list)
    totals: list[tuple[str, str, int]] = field(default_factory=list)
    action_count: int = 0
    started: bool = True  # False for a moment before the plan's start date: there is nothing to show
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
    delivery: Delivery | None = None  # every area's actions together
    tiers: list[Tier[AreaSummary]] = field(default_factory=list)  # the areas in tiers and blocks, as they stood

    @property
    def tiered(self) -> bool:
        return is_tiered(self.tiers)

    @property
    def area_word(self) -> str:
        """The headings' word: "area of weakness" while every area is one (as before tiers), else "area"."""
        return "area of weakness" if all(tier.kind == AreaKind.WEAKNESS for tier in self.tiers) else "area"


def plan_dashboard(
    plan: Plan, *, as_at: datetime | None = None, area: AreaOfWeakness | None = None, organisation=None
) -> Dashboard:
    is_now = as_at is None
    when = as_at or timezone.now()
    on = timezone.localdate(when)
    if on < plan.start_date:
        return Dashboard(plan=plan, as_at=when, is_now=is_now, started=False)

    leads = _leads(plan)
    keep = None
    if organisation is not None:

        def keep(action):
            return any(o.organisation_id == organisation.pk for o in leads[action.pk])

    # Every action's rating, but the words (recovery notes) only of those rated Red: read apart, below.
    snapshot = plan_snapshot(plan, as_at=when, area=area, keep=keep, words=False)
    period, actions = snapshot.period, snapshot.actions
    summaries = []
    for each in snapshot.areas:
        levels = Counter(a.coproduction_level for a in each.actions)
        summaries.append(
            AreaSummary(
                area=each.area,
                closed=each.closed,
                counts=each.counts,
                total=each.total,
                coproduced=sum(levels[level] for level in COPRODUCED),
                consulted=levels[Action.Coproduction.CONSULTED] + levels[Action.Coproduction.INFORMED],
                coproduction_unknown=levels[""],
                delivery=each.delivery,
            )
        )
    dashboard = Dashboard(
        plan=plan,
        as_at=when,
        is_now=is_now,
        period=period,
        previous=snapshot.previous,
        areas=summaries,
        totals=snapshot.totals,
        action_count=snapshot.action_count,
        improved=snapshot.improved,
        worsened=snapshot.worsened,
        unchanged=snapshot.unchanged,
        newly_rated=snapshot.newly_rated,
        leads=leads,
        delivery=snapshot.delivery,
        chart=rag_stacked_bars([(s.area.short_label, str(s.area), s.counts) for s in summaries]),
        tiers=tiers_of(summaries, lambda summary: summary.area),
    )
    # Each area's own figures stay on its own row, shown inside the block of the area it is reported with.
    for tier in dashboard.tiers:
        for block in tier.blocks:
            for summary in block.alongside:
                summary.reported_with = block.lead.area

    red_actions = [action for action in actions if snapshot.rating[action.pk] == Rag.RED]
    red_updates = snapshot.ratings.upto_each([action.pk for action in red_actions], period)
    dashboard.reds = [Red(action=action, update=red_updates[action.pk]) for action in red_actions]
    # An action whose area had closed is no longer chased: not overdue, not awaited in the round; a recurring
    # action is never overdue as a whole.
    dashboard.overdue = sorted((a for a in actions if snapshot.overdue(a)), key=lambda a: a.deadline)
    if period is not None and period.status == ReportingPeriod.Status.OPEN:
        dashboard.round = _round_tally(period, snapshot)

    red_by_area = _add_kpis(dashboard, plan, when, on, area)
    rated = ((a, snapshot.rating[a.pk]) for a in actions if snapshot.rating[a.pk])
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


def _round_tally(period, snapshot: PlanSnapshot) -> Tally:
    """As governance.selectors.round_page counts it: open actions still monitored, and any updated in the round."""
    tally = Tally(label=period.name)
    for action in snapshot.actions:
        updated = snapshot.ratings.updated_in(action.pk, period)
        if (action.status == Action.Status.OPEN and snapshot.monitored(action)) or updated:
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


def dashboard_body(plan: Plan, *, as_at: date | None = None, area=None, organisation=None) -> SafeString:
    """The board dashboard below its filters: the same for every reader, so cached until plan data changes
    (sendplan.page_cache); a board's members open it again and again between updates, and after each update a
    worker builds the plan's unfiltered dashboard before anyone asks (governance.tasks.warm_dashboards). Today's
    date is part of the key: "overdue" and "due in the next three months" move with it."""

    def render_body() -> str:
        board = plan_dashboard(plan, as_at=end_of_day(as_at) if as_at else None, area=area, organisation=organisation)
        return render_to_string("governance/_dashboard_body.html", {"plan": plan, "board": board})

    vary_on = (plan.pk, as_at, area and area.pk, organisation and organisation.pk, timezone.localdate())
    return cached_html("dashboard", vary_on, render_body)


def dashboard_filters(plan: Plan, form, query: str) -> SafeString:
    """The dashboard's filter form for `query` (the request's query string): its choices are plan data too, so it
    is cached like the body, and built ahead with it for the unfiltered dashboard."""
    vary_on = (plan.pk, query, timezone.localdate())
    return cached_html(
        "dashboard-filters", vary_on, lambda: render_to_string("governance/_dashboard_filters.html", {"form": form})
    )
