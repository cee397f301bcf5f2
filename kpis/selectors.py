"""Reads for the scorecard, the exceptions page, a KPI's page and the owner's panel on My actions.

Each page loads KPIs with their milestones and measurements in three queries, then works in Python, so the
query count does not grow with the number of KPIs or measurements.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from actions.locking import FieldChange, field_changes
from actions.models import Rag, with_holder_names
from actions.permissions import user_officer
from kpis.charts import TrendChart, trend_chart
from kpis.models import Kpi, Measurement, Milestone
from kpis.rules import Direction, direction_of_travel, is_passed
from kpis.services import Judgement, milestone_judgements


@dataclass
class KpiRow:
    """One KPI as the scorecard and exceptions pages show it."""

    kpi: Kpi
    milestones: list[Milestone]
    measurements: list[Measurement]  # current values, oldest period first (restated ones hang off them)
    latest: Measurement | None
    previous: Measurement | None
    projected: Measurement | None
    direction: str
    next_milestone: Milestone | None
    chart: TrendChart | None
    exceptions: list[Milestone] = field(default_factory=list)

    @property
    def arrow(self) -> str:
        return Direction.ARROWS[self.direction]

    @property
    def headline_rag(self) -> str:
        return self.next_milestone.rag if self.next_milestone else ""

    def milestone_at(self, months: int) -> Milestone | None:
        return next((m for m in self.milestones if m.months == months), None)

    def needs_commentary(self, milestone: Milestone) -> bool:
        """Commentary is owed until the owner writes some after the latest value that raised the exception."""
        if not milestone.commentary:
            return True
        return (
            self.latest is not None
            and milestone.commentary_at is not None
            and (milestone.commentary_at < self.latest.recorded_at)
        )


def kpi_queryset() -> QuerySet[Kpi]:
    # Prefetched into plain lists (to_attr): a prefetch into the related managers builds a filtered queryset per
    # KPI and per relation, which for the scorecard's 60 KPIs cost more than the queries themselves.
    return Kpi.objects.select_related("plan", "area", "owner__organisation").prefetch_related(
        Prefetch(
            "milestones",
            # The commentary's author named as the person who held the post then (decision 0023), in this query.
            queryset=with_holder_names(
                Milestone.objects.select_related("commentary_by"), commentary_by="commentary_at"
            ).order_by("months"),
            to_attr=MILESTONES,
        ),
        # Restated values too, in the same query: the KPI's page and the scorecard show what each was restated from.
        Prefetch(
            "measurements",
            queryset=Measurement.objects.order_by("period_date", "recorded_at", "id"),
            to_attr=MEASUREMENTS,
        ),
    )


MILESTONES, MEASUREMENTS = "prefetched_milestones", "prefetched_measurements"


def kpi_row(kpi: Kpi) -> KpiRow:
    """The KPI as a row: from kpi_queryset's prefetched lists, or read now for a KPI loaded otherwise."""
    milestones = getattr(kpi, MILESTONES, None)
    if milestones is None:
        milestones = list(kpi.milestones.all())
    every = getattr(kpi, MEASUREMENTS, None)
    if every is None:
        every = list(kpi.measurements.order_by("period_date", "recorded_at", "id"))
    measurements = with_restatements(every)
    real = [m for m in measurements if m.status != Measurement.Status.PROJECTED]
    latest = real[-1] if real else None
    previous = real[-2] if len(real) > 1 else None
    projected = next((m for m in reversed(measurements) if m.status == Measurement.Status.PROJECTED), None)
    next_milestone = None
    if milestones:
        # The milestone that matters now: the first the values have not yet passed, else the last one.
        ahead = [m for m in milestones if not is_passed(m.due_date, latest.period_date if latest else None)]
        next_milestone = ahead[0] if ahead else milestones[-1]
    row = KpiRow(
        kpi=kpi,
        milestones=milestones,
        measurements=measurements,
        latest=latest,
        previous=previous,
        projected=projected,
        direction=direction_of_travel(
            previous.value if previous else None,
            latest.value if latest else None,
            higher_is_better=kpi.polarity == Kpi.Polarity.HIGHER,
        )
        if kpi.is_numeric
        else Direction.UNKNOWN,
        next_milestone=next_milestone,
        chart=trend_chart(kpi, measurements, milestones) if kpi.is_numeric and real else None,
    )
    # Red milestones, and the milestone ahead when the numbers say it is off track even if a person rated it
    # otherwise: the board sees both.
    row.exceptions = [m for m in milestones if m.rag == Rag.RED or (m is next_milestone and m.suggested_rag == Rag.RED)]
    return row


def with_restatements(measurements: list[Measurement]) -> list[Measurement]:
    """The current values of `measurements` (any order within a period), each given `earlier`: the values it
    restated, oldest first, so pages can show "restated from 54% (provisional)". Works on the rows as they stood
    at a moment too (the termly report's as-at rows)."""
    earlier: dict[tuple, list[Measurement]] = {}
    for m in sorted(
        (m for m in measurements if m.restated_at is not None), key=lambda m: (m.restated_at, m.recorded_at)
    ):
        earlier.setdefault(m.period_key, []).append(m)
    current = [m for m in measurements if m.restated_at is None]
    for m in current:
        m.earlier = earlier.get(m.period_key, [])
    return current


def scorecard(plan, *, area=None, category: str = "", owner=None, rag: str = "") -> list[KpiRow]:
    kpis = kpi_queryset().filter(plan=plan)
    if area is not None:
        kpis = kpis.filter(area=area)
    if category:
        kpis = kpis.filter(category=category)
    if owner is not None:
        kpis = kpis.filter(owner=owner)
    rows = [kpi_row(kpi) for kpi in kpis.order_by("area__order", "order", "ref")]
    if rag:
        # The KPI's RAG is its current milestone's: a property of the prefetched rows, so filtered here.
        rows = [row for row in rows if row.headline_rag == ("" if rag == "none" else rag)]
    return rows


def horizons(rows: list[KpiRow]) -> list[int]:
    """The milestone horizons to show as columns: 3, 6 and 12 months, plus any other a KPI has."""
    return sorted({3, 6, 12} | {m.months for row in rows for m in row.milestones})


def exceptions(plan) -> list[KpiRow]:
    """KPIs with a red milestone, or whose latest value misses the current milestone's target."""
    return [row for row in scorecard(plan) if row.exceptions]


@dataclass
class CommentaryDue:
    row: KpiRow
    milestone: Milestone


def commentary_due(user) -> list[CommentaryDue]:
    """Exceptions on KPIs the user owns that still need the owner's commentary (shown on My actions)."""
    officer = user_officer(user)
    if officer is None:
        return []
    return commentary_due_by_owner([officer.pk]).get(officer.pk, [])


def commentary_due_by_owner(owner_ids: Iterable[int] | None = None) -> dict[int, list[CommentaryDue]]:
    """`commentary_due` for many officers at once (every KPI owner if `owner_ids` is None), by owner id.

    Three queries however many officers: the reminder digests (governance/reminders.py) ask for all of them."""
    kpis = kpi_queryset().filter(owner__isnull=False)
    if owner_ids is not None:
        kpis = kpis.filter(owner_id__in=owner_ids)
    due: dict[int, list[CommentaryDue]] = {}
    for kpi in kpis.order_by("plan", "order", "ref"):
        row = kpi_row(kpi)
        for milestone in row.exceptions:
            if row.needs_commentary(milestone):
                due.setdefault(kpi.owner_id, []).append(CommentaryDue(row, milestone))
    return due


def my_actions_panel(request) -> dict | None:
    """The KPI part of My actions: the owner's exceptions awaiting commentary."""
    due = commentary_due(request.user)
    return {"template": "kpis/my_actions_panel.html", "commentary_due": due} if due else None


def milestone_judgement(milestone: Milestone) -> Judgement | None:
    """Which value, of which date, against which level, the milestone's suggested RAG came from (the same
    judgement kpi_refresh_suggestions made), for the milestone form to say so. Two queries."""
    kpi = milestone.kpi
    if not kpi.is_numeric or not milestone.suggested_rag:
        return None
    milestones = list(kpi.milestones.order_by("due_date", "months"))
    measurements = list(kpi.measurements.current().order_by("period_date", "recorded_at", "id"))
    return milestone_judgements(kpi, milestones, measurements).get(milestone.pk)


def kpi_history(kpi: Kpi) -> list[FieldChange]:
    """Changes to the KPI itself (after it was created: its baseline and qualifier, comparator...), its milestones
    and its measurements (a restatement shows as the new value and the old one's "Restated" date). Three queries."""
    kpi_records = list(
        Kpi.history.filter(id=kpi.pk).select_related("history_user__officer").order_by("history_date", "history_id")
    )
    own = field_changes(Kpi, kpi_records[1:], lambda r: "KPI", anchors=kpi_records[:1])
    milestone_records = list(Milestone.history.filter(kpi_id=kpi.pk).select_related("history_user__officer"))
    measurement_records = list(Measurement.history.filter(kpi_id=kpi.pk).select_related("history_user__officer"))
    changes = field_changes(Milestone, milestone_records, lambda r: f"{r.months}-month milestone") + field_changes(
        Measurement, measurement_records, lambda r: f"Value for {r.period_label or format(r.period_date, '%B %Y')}"
    )
    # A new milestone's "judged by direction of travel: No" says nothing: only a directional target is listed.
    changes = [c for c in changes if not (c.name == "target_direction" and c.old == "(new)" and c.new == "No")]
    return sorted(own + changes, key=lambda c: c.when, reverse=True)
