"""Reads for reporting rounds, challenges, automatic rating flags, co-production and the lead's panel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from actions.models import (
    Action,
    Officer,
    Organisation,
    Plan,
    ProgressUpdate,
    Rag,
    ReportingPeriod,
    with_holder_names,
)
from actions.permissions import Role, user_roles, writable_actions
from governance.models import Challenge, CoproductionComment
from kpis.models import Milestone


@dataclass
class Tally:
    """Updates received out of those due, for one lead, organisation or round. A draft is not an update received;
    `drafted` counts the missing ones with a draft saved."""

    label: str
    done: int = 0
    total: int = 0
    missing: list[Action] = field(default_factory=list)
    drafted: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    def add(self, action: Action, updated: bool, drafted: bool = False) -> None:
        self.total += 1
        self.done += updated
        if not updated:
            self.missing.append(action)
            self.drafted += drafted


@dataclass
class RoundPage:
    period: ReportingPeriod
    overall: Tally
    by_lead: list[Tally]
    by_organisation: list[Tally]


def round_asks_on(period: ReportingPeriod) -> date:
    """The day whose monitored actions a round asks about: today while it is open (an area closed since it opened
    drops out of it), else the end of its period (a past round keeps the actions it asked about)."""
    today = timezone.localdate()
    return today if period.status == ReportingPeriod.Status.OPEN else min(today, period.end)


def round_actions(period: ReportingPeriod) -> QuerySet[Action]:
    """The actions a round asks about: every open action of the plan still monitored (its area not closed,
    Action.monitored_q), and any that were updated in it (an action completed in this round is still counted as
    done). `updated` counts submitted updates only; `drafted` says a draft waits to be submitted."""
    in_round = ProgressUpdate.objects.filter(action=OuterRef("pk"), period=period)
    asked = Q(status=Action.Status.OPEN) & Action.monitored_q(round_asks_on(period))
    return (
        Action.objects.filter(area__plan_id=period.plan_id)
        .annotate(
            updated=Exists(in_round.filter(status=ProgressUpdate.Status.SUBMITTED)),
            drafted=Exists(in_round.filter(status=ProgressUpdate.Status.DRAFT)),
        )
        .filter(asked | Q(updated=True))
    )


def round_page(period: ReportingPeriod) -> RoundPage:
    actions = list(
        round_actions(period)
        .select_related("area")
        .prefetch_related(Prefetch("leads", queryset=Officer.objects.select_related("organisation")))
        .order_by("area__order", "order", "ref")
    )
    overall = Tally(label=period.name)
    leads: dict[int, Tally] = {}
    organisations: dict[int, Tally] = {}
    for action in actions:
        overall.add(action, action.updated, action.drafted)
        # An action led jointly counts once for each lead and once for each of their organisations.
        for tally_by, key, label in _lead_keys(action, leads, organisations):
            tally_by.setdefault(key, Tally(label=label)).add(action, action.updated, action.drafted)
    by_worst = lambda tally: (tally.percent, tally.label)  # noqa: E731 - the sort key reads best inline
    return RoundPage(
        period=period,
        overall=overall,
        by_lead=sorted(leads.values(), key=by_worst),
        by_organisation=sorted(organisations.values(), key=by_worst),
    )


def _lead_keys(action: Action, leads: dict, organisations: dict):
    seen_orgs = set()
    for lead in action.leads.all():
        yield leads, lead.pk, str(lead)
        if lead.organisation_id not in seen_orgs:
            seen_orgs.add(lead.organisation_id)
            yield organisations, lead.organisation_id, lead.organisation.name


@dataclass
class RoundRow:
    period: ReportingPeriod
    updates: int


def round_list(plan: Plan) -> list[RoundRow]:
    submitted = Q(updates__status=ProgressUpdate.Status.SUBMITTED)
    periods = plan.periods.annotate(update_count=Count("updates", filter=submitted)).order_by("-start")
    return [RoundRow(period=p, updates=p.update_count) for p in periods]


def latest_update(action: Action) -> ProgressUpdate | None:
    """The update that carries the action's current rating: its latest period's submitted one."""
    submitted = action.updates.filter(status=ProgressUpdate.Status.SUBMITTED)
    return submitted.select_related("period").order_by("-period__start").first()


def submitted_updates(action: Action) -> list[ProgressUpdate]:
    """The action's updates others may see and comment on, latest period first (drafts are the leads' own)."""
    submitted = action.updates.filter(status=ProgressUpdate.Status.SUBMITTED)
    return list(submitted.select_related("period").order_by("-period__start"))


def challenge_queryset() -> QuerySet[Challenge]:
    # Who raised and who answered are named as the people who held those posts then (decision 0023).
    return with_holder_names(
        Challenge.objects.select_related(
            "action__area__plan", "period", "raised_by_officer", "responded_by_officer", "raised_by", "responded_by"
        ),
        raised_by_officer="raised_at",
        responded_by_officer="responded_at",
    )


def challenges(plan: Plan, *, status: str = "") -> list[Challenge]:
    queryset = challenge_queryset().filter(action__area__plan=plan)
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset.order_by("status", "-raised_at", "-id"))


@dataclass
class RatingFlag:
    """An action rated Green or Blue while a KPI milestone of its area is Red: the numbers do not support it."""

    action: Action
    milestones: list[Milestone]


def milestone_rating(milestone) -> str:
    """A milestone's rating: the person's, or failing that the one the numbers suggest."""
    return milestone.rag or milestone.suggested_rag


def unsupported_ratings(rated, red_by_area: dict[int, list]) -> list[RatingFlag]:
    """The rule behind the flags, for live and for as-at data: of `rated` ((action, its rating) pairs), those rated
    Green or Blue in an area with Red KPI milestones (`red_by_area`: area id -> milestones)."""
    return [
        RatingFlag(action=action, milestones=red_by_area[action.area_id])
        for action, rag in rated
        if rag in (Rag.GREEN, Rag.BLUE) and red_by_area.get(action.area_id)
    ]


def rating_flags(plan: Plan) -> list[RatingFlag]:
    red = Milestone.objects.filter(kpi__plan=plan, kpi__area__isnull=False).filter(
        Q(rag=Rag.RED) | Q(rag="", suggested_rag=Rag.RED)
    )
    red_by_area: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in red.select_related("kpi").order_by("kpi__order", "kpi__ref", "months"):
        red_by_area[milestone.kpi.area_id].append(milestone)
    if not red_by_area:
        return []
    actions = Action.objects.filter(area_id__in=red_by_area, current_rag__in=[Rag.GREEN, Rag.BLUE]).select_related(
        "area"
    )
    return unsupported_ratings(
        ((action, action.current_rag) for action in actions.order_by("area__order", "order", "ref")), red_by_area
    )


def comments_for(action: Action) -> list[CoproductionComment]:
    return list(
        with_holder_names(
            action.coproduction_comments.select_related("author_officer", "progress_update__period"),
            author_officer="created_at",
        ).order_by("-created_at", "-id")
    )


def challenges_for(action: Action) -> list[Challenge]:
    return list(challenge_queryset().filter(action=action).order_by("-raised_at", "-id"))


def open_challenges_for_lead(user) -> list[Challenge]:
    """Open challenges to ratings of actions this SEND lead updates (programme managers see them on the plan's
    challenge page instead, or every lead's list would be theirs)."""
    if Role.SEND_LEAD not in user_roles(user):
        return []
    queryset = challenge_queryset().filter(status=Challenge.Status.OPEN, action__in=writable_actions(user))
    return list(queryset.order_by("raised_at"))


def my_actions_panel(request) -> dict | None:
    """The governance part of My actions: challenges waiting for the lead's answer."""
    waiting = open_challenges_for_lead(request.user)
    return {"template": "governance/my_actions_panel.html", "challenges": waiting} if waiting else None


def organisations_leading(plan: Plan) -> QuerySet[Organisation]:
    return Organisation.objects.filter(officers__led_actions__area__plan=plan).distinct().order_by("name")
