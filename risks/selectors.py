"""Reads for the risk register, the heat map, a risk's page and the owner's panel on My actions.

Movement "since the previous reporting period" is read from history: each risk's position as it stood at the
end of the plan's last closed period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from actions.as_at import rows_as_at
from actions.locking import FieldChange, field_changes
from actions.models import Action, Plan, ReportingPeriod, with_holder_names
from actions.permissions import user_officer
from risks.models import SCALE, Band, Risk, RiskBands, RiskReview
from risks.services import bands_for
from sendplan.timezones import end_of_day


@dataclass
class RiskRow:
    risk: Risk
    band: str
    previous_position: tuple[int, int] | None  # (likelihood, impact) at the end of the previous period

    @property
    def previous_score(self) -> int | None:
        return self.previous_position[0] * self.previous_position[1] if self.previous_position else None

    @property
    def position(self) -> tuple[int, int] | None:
        if self.risk.current_likelihood is None:
            return None
        return (self.risk.current_likelihood, self.risk.current_impact)

    @property
    def direction(self) -> str:
        """Since the previous reporting period: 'new', 'up', 'down', 'unchanged' or '' (not scored)."""
        score = self.risk.current_score
        if score is None:
            return ""
        if self.previous_score is None:
            return "new"
        if score == self.previous_score:
            return "unchanged"
        return "up" if score > self.previous_score else "down"

    @property
    def moved(self) -> bool:
        return (
            self.previous_position is not None
            and self.position is not None
            and (self.previous_position != self.position)
        )


def previous_period(plan: Plan) -> ReportingPeriod | None:
    """The plan's last closed reporting period: the one movement is measured from."""
    return plan.periods.filter(status=ReportingPeriod.Status.CLOSED).order_by("-end").first()


def positions_at(plan: Plan, when: datetime, risk_ids=None) -> dict[int, tuple[int, int] | None]:
    """Each risk's current (likelihood, impact) as it stood at `when`, from history: one query."""
    records = Risk.history.filter(plan_id=plan.pk, history_date__lte=when)
    if risk_ids is not None:
        records = records.filter(id__in=risk_ids)
    records = records.order_by("id", "history_date", "history_id").values_list(
        "id", "current_likelihood", "current_impact"
    )
    positions = {}
    for risk_id, likelihood, impact in records:
        positions[risk_id] = (likelihood, impact) if likelihood else None
    return positions


def risk_queryset() -> QuerySet[Risk]:
    return Risk.objects.select_related("area", "owner__organisation", "plan").prefetch_related(
        Prefetch("actions", queryset=Action.objects.only("id", "ref", "area_id"))
    )


@dataclass
class Register:
    plan: Plan
    bands: RiskBands
    rows: list[RiskRow]
    since: ReportingPeriod | None


def _natural(ref: str) -> list:
    """R2 before R10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", ref)]


SORTS = {
    "score": lambda row: (-(row.risk.current_score or 0), _natural(row.risk.ref)),
    "ref": lambda row: _natural(row.risk.ref),
    "next_review": lambda row: (row.risk.next_review is None, row.risk.next_review or timezone.localdate()),
    "owner": lambda row: (str(row.risk.owner), _natural(row.risk.ref)),
}


# register()'s default for `since`: the period before now (or before `as_at`).
LAST_PERIOD = object()


def register(
    plan: Plan,
    *,
    area=None,
    band: str = "",
    owner=None,
    status: str = "",
    overdue: bool = False,
    sort: str = "score",
    as_at: datetime | None = None,
    since: ReportingPeriod | None | object = LAST_PERIOD,
) -> Register:
    """The plan's risks, now or (`as_at`) as they stood at a past moment, read from history. Movement is measured
    from the end of `since` (default: the last period closed, or for a past moment the last that had ended; the
    termly report names its term's previous period, None for a plan's first term)."""
    filters = {"plan_id": plan.pk}
    if area is not None:
        filters["area_id"] = area.pk
    if owner is not None:
        filters["owner_id"] = owner.pk
    if status:
        filters["status"] = status
    if as_at is None:
        risks = risk_queryset().filter(**filters)
        if since is LAST_PERIOD:
            since = previous_period(plan)
    else:
        risks = rows_as_at(Risk, as_at, **filters)
        if since is LAST_PERIOD:
            since = plan.periods.filter(end__lt=timezone.localdate(as_at)).order_by("-end").first()
    bands = bands_for(plan)
    before = positions_at(plan, end_of_day(since.end)) if since else {}
    rows = [RiskRow(risk=risk, band=risk.band(bands), previous_position=before.get(risk.pk)) for risk in risks]
    # Band and overdue are computed per row (from the plan's thresholds and today's date), so filtered here.
    if band:
        rows = [row for row in rows if row.band == band]
    if overdue:
        rows = [row for row in rows if row.risk.review_overdue]
    rows.sort(key=SORTS.get(sort, SORTS["score"]))
    return Register(plan=plan, bands=bands, rows=rows, since=since)


@dataclass
class HeatCell:
    likelihood: int
    impact: int
    band: str
    risks: list[Risk]


@dataclass
class HeatMap:
    register: Register
    grid: list[list[HeatCell]]  # rows from likelihood 5 (top) to 1
    moved: list[RiskRow]
    unscored: list[RiskRow]

    @property
    def open_count(self) -> int:
        return sum(len(cell.risks) for row in self.grid for cell in row)


def heat_map(plan: Plan, *, area=None, as_at: datetime | None = None) -> HeatMap:
    """Open risks by current likelihood and impact, and the ones that moved since the previous period."""
    return heat_map_of(register(plan, area=area, status=Risk.Status.OPEN, sort="ref", as_at=as_at))


def heat_map_of(reg: Register) -> HeatMap:
    """The heat map of a register's rows (the termly report draws one per area from a single register)."""
    cells = {(lik, imp): HeatCell(lik, imp, reg.bands.band(lik * imp), []) for lik in SCALE for imp in SCALE}
    for row in reg.rows:
        if row.position:
            cells[row.position].risks.append(row.risk)
    grid = [[cells[(lik, imp)] for imp in SCALE] for lik in reversed(SCALE)]
    return HeatMap(
        register=reg,
        grid=grid,
        moved=[row for row in reg.rows if row.moved],
        unscored=[row for row in reg.rows if row.position is None],
    )


def risk_page(risk: Risk) -> tuple[RiskRow, list[RiskReview], list[FieldChange]]:
    reg_bands = bands_for(risk.plan)
    since = previous_period(risk.plan)
    previous = positions_at(risk.plan, end_of_day(since.end), [risk.pk]).get(risk.pk) if since else None
    row = RiskRow(
        risk=risk,
        band=risk.band(reg_bands),
        previous_position=previous,
    )
    reviews = list(
        with_holder_names(
            risk.reviews.select_related("reviewed_by_officer", "period"), reviewed_by_officer="reviewed_on"
        ).order_by("-reviewed_on", "-id")
    )
    history = sorted(
        field_changes(Risk, list(risk.history.select_related("history_user__officer")), lambda r: "Risk"),
        key=lambda c: c.when,
        reverse=True,
    )
    return row, reviews, history


def band_label(code: str) -> str:
    return Band(code).label if code else "Not assessed"


def overdue_reviews(user) -> list[Risk]:
    officer = user_officer(user)
    if officer is None:
        return []
    return overdue_reviews_by_owner([officer.pk]).get(officer.pk, [])


def overdue_reviews_by_owner(
    owner_ids: Iterable[int] | None = None, *, today: date | None = None
) -> dict[int, list[Risk]]:
    """Open risks whose review is overdue on `today` (default: today), by owner id, for these officers (every owner
    if `owner_ids` is None): one query however many officers."""
    risks = Risk.objects.filter(status=Risk.Status.OPEN, next_review__lt=today or timezone.localdate())
    if owner_ids is not None:
        risks = risks.filter(owner_id__in=owner_ids)
    overdue: dict[int, list[Risk]] = {}
    for risk in risks.select_related("plan").order_by("next_review", "pk"):
        overdue.setdefault(risk.owner_id, []).append(risk)
    return overdue


def my_actions_panel(request) -> dict | None:
    """The risk part of My actions: reviews of the user's risks that are overdue."""
    overdue = overdue_reviews(request.user)
    return {"template": "risks/my_actions_panel.html", "overdue": overdue} if overdue else None
