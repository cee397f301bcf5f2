"""What a termly report says, assembled from history exactly as the plan stood at one moment.

Every table is read through actions.as_at.rows_as_at (one query per table, whatever the plan's size), so the same
report rebuilt a year later says the same thing, however the data has moved on since. The areas, actions, periods,
RAG key, ratings, movement and counts per area come from actions.snapshot.plan_snapshot, the reading the board's
dashboard makes too, so the report and a board paper for the same moment show the same figures. The HTML page and
the PDF render this one object with the same templates.

What families must not see never enters it: challenges, internal notes and evidence links, e-mail addresses, draft
updates, comments not marked publishable, and the names of officers who are not to be named (their post instead).
An action's partner organisations have no history and are read as they are now; who leads it is read from the
action's history (for history older than lead tracking, as it is now).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from actions.as_at import leads_as_at, rows_as_at
from actions.models import (
    Action,
    AreaKind,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    ProgressUpdate,
    RagDefinition,
    ReportingPeriod,
    holder_name_on,
)
from actions.snapshot import Delivery, PlanSnapshot, plan_snapshot
from actions.tiers import Tier, is_tiered, tiers_of
from governance.charts import StackedBars, rag_stacked_bars
from governance.models import CoproductionComment
from governance.selectors import milestone_rating
from kpis.charts import TrendChart, trend_chart
from kpis.models import Kpi, Measurement, Milestone
from kpis.selectors import with_restatements
from planfields.selectors import OwnValue, own_fields_as_at
from reports.glossary import acronyms_used
from risks.models import Risk
from risks.selectors import HeatMap, Register, RiskRow, heat_map_of
from risks.selectors import register as risk_register
from sendplan.timezones import end_of_day

ORGANISATION_ORDER = ["council", "icb", "nhs_trust", "pcf", "school", "other"]


@dataclass
class ActionLine:
    action: Action
    leads: list[str]
    update: ProgressUpdate | None
    rag_label: str
    rated_in: str = ""  # the earlier period the rating comes from, when there was no update this term
    # The rating as at the term (the snapshot's): a narrative-only entry this term leaves the earlier one.
    rag: str = ""
    # The plan's own fields marked public (as they stood), in the plan's order: only those the action holds.
    own_fields: list[OwnValue] = field(default_factory=list)


@dataclass
class OutcomeGroup:
    outcome: Outcome | None
    lines: list[ActionLine]
    finding_ref: str = ""  # the finding the outcome answers: "finding 1.1" ("finding 2" where findings have no ref)

    @property
    def name(self) -> str:
        """The outcome with its finding ("finding 1.1, outcome a"): outcome refs restart with each finding."""
        own = f"outcome {self.outcome.ref}" if self.outcome and self.outcome.ref else ""
        return ", ".join(part for part in (self.finding_ref, own) if part)


@dataclass
class KpiLine:
    kpi: Kpi
    milestones: list[tuple[Milestone, bool, str]]  # (milestone, due by the end of the term, its rating)
    measurements: list[Measurement]
    chart: TrendChart | None

    @property
    def latest(self) -> Measurement | None:
        return self.measurements[-1] if self.measurements else None

    @property
    def text_targets(self) -> bool:
        """Whether a milestone's target is words ("In place and reviewed by the board"): its table gives the
        target column the room (report-print.css)."""
        return any(milestone.target_text for milestone, _, _ in self.milestones)


@dataclass
class AreaSection:
    area: AreaOfWeakness
    findings: list[Finding]
    groups: list[OutcomeGroup]
    counts: list[tuple[str, str, int]]
    kpis: list[KpiLine]
    heat: HeatMap | None
    closed: bool = False  # closed on or before the moment (area.closed_on and closed_reason say when and why)
    delivery: Delivery | None = None  # the stage and percentage complete of its actions, as they stood
    own_fields: list[OwnValue] = field(default_factory=list)  # the area's public own fields, as they stood

    @property
    def anchor(self) -> str:
        return f"area-{self.area.pk}"

    @property
    def action_count(self) -> int:
        return sum(len(group.lines) for group in self.groups)


@dataclass
class Movement:
    line: ActionLine
    before: str
    before_label: str


@dataclass
class YouSaidWeDid:
    action: Action
    said: str
    did: str


@dataclass
class ReportContent:
    plan: Plan
    period: ReportingPeriod
    previous: ReportingPeriod | None
    as_at: datetime
    partners: list[str]
    rag_key: list[RagDefinition]
    chart: StackedBars
    totals: list[tuple[str, str, int]]
    area_counts: list[tuple[AreaOfWeakness, list[tuple[str, str, int]], int]]
    areas: list[AreaSection]
    plan_kpis: list[KpiLine] = field(default_factory=list)
    plan_heat: HeatMap | None = None
    improved: list[Movement] = field(default_factory=list)
    worsened: list[Movement] = field(default_factory=list)
    unchanged: int = 0
    newly_rated: int = 0
    you_said: list[YouSaidWeDid] = field(default_factory=list)
    summary: str = ""
    glossary: list[tuple[str, str]] = field(default_factory=list)
    delivery: Delivery | None = None  # every area's actions together (the dashboard's roll-up, same snapshot)
    tiers: list[Tier[AreaSection]] = field(default_factory=list)  # the sections in tiers and blocks (actions.tiers)

    @property
    def tiered(self) -> bool:
        return is_tiered(self.tiers)

    @property
    def areas_noun(self) -> str:
        """The overview's noun: "areas of weakness" while every area is one (as before tiers), else "areas"."""
        plural = len(self.areas) != 1
        if all(section.area.kind == AreaKind.WEAKNESS for section in self.areas):
            return "areas of weakness" if plural else "area of weakness"
        return "areas" if plural else "area"

    @property
    def as_at_date(self) -> date:
        return timezone.localdate(self.as_at)

    @property
    def action_count(self) -> int:
        return sum(section.action_count for section in self.areas)


def period_closed_at(period: ReportingPeriod) -> datetime | None:
    """When the period's reporting round last closed (its updates are final from then), or None if it is not closed."""
    closed_at = None
    for status, when in period.history.order_by("history_date", "history_id").values_list("status", "history_date"):
        if status != ReportingPeriod.Status.CLOSED:
            closed_at = None
        elif closed_at is None:
            closed_at = when
    return closed_at


def report_content(
    plan: Plan, period: ReportingPeriod, *, as_at: datetime | None = None, summary: str = ""
) -> ReportContent:
    """The report for `plan`'s `period`, as everything stood at `as_at` (default: now), with the board's summary."""
    when = as_at or timezone.now()
    plan = next(iter(rows_as_at(Plan, when, id=plan.pk)), plan)
    snapshot = plan_snapshot(plan, as_at=when, period=period)
    period, previous, periods, actions = snapshot.period, snapshot.previous, snapshot.periods, snapshot.actions
    areas = [each.area for each in snapshot.areas]
    area_ids = [a.pk for a in areas]
    findings = sorted(rows_as_at(Finding, when, area_id__in=area_ids), key=lambda f: (f.order, f.pk))
    outcomes = sorted(rows_as_at(Outcome, when, area_id__in=area_ids), key=lambda o: (o.order, o.pk))

    lead_ids = leads_as_at(actions)
    # Each lead named with the person who held the post on the day the report stands at (decision 0023).
    held = {"holder_name": holder_name_on("id", timezone.localdate(when))}
    officers = _as_at_or_now(Officer, when, {officer for ids in lead_ids.values() for officer in ids}, held)
    leads = {
        pk: [officers[officer].public_held_by(officers[officer].holder_name) for officer in ids if officer in officers]
        for pk, ids in lead_ids.items()
    }
    organisations = _as_at_or_now(Organisation, when, {o.organisation_id for o in officers.values()}).values()
    partners = [o.name for o in sorted(organisations, key=lambda o: (ORGANISATION_ORDER.index(o.kind), o.name))]

    updates = snapshot.ratings.upto_each([a.pk for a in actions], period)
    # A public report: only the fields marked public at the moment (two queries, whatever the number of fields).
    own = own_fields_as_at(plan.pk, when, public_only=True)
    lines = {
        a.pk: ActionLine(
            action=a,
            leads=sorted(leads[a.pk]),
            update=updates[a.pk],
            rag=snapshot.rating[a.pk],
            rag_label=snapshot.labels.get(snapshot.rating[a.pk], "") or "Not rated",
            rated_in=_rated_in(updates[a.pk], period, periods),
            own_fields=own.for_action(a.pk),
        )
        for a in actions
    }
    by_area = {each.area.pk: each.actions for each in snapshot.areas}
    area_counts = [(each.area, each.counts, each.total) for each in snapshot.areas]

    kpi_lines = _kpi_lines(plan, period, when)
    register = risk_register(plan, status=Risk.Status.OPEN, as_at=when, since=previous)
    sections = []
    for each in snapshot.areas:
        area = each.area
        groups = _outcome_groups([o for o in outcomes if o.area_id == area.pk], by_area[area.pk], lines)
        _name_findings(groups, [f for f in findings if f.area_id == area.pk])
        rows = [row for row in register.rows if row.risk.area_id == area.pk]
        sections.append(
            AreaSection(
                area=area,
                findings=[f for f in findings if f.area_id == area.pk],
                groups=groups,
                counts=each.counts,
                kpis=[line for line in kpi_lines if line.kpi.area_id == area.pk],
                heat=_heat(register, rows),
                closed=each.closed,
                delivery=each.delivery,
                own_fields=own.for_area(area.pk),
            )
        )
    content = ReportContent(
        plan=plan,
        period=period,
        previous=previous,
        as_at=when,
        partners=partners,
        rag_key=snapshot.rag_key,
        chart=rag_stacked_bars([(a.short_label, str(a), counts) for a, counts, _ in area_counts]),
        totals=snapshot.totals,
        area_counts=area_counts,
        areas=sections,
        plan_kpis=[line for line in kpi_lines if line.kpi.area_id is None],
        plan_heat=_heat(register, [row for row in register.rows if row.risk.area_id is None]),
        summary=summary,
        delivery=snapshot.delivery,
        tiers=tiers_of(sections, lambda section: section.area),
    )
    _add_movement(content, snapshot, lines)
    content.you_said = _you_said(actions, previous, when)
    content.glossary = acronyms_used(_texts(content))
    return content


def _as_at_or_now(model, when, ids, annotations: dict | None = None) -> dict:
    """People and organisations as they stood at `when`; one recorded only later (an import or the demo records
    posts when it loads them, after the dates it reports on) is taken as it is now rather than left out."""
    rows = {row.pk: row for row in rows_as_at(model, when, annotations, id__in=ids)}
    missing = set(ids) - set(rows)
    if missing:
        rows.update({row.pk: row for row in model.objects.filter(pk__in=missing).annotate(**(annotations or {}))})
    return rows


def _rated_in(update, period, periods) -> str:
    if update is None or update.period_id == period.pk:
        return ""
    return next((p.name for p in periods if p.pk == update.period_id), "")


def _outcome_groups(outcomes, actions, lines) -> list[OutcomeGroup]:
    groups = [OutcomeGroup(outcome=None, lines=[lines[a.pk] for a in actions if a.outcome_id is None])]
    groups += [OutcomeGroup(outcome=o, lines=[lines[a.pk] for a in actions if a.outcome_id == o.pk]) for o in outcomes]
    return [group for group in groups if group.lines]


def _name_findings(groups: list[OutcomeGroup], findings: list[Finding]) -> None:
    for number, finding in enumerate(findings, start=1):
        for group in groups:
            if group.outcome and group.outcome.finding_id == finding.pk:
                group.finding_ref = f"finding {finding.ref or number}"


def _kpi_lines(plan, period, when) -> list[KpiLine]:
    kpis = sorted(rows_as_at(Kpi, when, plan_id=plan.pk), key=lambda k: (k.order, k.ref))
    kpi_ids = [k.pk for k in kpis]
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in sorted(rows_as_at(Milestone, when, kpi_id__in=kpi_ids), key=lambda m: (m.due_date, m.months)):
        milestones[milestone.kpi_id].append(milestone)
    measurements: dict[int, list[Measurement]] = defaultdict(list)
    # Figures describing later months are not part of this term's story, even if already recorded.
    as_at = rows_as_at(Measurement, when, kpi_id__in=kpi_ids)
    for measurement in sorted(as_at, key=lambda m: (m.period_date, m.recorded_at, m.pk)):
        if measurement.period_date <= period.end:
            measurements[measurement.kpi_id].append(measurement)
    result = []
    for kpi in kpis:
        own = milestones[kpi.pk]
        # Current values as they stood, each with the values it had restated by then (shown struck through).
        values = with_restatements(measurements[kpi.pk])
        numeric = [m for m in values if m.value is not None]
        result.append(
            KpiLine(
                kpi=kpi,
                milestones=[(m, m.due_date <= period.end, milestone_rating(m)) for m in own],
                measurements=values,
                chart=trend_chart(kpi, values, own) if len(numeric) > 1 else None,
            )
        )
    return result


def _heat(register: Register, rows: list[RiskRow]) -> HeatMap | None:
    if not rows:
        return None
    return heat_map_of(Register(plan=register.plan, bands=register.bands, rows=rows, since=register.since))


def _add_movement(content: ReportContent, snapshot: PlanSnapshot, lines: dict[int, ActionLine]) -> None:
    """The snapshot's movement, with each action's line and the plan's word for its earlier rating."""
    for name in ("improved", "worsened"):
        moves = getattr(snapshot, name)
        getattr(content, name).extend(
            Movement(line=lines[m.action.pk], before=m.before, before_label=snapshot.labels.get(m.before, m.before))
            for m in moves
        )
    content.unchanged = len(snapshot.unchanged)
    content.newly_rated = len(snapshot.newly_rated)


def _you_said(actions, previous, when) -> list[YouSaidWeDid]:
    """Publishable co-production comments raised or answered this term, with what was done about them."""
    since = end_of_day(previous.end) if previous else None
    by_id = {a.pk: a for a in actions}
    entries = []
    comments = rows_as_at(CoproductionComment, when, action_id__in=list(by_id), publishable=True)
    for comment in sorted(comments, key=lambda c: c.created_at):
        recent = since is None or comment.created_at > since or (comment.responded_at or comment.created_at) > since
        if recent:
            entries.append(YouSaidWeDid(action=by_id[comment.action_id], said=comment.text, did=comment.response))
    return entries


def _texts(content: ReportContent):
    """Every piece of text the report prints, for the glossary (the templates' own headings use SEND and RAG)."""
    yield "SEND RAG"
    yield content.summary
    yield content.plan.title
    yield content.plan.get_plan_type_display()
    yield from content.partners
    for definition in content.rag_key:
        yield definition.definition
    for section in content.areas:
        yield section.area.title
        yield section.area.general_outcomes
        yield from (own.text for own in section.own_fields)
        if section.closed:
            yield section.area.closed_reason
        yield from (f.text for f in section.findings)
        for group in section.groups:
            yield group.outcome.text if group.outcome else ""
            for line in group.lines:
                yield line.action.text
                yield line.action.due_label
                yield from (own.text for own in line.own_fields)
                yield from line.leads
                if line.update:
                    yield from (line.update.progress, line.update.impact, line.update.recovery_note)
        for kpi_line in section.kpis:
            yield kpi_line.kpi.measure
            yield from (m.target_text for m, _, _ in kpi_line.milestones)
        if section.heat:
            yield from (row.risk.risk for row in section.heat.register.rows)
    for kpi_line in content.plan_kpis:
        yield kpi_line.kpi.measure
    for entry in content.you_said:
        yield from (entry.said, entry.did)
