"""One reading of a plan as it stood at a moment: the board chair's dashboard and the termly report both read it.

A board paper must never show different figures from the published report for the same moment, so the figures they
share are worked out here once: the areas (with their closing date and reason), the actions, the reporting periods
and which is "the previous period", the plan's RAG key, each action's rating and its movement, and the counts per
area. Everything, the RAG key included, is read from the history tables as it stood at the moment
(actions.as_at.rows_as_at): a published report is fixed as at the close of its period's round, and the dashboard's
as-at date shows what the board would have seen then, however the key has been reworded or trimmed since.
docs/decisions/0008-plan-snapshot.md gives the rules.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

from django.utils import timezone

from actions.as_at import RatingsAsAt, rows_as_at
from actions.models import RAG_ORDER, Action, AreaOfWeakness, Plan, Rag, RagDefinition, ReportingPeriod, Stage
from actions.selectors import rag_counts
from actions.tiers import Tier, in_tier_order, is_tiered, tiers_of

# Worst to best, for movement: Red (major concerns) is worse than White (not started).
RAG_RANK = {Rag.RED: 0, Rag.WHITE: 1, Rag.AMBER: 2, Rag.GREEN: 3, Rag.BLUE: 4}


def previous_period(periods: list[ReportingPeriod], period: ReportingPeriod | None) -> ReportingPeriod | None:
    """The period movement is measured from: the latest of `periods` (as they stood at the moment) that starts
    before `period` and whose round had been opened (open or closed, not planned). A planned period that never ran
    holds no updates, so comparing with it would compare with the one before it under another name."""
    if period is None:
        return None
    earlier = [p for p in periods if p.start < period.start and p.status != ReportingPeriod.Status.PLANNED]
    return max(earlier, key=lambda p: p.start, default=None)


def current_period(periods: list[ReportingPeriod], on: date) -> ReportingPeriod | None:
    """The round open at the moment or, failing that, the latest period begun by `on` whose round had opened."""
    begun = [p for p in periods if p.status != ReportingPeriod.Status.PLANNED and p.start <= on]
    opened = next((p for p in begun if p.status == ReportingPeriod.Status.OPEN), None)
    return opened or max(begun, key=lambda p: p.start, default=None)


@dataclass(frozen=True)
class Delivery:
    """Where delivery of some actions stood, by the stage and percentage their leads reported (decision 0018):
    how many are complete, and the average percentage complete of those that gave one."""

    total: int
    complete: int
    by_stage: tuple[tuple[str, int], ...]  # (stage code, n) in Stage order, then ("", not recorded)
    with_percent: int  # how many actions gave a percentage
    average_percent: int | None  # their average, rounded; None when none gave one

    @property
    def share_complete(self) -> int:
        """The share of the actions whose stage is Complete, as a whole percentage."""
        return round(100 * self.complete / self.total) if self.total else 0


def delivery_of(actions: list[Action]) -> Delivery:
    stages = Counter(action.stage for action in actions)
    percents = [action.percent_complete for action in actions if action.percent_complete is not None]
    return Delivery(
        total=len(actions),
        complete=stages[Stage.COMPLETE],
        by_stage=tuple((code, stages[code]) for code in [*Stage.values, ""]),
        with_percent=len(percents),
        average_percent=round(sum(percents) / len(percents)) if percents else None,
    )


@dataclass
class AreaAt:
    """An area of weakness as it stood, its actions and their ratings counted in the key's order."""

    area: AreaOfWeakness
    actions: list[Action]
    counts: list[tuple[str, str, int]]  # (code, the plan's label, n) in key order, then "Not rated"
    closed: bool  # closed on or before the moment: closed_on and closed_reason say when and why

    @property
    def total(self) -> int:
        return len(self.actions)

    @cached_property
    def delivery(self) -> Delivery:
        return delivery_of(self.actions)


@dataclass
class Move:
    """An action rated in the period, with its rating as at the previous one ("" if it had none)."""

    action: Action
    before: str
    after: str


@dataclass
class PlanSnapshot:
    plan: Plan
    as_at: datetime
    on: date  # the moment's day, for due dates and closing dates
    periods: list[ReportingPeriod]  # as they stood, earliest first
    period: ReportingPeriod | None
    previous: ReportingPeriod | None
    rag_key: list[RagDefinition]  # as it stood
    labels: dict[str, str]  # code -> the plan's word for it then (the scale's own word for a code it never had)
    areas: list[AreaAt]
    actions: list[Action]
    ratings: RatingsAsAt
    rating: dict[int, str]  # action id -> its code as at the period ("" if unrated)
    before: dict[int, str]  # action id -> its code as at the previous period
    totals: list[tuple[str, str, int]]
    improved: list[Move] = field(default_factory=list)
    worsened: list[Move] = field(default_factory=list)
    unchanged: list[Move] = field(default_factory=list)
    newly_rated: list[Move] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return len(self.actions)

    @cached_property
    def delivery(self) -> Delivery:
        """The roll-up of every action in the snapshot (the "All areas" line)."""
        return delivery_of(self.actions)

    @cached_property
    def tiers(self) -> list[Tier[AreaAt]]:
        """The areas in tiers and blocks as they stood (actions.tiers)."""
        return tiers_of(self.areas, lambda each: each.area)

    @property
    def tiered(self) -> bool:
        return is_tiered(self.tiers)

    def monitored(self, action: Action) -> bool:
        """Whether the action was still monitored at the moment, its area read as it stood (Action.is_monitored).
        Closing an area keeps its actions and their ratings in every count; it only stops asking for updates and
        chasing due dates from the closing day on."""
        return action.is_monitored(self.on, area=self._areas[action.area_id])

    def overdue(self, action: Action) -> bool:
        """Overdue at the moment (Action.is_overdue_on: open, monitored, past a deadline; recurring never)."""
        return action.is_overdue_on(self.on, area=self._areas[action.area_id])

    @cached_property
    def _areas(self) -> dict[int, AreaOfWeakness]:
        return {each.area.pk: each.area for each in self.areas}


def plan_snapshot(
    plan: Plan,
    *,
    as_at: datetime | None = None,
    period: ReportingPeriod | None = None,
    area: AreaOfWeakness | None = None,
    keep: Callable[[Action], bool] | None = None,
    words: bool = True,
) -> PlanSnapshot:
    """`plan` as it stood at `as_at` (default: now), rated as at `period` (default: the current period then).

    `area` and `keep` narrow it to one area and to the actions `keep` accepts (the dashboard's filters); counts,
    totals and movement then cover only those. `words=False` reads ratings without their words (see RatingsAsAt).
    Queries: periods, areas, actions, the RAG key, the updates; whatever the plan's size."""
    when = as_at or timezone.now()
    on = timezone.localdate(when)

    periods = sorted(rows_as_at(ReportingPeriod, when, plan_id=plan.pk), key=lambda p: p.start)
    # A period asked for is read as it stood too (its name and status then), when it existed by then.
    asked = period and next((p for p in periods if p.pk == period.pk), period)
    period = asked or current_period(periods, on)
    previous = previous_period(periods, period)

    # In tiers (priority action first), an area reported with another just after it; kind and link as they stood.
    areas = in_tier_order(sorted(rows_as_at(AreaOfWeakness, when, plan_id=plan.pk), key=lambda a: (a.order, a.ref)))
    if area is not None:
        areas = [a for a in areas if a.pk == area.pk]
    actions = sorted(rows_as_at(Action, when, area_id__in=[a.pk for a in areas]), key=lambda a: (a.order, a.ref))
    if keep is not None:
        actions = [a for a in actions if keep(a)]

    rag_key = sorted(rows_as_at(RagDefinition, when, plan_id=plan.pk), key=lambda d: d.pk)
    labels = {code.value: code.label for code in RAG_ORDER} | {d.code: d.label for d in rag_key}

    ratings = RatingsAsAt(when, periods, [a.pk for a in actions], words=words)
    rating = {a.pk: ratings.rag_upto(a.pk, period) for a in actions}
    before = {a.pk: ratings.rag_upto(a.pk, previous) for a in actions}

    by_area: dict[int, list[Action]] = defaultdict(list)
    for action in actions:
        by_area[action.area_id].append(action)
    counters = {a.pk: Counter(rating[action.pk] for action in by_area[a.pk]) for a in areas}
    totals: Counter = sum(counters.values(), Counter())
    # Columns: the key as it stood, plus any code still in use that the key had dropped by then.
    codes = [d.code for d in rag_key] or [code.value for code in RAG_ORDER]
    codes += [code for code in totals if code and code not in codes]

    def labelled(counter: Counter) -> list[tuple[str, str, int]]:
        return [(code, labels.get(code, label), n) for code, label, n in rag_counts(counter, codes)]

    snapshot = PlanSnapshot(
        plan=plan,
        as_at=when,
        on=on,
        periods=periods,
        period=period,
        previous=previous,
        rag_key=rag_key,
        labels=labels,
        areas=[
            AreaAt(area=a, actions=by_area[a.pk], counts=labelled(counters[a.pk]), closed=a.is_closed_on(on))
            for a in areas
        ],
        actions=actions,
        ratings=ratings,
        rating=rating,
        before=before,
        totals=labelled(totals),
    )
    _add_movement(snapshot)
    return snapshot


def _add_movement(snapshot: PlanSnapshot) -> None:
    """Each action rated as at the period, against its rating as at the previous period."""
    for action in snapshot.actions:
        after, before = snapshot.rating[action.pk], snapshot.before[action.pk]
        if not after:
            continue
        move = Move(action=action, before=before, after=after)
        if not before:
            snapshot.newly_rated.append(move)
        elif RAG_RANK[after] > RAG_RANK[before]:
            snapshot.improved.append(move)
        elif RAG_RANK[after] < RAG_RANK[before]:
            snapshot.worsened.append(move)
        else:
            snapshot.unchanged.append(move)
