"""Reads that span rows. Each page's query shape lives here, so its query count stays flat as plans grow."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.module_loading import import_string

from actions.locking import FieldChange, field_changes, history_user_label
from actions.models import (
    RAG_ORDER,
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    ProgressUpdate,
    Rag,
    RagDefinition,
    ReportingPeriod,
    with_holder_names,
)
from actions.permissions import Role, user_officer, user_roles, writable_actions
from actions.tiers import Tier, is_tiered, tiers_of


def open_periods_by_plan(plan_ids=None) -> dict[int, ReportingPeriod]:
    periods = ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN)
    if plan_ids is not None:
        periods = periods.filter(plan_id__in=plan_ids)
    return {period.plan_id: period for period in periods}


def annotate_action_state(queryset: QuerySet[Action], *, today=None) -> QuerySet[Action]:
    """Add `effective_due`, `overdue` (Action.overdue_q: never for a recurring action or one whose area is closed)
    and `needs_update` (open action whose area is not closed, no submitted update in its plan's open period: a
    draft still needs submitting). `today` (default: today) is the day they are worked out for."""
    today = today or timezone.localdate()
    open_period_update = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), period__status=ReportingPeriod.Status.OPEN, status=ProgressUpdate.Status.SUBMITTED
    )
    plan_has_open_period = ReportingPeriod.objects.filter(
        plan=OuterRef("area__plan"), status=ReportingPeriod.Status.OPEN
    )
    return queryset.annotate(
        effective_due=Coalesce("revised_due_date", "due_date"),
        overdue=Case(
            When(Action.overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        needs_update=Case(
            When(
                Q(status=Action.Status.OPEN)
                & Action.monitored_q(today)
                & Exists(plan_has_open_period)
                & ~Exists(open_period_update),
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def annotate_draft_saved(queryset: QuerySet[Action]) -> QuerySet[Action]:
    """Add `draft_saved`: a draft update waits in the plan's open period. Only for pages shown to people who may
    update these actions (My actions, their reminders): nobody else learns of drafts."""
    open_period_draft = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), period__status=ReportingPeriod.Status.OPEN, status=ProgressUpdate.Status.DRAFT
    )
    return queryset.annotate(draft_saved=Exists(open_period_draft))


def action_rows(queryset: QuerySet[Action] | None = None) -> QuerySet[Action]:
    """Actions with everything a table row shows: area, plan, outcome, leads and their organisations."""
    queryset = queryset if queryset is not None else Action.objects.all()
    return annotate_action_state(
        queryset.select_related("area__plan", "outcome").prefetch_related(
            Prefetch("leads", queryset=Officer.objects.select_related("organisation"))
        )
    )


@dataclass
class MyActionsGroup:
    plan: Plan
    area: AreaOfWeakness | None  # None: the plan's overdue actions, from every area, shown first
    period: ReportingPeriod | None
    actions: list[Action] = field(default_factory=list)


@dataclass
class MyRound:
    """A plan whose round is open and still waits on some of the reader's actions: the start of their walk."""

    plan: Plan
    period: ReportingPeriod
    needing_update: int


@dataclass
class MyActions:
    groups: list[MyActionsGroup]
    needing_update: int
    overdue: int
    drafts: int = 0  # of those needing an update, how many have a draft saved
    completed: int = 0  # actions that take no more updates (completed, withdrawn, carried forward)
    show_completed: bool = False
    rounds: list[MyRound] = field(default_factory=list)


def my_actions(user, *, show_completed: bool = False) -> MyActions:
    """The actions the user leads, by plan: first the plan's overdue actions from every area (what most needs doing),
    then the rest by area, each by due date. Actions that take no more updates (completed, withdrawn, carried
    forward) are left out unless `show_completed`, and counted."""
    officer = user_officer(user)
    if officer is None:
        return MyActions(groups=[], needing_update=0, overdue=0)
    # The page shows no leads (they are the user), so no prefetch of them.
    actions = list(
        annotate_draft_saved(
            annotate_action_state(Action.objects.filter(leads=officer).select_related("area__plan"))
        ).order_by(
            "area__plan__local_area",
            "area__plan__start_date",
            "area__plan_id",
            "-overdue",
            "area__order",
            "area__ref",
            "effective_due",
            "ref",
        )
    )
    completed = sum(a.status != Action.Status.OPEN for a in actions)
    shown = actions if show_completed else [a for a in actions if a.status == Action.Status.OPEN]
    periods = open_periods_by_plan({a.area.plan_id for a in actions})
    groups: list[MyActionsGroup] = []
    for action in shown:
        plan = action.area.plan
        area = None if action.overdue else action.area
        last = groups[-1] if groups else None
        if last is None or last.plan.pk != plan.pk or (last.area.pk if last.area else None) != (area and area.pk):
            groups.append(MyActionsGroup(plan=plan, area=area, period=periods.get(plan.pk)))
        groups[-1].actions.append(action)
    waiting: Counter = Counter(a.area.plan_id for a in actions if a.needs_update)
    plans = {a.area.plan_id: a.area.plan for a in actions}
    rounds = [
        MyRound(plan=plans[plan_id], period=periods[plan_id], needing_update=count)
        for plan_id, count in waiting.items()
        if plan_id in periods
    ]
    return MyActions(
        groups=groups,
        needing_update=sum(waiting.values()),
        overdue=sum(a.overdue for a in actions),
        drafts=sum(a.needs_update and a.draft_saved for a in actions),
        completed=completed,
        show_completed=show_completed,
        rounds=rounds,
    )


def round_scope(user, plan: Plan) -> QuerySet[Action]:
    """The actions of `plan` whose updates `user` gives in a round: a SEND lead's are those they lead (never more than
    they may write); a programme manager, who leads none, may go through every action of the plan."""
    writable = writable_actions(user).filter(area__plan=plan)
    officer = user_officer(user)
    if officer is not None and Role.SEND_LEAD in user_roles(user):
        return writable.filter(leads=officer)
    return writable


@dataclass
class LeadRound:
    """One person's walk through their actions in a plan's open round. What is left is read from the database each
    time (an action with a submitted update is done, whichever tab or person submitted it); only the actions the
    person moved past without submitting (skipped, or saved as a draft) travel with the walk, in its address, so a
    reload, the back button or a second tab never lose or repeat work."""

    plan: Plan
    period: ReportingPeriod | None
    actions: list[Action]  # walk order: overdue first, then by area and due date; annotated as on My actions
    skipped: list[int] = field(default_factory=list)
    drafted: list[int] = field(default_factory=list)

    @property
    def remaining(self) -> list[Action]:
        passed = {*self.skipped, *self.drafted}
        return [a for a in self.actions if a.needs_update and a.pk not in passed]

    @property
    def submitted(self) -> list[Action]:
        return [a for a in self.actions if not a.needs_update]

    @property
    def saved_as_draft(self) -> list[Action]:
        drafted = set(self.drafted)
        return [a for a in self.actions if a.needs_update and a.pk in drafted]

    @property
    def skipped_actions(self) -> list[Action]:
        skipped, drafted = set(self.skipped), set(self.drafted)
        return [a for a in self.actions if a.needs_update and a.pk in skipped and a.pk not in drafted]

    @property
    def needing_update(self) -> list[Action]:
        return [a for a in self.actions if a.needs_update]

    @property
    def done(self) -> int:
        return len(self.actions) - len(self.remaining)

    def find(self, pk) -> Action | None:
        """The action of this round with id `pk` (as typed in a form or address), or None."""
        pk = str(pk)
        return next((a for a in self.actions if pk.isascii() and pk.isdigit() and a.pk == int(pk)), None)

    def state(self, *, skip: int | None = None, draft: int | None = None, done: int | None = None) -> dict:
        """The walk's address parameters, with one more action skipped or drafted, or one submitted (`done`)."""
        skipped = [pk for pk in self.skipped if pk not in (draft, done)] + ([skip] if skip else [])
        drafted = [pk for pk in self.drafted if pk not in (skip, done)] + ([draft] if draft else [])
        state = {}
        if skipped:
            state["skipped"] = ",".join(str(pk) for pk in dict.fromkeys(skipped))
        if drafted:
            state["drafted"] = ",".join(str(pk) for pk in dict.fromkeys(drafted))
        return state


WALK_STATE_LIMIT = 1000  # ids kept from an address, so a hand-made one cannot make a page do unbounded work


def walk_ids(value: str) -> list[int]:
    """Action ids from an address parameter ("12,15"); anything that is not one is ignored."""
    parts = value.split(",")[:WALK_STATE_LIMIT]
    return list(dict.fromkeys(int(p) for p in parts if p.isascii() and p.isdigit() and len(p) < 10))


def lead_round(user, plan: Plan, *, skipped=(), drafted=()) -> LeadRound:
    """`user`'s round in `plan`: every action of theirs that takes an update in the open period (open and monitored)
    or took one in it (completed by a Blue rating this round), with its state, in walk order. Two queries."""
    period = plan.periods.filter(status=ReportingPeriod.Status.OPEN).first()
    if period is None:
        return LeadRound(plan=plan, period=None, actions=[])
    today = timezone.localdate()
    submitted_now = ProgressUpdate.objects.filter(
        action=OuterRef("pk"), period=period, status=ProgressUpdate.Status.SUBMITTED
    )
    actions = (
        annotate_draft_saved(annotate_action_state(round_scope(user, plan), today=today))
        .filter(Action.monitored_q(today))
        .filter(Q(status=Action.Status.OPEN) | Exists(submitted_now))
        .select_related("area__plan")
        # The update form offers the plan's own key: read once for every row of the one-page form.
        .prefetch_related("area__plan__rag_key")
        .order_by("-overdue", "area__order", "area__ref", "effective_due", "ref", "pk")
    )
    return LeadRound(plan=plan, period=period, actions=list(actions), skipped=list(skipped), drafted=list(drafted))


def previous_update(action: Action, period: ReportingPeriod) -> ProgressUpdate | None:
    """The action's latest submitted update before `period`, naming who held its author's post then."""
    return (
        with_holder_names(
            action.updates.filter(
                period__start__lt=period.start, status=ProgressUpdate.Status.SUBMITTED
            ).select_related("period", "submitted_by_officer__organisation"),
            submitted_by_officer="submitted_at",
        )
        .order_by("-period__start")
        .first()
    )


def previous_ratings(actions: list[Action], period: ReportingPeriod) -> dict[int, str]:
    """Each action's RAG in the latest period before `period` ('' if never rated), as services.previous_rating
    reads it for one action, for many in one query."""
    ratings: dict[int, str] = {action.pk: "" for action in actions}
    rows = (
        ProgressUpdate.objects.filter(
            action__in=list(ratings), period__start__lt=period.start, status=ProgressUpdate.Status.SUBMITTED
        )
        .exclude(rag="")
        .order_by("action_id", "-period__start")
        .values_list("action_id", "rag")
    )
    seen: set[int] = set()
    for action_id, rag in rows:
        if action_id not in seen:
            seen.add(action_id)
            ratings[action_id] = rag
    return ratings


def open_period_updates(actions: list[Action], period: ReportingPeriod) -> dict[int, ProgressUpdate]:
    """The updates (drafts or submitted) of `actions` in `period`, by action id, in one query."""
    return {u.action_id: u for u in ProgressUpdate.objects.filter(action__in=[a.pk for a in actions], period=period)}


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.annotate(
        area_count=Count("areas", distinct=True), action_count=Count("areas__actions", distinct=True)
    ).order_by("local_area", "-start_date")


def rag_counts(counter: Counter, codes: list[str] | None = None) -> list[tuple[str, str, int]]:
    """(code, label, count) in key order, plus 'not rated'. `codes` limits it to the codes a plan's key uses."""
    used = [code for code in RAG_ORDER if codes is None or code in codes]
    rows = [(code.value, code.label, counter.get(code.value, 0)) for code in used]
    rows.append(("", "Not rated", counter.get("", 0)))
    return rows


@dataclass
class PlanPage:
    plan: Plan
    rag_key: list[RagDefinition]
    areas: list[AreaOfWeakness]  # in tier order (actions.tiers)
    area_rag_counts: dict[int, list[tuple[str, str, int]]]  # per block: its lead area's id -> every member's counts
    totals: list[tuple[str, str, int]]
    periods: list[ReportingPeriod]
    current_period: ReportingPeriod | None
    accountable_officers: list[Officer]
    header_history: list[FieldChange] = field(default_factory=list)
    tiers: list[Tier[AreaOfWeakness]] = field(default_factory=list)

    @property
    def tiered(self) -> bool:
        return is_tiered(self.tiers)

    @property
    def areas_heading(self) -> str:
        """The heading over the areas: "Areas of weakness" as before tiers, a plan of one other kind its own."""
        return "Areas" if self.tiered or not self.tiers else self.tiers[0].heading


def plan_page(plan: Plan) -> PlanPage:
    tiers = tiers_of(plan.areas.prefetch_related("owners"))
    areas = [area for tier in tiers for area in tier.members]
    counts = Action.objects.filter(area__plan=plan).values("area_id", "current_rag").annotate(n=Count("id")).order_by()
    per_area: dict[int, Counter] = {area.pk: Counter() for area in areas}
    totals: Counter = Counter()
    for row in counts:
        per_area[row["area_id"]][row["current_rag"]] += row["n"]
        totals[row["current_rag"]] += row["n"]
    # Areas reported together are one row: one block, counted together.
    per_block = {
        block.lead.pk: sum((per_area[member.pk] for member in block.members), Counter())
        for tier in tiers
        for block in tier.blocks
    }
    periods = list(plan.periods.all())
    rag_key = list(plan.rag_key.all())
    # Columns: the plan's key, plus any code still in use that the key has since dropped.
    codes = [line.code for line in rag_key] + [code for code in totals if code] if rag_key else None
    return PlanPage(
        plan=plan,
        rag_key=rag_key,
        areas=areas,
        area_rag_counts={pk: rag_counts(counter, codes) for pk, counter in per_block.items()},
        totals=rag_counts(totals, codes),
        periods=periods,
        current_period=next((p for p in periods if p.status == ReportingPeriod.Status.OPEN), None),
        accountable_officers=list(plan.accountable_officers.select_related("organisation")),
        header_history=plan_header_history(plan),
        tiers=tiers,
    )


# The facts at the head of a plan that change between its editions (the rest of the plan has its own history).
PLAN_HEADER_FIELDS = {
    "title",
    "plan_type",
    "version_label",
    "approved_by",
    "board_name",
    "advisers",
    "published",
    "summary",
}


def plan_header_history(plan: Plan) -> list[FieldChange]:
    """Each change to the plan's header facts and accountable officers after it was first recorded, newest first:
    who changed what, and when (three queries). Officers are tracked from this edition of the app on: a record
    older than that holds none, and the first change is read against "Not recorded"."""
    records = list(plan.history.select_related("history_user__officer"))
    officer_rows = (
        apps.get_model("actions", "HistoricalPlan_accountable_officers")
        .objects.filter(history_id__in=[r.history_id for r in records])
        .select_related("officer__organisation")
    )
    officers_at: dict[int, list[str]] = {r.history_id: [] for r in records}
    for row in officer_rows:
        officers_at[row.history_id].append(f"{row.officer}, {row.officer.organisation.name}")
    changes = [
        change
        for change in field_changes(Plan, records, lambda record: "Plan")
        if change.name in PLAN_HEADER_FIELDS and change.old != "(new)"
    ]
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    for previous, record in zip(ordered, ordered[1:], strict=False):
        old, new = sorted(officers_at[previous.history_id]), sorted(officers_at[record.history_id])
        if old != new and new:
            changes.append(
                FieldChange(
                    object_label="Plan",
                    field="Accountable officers",
                    old="; ".join(old) or "Not recorded",
                    new="; ".join(new),
                    who=history_user_label(record),
                    when=record.history_date,
                    name="accountable_officers",
                )
            )
    return sorted(changes, key=lambda c: c.when, reverse=True)


@dataclass
class AreaPage:
    area: AreaOfWeakness
    findings: list[Finding]
    outcomes: list[Outcome]
    actions: list[Action]
    rag_counts: list[tuple[str, str, int]]


def area_queryset() -> QuerySet[AreaOfWeakness]:
    """Areas with their plan and `leads_a_block`: whether other areas are reported together with this one (it leads
    their block), asked in the same query so the list of them is read only for an area that has some."""
    alongside = AreaOfWeakness.objects.filter(reported_with=OuterRef("pk"))
    return AreaOfWeakness.objects.select_related("plan").annotate(leads_a_block=Exists(alongside))


def area_page(area: AreaOfWeakness) -> AreaPage:
    actions = list(action_rows(area.actions.all()).order_by("order", "ref"))
    return AreaPage(
        area=area,
        findings=list(area.findings.all()),
        outcomes=list(area.outcomes.select_related("finding")),
        actions=actions,
        rag_counts=rag_counts(Counter(a.current_rag for a in actions)),
    )


@dataclass
class TimelineEntry:
    period: ReportingPeriod
    update: ProgressUpdate | None


@dataclass
class ActionPage:
    action: Action
    rag_definition: RagDefinition | None
    rag_key: list[RagDefinition]
    timeline: list[TimelineEntry]
    updates: list[ProgressUpdate]  # submitted only
    history: list[FieldChange]
    current_period: ReportingPeriod | None
    current_update: ProgressUpdate | None  # the open period's submitted update
    draft: ProgressUpdate | None = None  # the open period's draft, for those who may update the action


def action_queryset() -> QuerySet[Action]:
    return (
        action_rows()
        .select_related("outcome__finding", "carried_from__area__plan")
        .prefetch_related(
            "partners",
            Prefetch("carried_to", queryset=Action.objects.select_related("area__plan")),
            # Joint accountable officers (decision 0023): one query, as their labels in the history were.
            Prefetch("accountable_officers", queryset=Officer.objects.select_related("organisation")),
        )
    )


def action_detail_queryset() -> QuerySet[Action]:
    """An action with what its page reads outside the cached part of the page (sendplan.page_cache): the title,
    breadcrumbs and access check. action_page() reads the rest, only when the part is built."""
    return Action.objects.select_related("area__plan")


def action_page(action: Action, *, show_draft: bool = False) -> ActionPage:
    """The action's page. Drafts (and their history) are in it only with `show_draft`, for those who may update
    the action; for everyone else a draft does not exist."""
    # With its overdue and needs-update state, outcome, leads, partners and successors (the access check read the
    # action alone: on a cached page nothing more is needed).
    action = action_queryset().get(pk=action.pk)
    plan = action.area.plan
    periods = list(plan.periods.all())
    # Drafts come with the same query and are set aside here.
    # Each update names the person who held its author's post when it was given (post holders: decision 0023).
    everything = list(
        with_holder_names(
            action.updates.select_related("period", "submitted_by_officer__organisation"),
            submitted_by_officer="submitted_at",
        ).order_by("period__start")
    )
    updates = [u for u in everything if not u.is_draft]
    by_period = {u.period_id: u for u in updates}
    rag_key = list(plan.rag_key.all())
    current_period = next((p for p in periods if p.status == ReportingPeriod.Status.OPEN), None)
    draft = None
    if show_draft and current_period is not None:
        draft = next((u for u in everything if u.is_draft and u.period_id == current_period.pk), None)
    return ActionPage(
        action=action,
        rag_definition=next((d for d in rag_key if d.code == action.current_rag), None),
        rag_key=rag_key,
        timeline=[TimelineEntry(period=p, update=by_period.get(p.pk)) for p in periods if p.status != "planned"],
        updates=list(reversed(updates)),
        history=action_history(action, include_drafts=show_draft),
        current_period=current_period,
        current_update=by_period.get(current_period.pk) if current_period else None,
        draft=draft,
    )


def action_history(action: Action, *, include_drafts: bool = False) -> list[FieldChange]:
    """Every change to the action and its progress updates, newest first. Without `include_drafts` the drafts'
    history rows are left out, so an update appears when it was submitted, with what it said then."""
    action_records = list(action.history.select_related("history_user__officer"))
    update_history = ProgressUpdate.history.filter(action_id=action.pk)
    if not include_drafts:
        update_history = update_history.filter(status=ProgressUpdate.Status.SUBMITTED)
    update_records = list(update_history.select_related("history_user__officer", "period"))
    changes = field_changes(Action, action_records, lambda r: "Action") + field_changes(
        ProgressUpdate, update_records, ProgressUpdate.history_label
    )
    # Apps built on actions add the history of what they hold about the action (planfields: its own fields).
    for path in settings.SENDPLAN_ACTION_HISTORY:
        changes += import_string(path)(action)
    return sorted(changes, key=lambda c: c.when, reverse=True)


def rag_label(code: str) -> str:
    return Rag(code).label if code else "Not rated"


@dataclass
class OfficerPage:
    officer: Officer
    holders: list  # earliest first; the last is the current holder
    led: list[Action]
    accountable: list[Action]


def officer_page(officer: Officer) -> OfficerPage:
    """A post: its organisation, who held it from when, and the actions it leads or is accountable for."""
    holders = list(officer.holders.select_related("user").order_by("started_on"))
    for holder, successor in zip(holders, holders[1:], strict=False):
        holder.until = successor.started_on - timedelta(days=1)
    actions = Action.objects.select_related("area__plan").order_by("area__plan__title", "area__order", "order", "ref")
    return OfficerPage(
        officer=officer,
        holders=holders,
        led=list(actions.filter(leads=officer)),
        accountable=list(actions.filter(accountable_officers=officer)),
    )


def plan_organisation_ids(plan: Plan) -> set[int]:
    """The organisations working on `plan`: its named partners, and any other organisation whose posts lead or are
    accountable for its actions, are its accountable officers or are named as partners on its actions."""
    actions = Action.objects.filter(area__plan=plan)
    return (
        set(plan.partner_organisations.values_list("id", flat=True))
        | set(Officer.objects.filter(led_actions__in=actions).values_list("organisation_id", flat=True))
        | set(Officer.objects.filter(accountable_actions__in=actions).values_list("organisation_id", flat=True))
        | set(plan.accountable_officers.values_list("organisation_id", flat=True))
        | set(Organisation.objects.filter(partner_actions__in=actions).values_list("id", flat=True))
    )


def plan_post_choices(plan: Plan) -> QuerySet[Officer]:
    """The posts a lead or accountable-officer picker for `plan` offers: only its organisations' officers, never
    another local area's."""
    return (
        Officer.objects.filter(organisation_id__in=plan_organisation_ids(plan))
        .select_related("organisation")
        .order_by("organisation__name", "post_title", "person_name")
    )


def plan_officers(plan: Plan) -> list[tuple[Organisation, list[Officer]]]:
    """The posts of the organisations working on `plan` (plan_organisation_ids), by organisation."""
    officers = plan_post_choices(plan)
    by_organisation: dict[int, list[Officer]] = {}
    organisations = {}
    for officer in officers:
        organisations[officer.organisation_id] = officer.organisation
        by_organisation.setdefault(officer.organisation_id, []).append(officer)
    return [(organisations[pk], by_organisation[pk]) for pk in by_organisation]
