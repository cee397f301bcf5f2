"""A realistic synthetic plan for benchmarks: `seed_bench(actions=N)` (manage.py seed_bench --actions N).

One Written Statement of Action for "Benchshire": 10 areas of weakness with findings and outcomes, N actions each
led by 3 officers from different organisations, 12 quarterly reporting periods ending with the one open now, and
for every action and period a submitted progress update whose rating moves the way ratings move in the published
plans (White until work starts, Amber for most of the way, some Reds that recover, Blue only at the end). 60 KPIs
with 24 monthly values and milestones at 12, 18, 24 and 36 months, 40 scored risks reviewed every period, and a few
challenges and co-production comments.

Everything has its history, dated as it would be if people had typed it on the day, because the dashboard, the
risk register's movement and the termly report read history (actions/as_at.py): each submitted update writes a
history row of the update and of the action (its new rating, with the leads it had), a revised update a second
pair, a reporting round a row when it opens and when it closes. Rows are written with bulk_create and their
history rows built alongside (simple-history's bulk_history_create with a date per row), so 500 actions seed in
seconds rather than the minutes 6,000 service calls would take. The same random seed and day give the same plan.

It is for an empty benchmark database only: it adds 50 users who share a published password (BENCH_PASSWORD), so
it refuses a database that already holds a plan or bench users.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from actions.models import (
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
)
from actions.permissions import Role
from actions.services import role_groups_sync
from benchmarks import texts
from governance.models import Challenge, CoproductionComment
from kpis.models import Kpi, Measurement, Milestone
from kpis.rules import months_after, suggest_rag
from kpis.services import milestone_judgements
from risks.models import Risk, RiskBands, RiskReview

PLAN_SLUG = "benchshire-wsoa"
# Shared by the 50 load-test users (SEND leads and board members). A benchmark database is thrown away.
BENCH_PASSWORD = "bench-sendplan-2026"
PERIODS = 12
AREAS = 10
KPIS = 60
MEASUREMENTS = 24
RISKS = 40
MILESTONE_MONTHS = (12, 18, 24, 36)
LEAD_USERS = 30  # officers with a login; the other 6 are posts without one ("a team", a vacant post)
BOARD_MEMBERS = 20
BATCH = 2000


@dataclass
class BenchPlan:
    plan: Plan
    periods: list[ReportingPeriod]
    report_period: ReportingPeriod  # the last closed period: the termly report to build
    lead: User  # a SEND lead with actions, for My actions and an action's page
    lead_action: Action
    chair: User
    comms: User
    manager: User
    load_usernames: list[str]  # SEND leads and board members who sign in with BENCH_PASSWORD


def seed_bench(*, actions: int, seed: int = 2026) -> BenchPlan:
    """Write the bench plan with `actions` actions into an empty database, in one transaction."""
    if actions < 1:
        raise ValidationError("Give at least one action.")
    if Plan.objects.exists() or User.objects.filter(username__startswith="bench-").exists():
        raise ValidationError(
            "seed_bench fills an empty benchmark database (it adds users with a published password), and this one "
            "already holds plans or bench users. Use a fresh database, e.g. scripts/with-postgres.sh."
        )
    with transaction.atomic():
        return _Seeder(actions=actions, rng=random.Random(seed)).run()


@cache
def bench_password_hash() -> str:
    """BENCH_PASSWORD hashed with PBKDF2, Django's default hasher: the gunicorn servers of the load test run the
    production settings, which check it (the test settings' fast hasher would not be accepted there). Hashed once:
    a million iterations take most of a second."""
    return PBKDF2PasswordHasher().encode(BENCH_PASSWORD, "benchsalt2026")


@cache
def _HistoricalAction():  # noqa: N802 -- a class
    # Action.history builds a manager class on every access: too slow to ask 6,500 times.
    return Action.history.model


@cache
def _tracked_action_fields() -> tuple[str, ...]:
    return tuple(field.attname for field in _HistoricalAction().tracked_fields)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class _Seeder:
    def __init__(self, *, actions: int, rng: random.Random):
        self.n = actions
        self.rng = rng
        self.now = timezone.now() - timedelta(minutes=1)
        today = timezone.localdate(self.now)
        current_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        self.period_starts = [months_after(current_quarter, -3 * (PERIODS - 1 - k)) for k in range(PERIODS + 1)]
        self.start = self.period_starts[0]
        # The plan and its people were set up a month before the first period.
        self.setup = _at(self.start - timedelta(days=30))

    def between(self, start: datetime, end: datetime) -> datetime:
        if end <= start:
            return start
        return start + (end - start) * self.rng.random()

    def run(self) -> BenchPlan:
        self.groups = role_groups_sync()
        self._people()
        self._plan()
        self._periods()
        self._areas()
        self._actions()
        self._updates()
        self._kpis()
        self._risks()
        self._governance()
        lead_action = next(a for a in self.actions if self.lead_officer.pk in self.leads[a.pk])
        return BenchPlan(
            plan=self.plan,
            periods=self.periods,
            report_period=self.periods[-2],
            lead=self.lead_officer.user,
            lead_action=lead_action,
            chair=self.users["bench-chair"],
            comms=self.users["bench-comms"],
            manager=self.manager,
            load_usernames=self.load_usernames,
        )

    # People ---------------------------------------------------------------------------------------------------

    def _people(self) -> None:
        self.organisations = bulk_create_with_history(
            [Organisation(name=name, short_name=short, kind=kind) for name, short, kind in texts.ORGANISATIONS],
            Organisation,
            default_date=self.setup,
        )
        users, officers, roles = [], [], []
        lead_number = 0
        for org_index, posts in enumerate(texts.POSTS):
            for post_index, post in enumerate(posts):
                # The last post in each organisation is a team, without a person or a login.
                person = "" if post_index == len(posts) - 1 else texts.person_name(self.rng)
                officer = Officer(
                    post_title=post,
                    person_name=person,
                    organisation=self.organisations[org_index],
                    email=f"{post.lower().replace(' ', '.')}@benchshire.example" if person else "",
                    name_publishable=self.rng.random() > 0.15,
                    is_agency_lead=post_index == 0 and org_index < 2,
                )
                if person:
                    lead_number += 1
                    first, last = person.split(" ", 1)
                    username = f"bench-lead-{lead_number:02}"
                    users.append(User(username=username, first_name=first, last_name=last))
                    roles.append(Role.SEND_LEAD)
                    officer.username = username  # linked to the user once users have ids
                officers.append(officer)
        assert lead_number == LEAD_USERS
        for n in range(1, BOARD_MEMBERS + 1):
            first, last = texts.person_name(self.rng).split(" ", 1)
            users.append(User(username=f"bench-member-{n:02}", first_name=first, last_name=last))
            roles.append(Role.BOARD_MEMBER)
        for username, role in [
            ("bench-chair", Role.BOARD_CHAIR),
            ("bench-manager", Role.PROGRAMME_MANAGER),
            ("bench-comms", Role.COMMS_OFFICER),
            ("bench-pcf", Role.PCF_REPRESENTATIVE),
        ]:
            first, last = texts.person_name(self.rng).split(" ", 1)
            users.append(
                User(username=username, first_name=first, last_name=last, is_staff=username == "bench-manager")
            )
            roles.append(role)
        self.load_usernames = [u.username for u in users if u.username.startswith(("bench-lead-", "bench-member-"))]
        for user in users:
            # Programme managers and comms officers would sign in with two-factor: they get no password at all.
            user.password = bench_password_hash() if user.username in self.load_usernames else make_password(None)
        users = User.objects.bulk_create(users)
        self.users = {u.username: u for u in users}
        self.user_of = {u.pk: u for u in users}
        User.groups.through.objects.bulk_create(
            [
                User.groups.through(user_id=user.pk, group_id=self.groups[role].pk)
                for user, role in zip(users, roles, strict=True)
            ]
        )
        self.manager = self.users["bench-manager"]
        for officer in officers:
            if hasattr(officer, "username"):
                officer.user = self.users[officer.username]
        pcf = next(o for o in self.organisations if o.kind == Organisation.Kind.PCF)
        officers.append(
            Officer(
                post_title="Co-production Lead",
                person_name=f"{self.users['bench-pcf'].first_name} {self.users['bench-pcf'].last_name}",
                organisation=pcf,
                user=self.users["bench-pcf"],
            )
        )
        self.officers = bulk_create_with_history(officers, Officer, default_date=self.setup)
        self.pcf_officer = self.officers[-1]
        self.lead_officers = list(self.officers[:-1])
        self.with_login = [o for o in self.lead_officers if o.user_id]
        self.lead_officer = self.with_login[0]  # the Head of SEND: an agency lead, and a lead of every third action

    # Plan and structure ------------------------------------------------------------------------------------

    def _plan(self) -> None:
        self.plan = bulk_create_with_history(
            [
                Plan(
                    slug=PLAN_SLUG,
                    local_area="Benchshire",
                    plan_type=Plan.PlanType.WSOA,
                    title="Written Statement of Action",
                    inspection_start=self.start - timedelta(days=150),
                    inspection_end=self.start - timedelta(days=146),
                    inspection_label=f"{self.start - timedelta(days=150):%B %Y}",
                    report_published=self.start - timedelta(days=100),
                    published=self.start - timedelta(days=30),
                    start_date=self.start,
                    summary=texts.PLAN_SUMMARY,
                    advisers="DfE SEND adviser; NHS England SEND adviser",
                )
            ],
            Plan,
            default_date=self.setup,
        )[0]
        self.plan.accountable_officers.set([self.officers[0], self.officers[6]])
        bulk_create_with_history(
            [RagDefinition(plan=self.plan, code=c, label=c.title(), definition=d) for c, d in texts.RAG_KEY],
            RagDefinition,
            default_date=self.setup,
        )

    def _periods(self) -> None:
        """Quarterly periods named by their last month ("Dec 25"), the last one open now. A round opens three
        weeks before the period ends and closes a week after, so the report of a closed period can be fixed."""
        periods, self.windows = [], []
        for k in range(PERIODS):
            start, end = self.period_starts[k], self.period_starts[k + 1] - timedelta(days=1)
            is_open = k == PERIODS - 1
            periods.append(
                ReportingPeriod(
                    plan=self.plan,
                    name=f"{end:%b %y}",
                    start=start,
                    end=end,
                    update_deadline=end - timedelta(days=7) if not is_open else end,
                    status=ReportingPeriod.Status.OPEN if is_open else ReportingPeriod.Status.CLOSED,
                )
            )
            # The open round opened at the period's start (an hour ago at the latest, early on its first day).
            opened = min(_at(start), self.now - timedelta(hours=1)) if is_open else _at(end - timedelta(days=21))
            closed = self.now if is_open else min(_at(end + timedelta(days=7), 17), self.now)
            deadline = min(_at(end, 17), closed)
            self.windows.append((opened, deadline, closed))
        self.periods = ReportingPeriod.objects.bulk_create(periods)
        history = ReportingPeriod.history
        for period in self.periods:
            period.status, period._history_date = ReportingPeriod.Status.PLANNED, self.setup
        history.bulk_history_create(self.periods, default_user=self.manager)
        for period, (opened, _, _) in zip(self.periods, self.windows, strict=True):
            period.status, period._history_date = ReportingPeriod.Status.OPEN, opened
        history.bulk_history_create(self.periods, update=True, default_user=self.manager)
        for period, (_, _, closed) in zip(self.periods[:-1], self.windows, strict=False):
            period.status, period._history_date = ReportingPeriod.Status.CLOSED, closed
        history.bulk_history_create(self.periods[:-1], update=True, default_user=self.manager)
        self.periods[-1].status = ReportingPeriod.Status.OPEN

    def _areas(self) -> None:
        areas = bulk_create_with_history(
            [
                AreaOfWeakness(
                    plan=self.plan,
                    ref=str(a + 1),
                    title=title,
                    general_outcomes=texts.AREA_OUTCOME,
                    milestone="Measurable improvement within 12 months",
                    order=a,
                )
                for a, title in enumerate(texts.AREA_TITLES[:AREAS])
            ],
            AreaOfWeakness,
            default_date=self.setup,
        )
        AreaOfWeakness.owners.through.objects.bulk_create(
            [
                AreaOfWeakness.owners.through(areaofweakness_id=area.pk, officer_id=officer.pk)
                for a, area in enumerate(areas)
                for officer in (self.with_login[a % 5], self.with_login[5 + a % 10])
            ]
        )
        findings = bulk_create_with_history(
            [
                Finding(area=area, ref=f"{area.ref}.{f}", text=texts.FINDINGS[(a + f) % len(texts.FINDINGS)], order=f)
                for a, area in enumerate(areas)
                for f in (1, 2)
            ],
            Finding,
            default_date=self.setup,
        )
        self.outcomes = bulk_create_with_history(
            [
                Outcome(area=finding.area, finding=finding, ref=letter, text=texts.OUTCOMES[i % len(texts.OUTCOMES)])
                for i, (finding, letter) in enumerate(zip(findings, "ab" * AREAS, strict=True))
            ],
            Outcome,
            default_date=self.setup,
        )
        self.areas = areas

    # Actions and their ratings ----------------------------------------------------------------------------

    def _actions(self) -> None:
        rng = self.rng
        # Due dates from four months ago to a year ahead: as in a live plan whose early actions are done and whose
        # dates were revised as it went, a fifth or so of the open actions are overdue, not most of them.
        today = timezone.localdate(self.now)
        due_from, due_to = today - timedelta(days=120), today + timedelta(days=400)
        by_org: dict[int, list[Officer]] = {}
        for officer in self.lead_officers:
            by_org.setdefault(officer.organisation_id, []).append(officer)
        org_ids = list(by_org)
        actions, self.leads = [], {}
        lead_choice, accountable = [], []
        for i in range(self.n):
            area = self.areas[i % AREAS]
            number = i // AREAS + 1
            # The Head of SEND (the lead user) is on every third action: a lead with a full My actions page.
            if i % 3 == 0:
                others = [org for org in org_ids if org != self.lead_officer.organisation_id]
                chosen = [self.lead_officer] + [rng.choice(by_org[org]) for org in rng.sample(others, 2)]
            else:
                chosen = [rng.choice(by_org[org]) for org in rng.sample(org_ids, 3)]
            lead_choice.append(chosen)
            due = None if rng.random() < 0.1 else self.between_dates(due_from, due_to)
            revised = due + timedelta(days=rng.choice((61, 92, 183))) if due and rng.random() < 0.12 else None
            text = texts.action_text(rng)  # drawn before the accountable officer, as always: the same seeded plan
            accountable.append(self.lead_officers[rng.randrange(0, len(self.lead_officers), 6)])
            actions.append(
                Action(
                    area=area,
                    outcome=self.outcomes[2 * (i % AREAS) + number % 2],
                    ref=f"{area.ref}.{number}",
                    text=text,
                    due_date=due,
                    due_label="ongoing" if due is None else f"{due:%B %Y}",
                    revised_due_date=revised,
                    revised_due_reason="Delayed by recruitment to the new posts." if revised else "",
                    coproduction_level=rng.choice(["", "informed", "consulted", "involved", "coproduced"]),
                    order=number,
                    updated_at=self.setup,
                )
            )
        self.actions = Action.objects.bulk_create(actions, batch_size=BATCH)
        through = Action.leads.through
        links = through.objects.bulk_create(
            [
                through(action_id=action.pk, officer_id=officer.pk)
                for action, chosen in zip(self.actions, lead_choice, strict=True)
                for officer in chosen
            ],
            batch_size=BATCH,
        )
        self.lead_links: dict[int, list] = {}
        for link in links:
            self.lead_links.setdefault(link.action_id, []).append(link)
        self.leads = {a.pk: [o.pk for o in chosen] for a, chosen in zip(self.actions, lead_choice, strict=True)}
        self.submitter = {
            a.pk: next((o for o in chosen if o.user_id), self.lead_officer)
            for a, chosen in zip(self.actions, lead_choice, strict=True)
        }
        Action.accountable_officers.through.objects.bulk_create(
            [
                Action.accountable_officers.through(action_id=action.pk, officer_id=officer.pk)
                for action, officer in zip(self.actions, accountable, strict=True)
            ],
            batch_size=BATCH,
        )
        Action.partners.through.objects.bulk_create(
            [
                Action.partners.through(action_id=action.pk, organisation_id=org.pk)
                for action in self.actions
                for org in rng.sample(self.organisations, 2)
            ],
            batch_size=BATCH,
        )
        self._write_action_rows([self._history_row(a, "+", self.manager.pk, self.setup) for a in self.actions])

    def between_dates(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days)))

    @staticmethod
    def _history_row(action: Action, kind: str, user_id: int | None, when: datetime):
        """A history row of `action` as it is now in memory (the row save() would write)."""
        return _HistoricalAction()(
            history_date=when,
            history_user_id=user_id,
            history_type=kind,
            **{name: getattr(action, name) for name in _tracked_action_fields()},
        )

    def _write_action_rows(self, rows) -> None:
        """Insert action history rows, each with the leads the action has, as every save of an action records."""
        created = _HistoricalAction().objects.bulk_create(rows, batch_size=BATCH)
        leads_model = apps.get_model("actions", "HistoricalAction_leads")
        leads_model.objects.bulk_create(
            [
                leads_model(
                    history_id=record.history_id, id=link.pk, action_id=link.action_id, officer_id=link.officer_id
                )
                for record in created
                for link in self.lead_links[record.id]
            ],
            batch_size=BATCH * 3,
        )

    def _ratings(self) -> dict[int, list[str]]:
        """Each action's rating per period: a Markov walk over the BRAG scale, worked out before anything is
        written so the action rows can be created with their final state."""
        rng, ratings = self.rng, {}
        for action in self.actions:
            rag = rng.choices([Rag.WHITE, Rag.AMBER, Rag.GREEN, Rag.RED], [35, 40, 15, 10])[0]
            walk = [rag]
            for k in range(1, PERIODS):
                r = rng.random()
                if rag == Rag.WHITE:
                    rag = Rag.AMBER if r < 0.45 else Rag.RED if r < 0.55 else Rag.WHITE
                elif rag == Rag.RED:
                    rag = Rag.AMBER if r < 0.45 else Rag.RED
                elif rag == Rag.AMBER:
                    rag = Rag.GREEN if r < 0.3 else Rag.RED if r < 0.4 else Rag.AMBER
                elif rag == Rag.GREEN:
                    rag = Rag.AMBER if r < 0.12 else Rag.BLUE if k == PERIODS - 1 and r > 0.65 else Rag.GREEN
                walk.append(rag)
            ratings[action.pk] = walk
        return ratings

    def _updates(self) -> None:
        """Per period, every action's submitted update (one in ten revised a few days later), each writing a
        history row of the update and of the action, as progress_update_submit does."""
        rng, ratings = self.rng, self._ratings()
        updates, first, revised = [], [], []
        for k, period in enumerate(self.periods):
            opened, deadline, closed = self.windows[k]
            for action in self.actions:
                rag = ratings[action.pk][k]
                submitted = self.between(opened, deadline)
                officer = self.submitter[action.pk]
                update = ProgressUpdate(
                    action=action,
                    period=period,
                    rag=rag,
                    progress=texts.progress(rng, rag),
                    impact=texts.impact(rng) if rag in (Rag.GREEN, Rag.BLUE) or rng.random() < 0.3 else "",
                    recovery_note=texts.recovery(rng) if rag == Rag.RED else "",
                    completion_date=timezone.localdate(submitted) if rag == Rag.BLUE else None,
                    evidence="https://benchshire.example/send/evidence" if rng.random() < 0.2 else "",
                    submitted_by_id=officer.user_id,
                    submitted_by_officer=officer,
                    submitted_at=submitted,
                    updated_at=submitted,
                )
                updates.append(update)
                first.append((update, submitted))
                if rng.random() < 0.1 and closed > submitted:
                    revised.append((update, self.between(submitted, closed)))
        # The rows as they end up: revised ones carry the revision.
        originals = {}
        for update, when in revised:
            originals[id(update)] = (update.progress, update.submitted_at)
            update.progress = f"{update.progress} {texts.REVISION}"
            update.version, update.submitted_at, update.updated_at = 2, when, when
        ProgressUpdate.objects.bulk_create(updates, batch_size=BATCH)
        # History: the first submission of every update, then the revisions.
        history = ProgressUpdate.history
        for update, _ in revised:
            update.progress, first_at = originals[id(update)]
            update.version, update.submitted_at, update.updated_at = 1, first_at, first_at
        for update, when in first:
            update._history_date, update._history_user = when, self.user_of[update.submitted_by_id]
        history.bulk_history_create(updates, batch_size=BATCH)
        for update, when in revised:
            update.progress = f"{update.progress} {texts.REVISION}"
            update.version, update.submitted_at, update.updated_at, update._history_date = 2, when, when, when
        history.bulk_history_create([u for u, _ in revised], update=True, batch_size=BATCH)

        # The action's side of each submission, in time order: a new version with the new rating (and, for Blue,
        # completion), by whoever submitted. Snapshots are taken as the in-memory action moves on.
        events = sorted([(when, u) for u, when in first] + [(when, u) for u, when in revised], key=lambda e: e[0])
        rows = []
        for when, update in events:
            action = update.action
            action.version += 1
            action.current_rag, action.updated_at = update.rag, when
            if update.rag == Rag.BLUE:
                action.status, action.completed_on = Action.Status.COMPLETED, update.completion_date
            rows.append(self._history_row(action, "~", update.submitted_by_id, when))
        self._write_action_rows(rows)
        Action.objects.bulk_update(
            self.actions, ["version", "current_rag", "status", "completed_on", "updated_at"], batch_size=BATCH
        )
        self.updates = updates

    # KPIs, risks, challenges and comments ------------------------------------------------------------------

    def _kpis(self) -> None:
        """60 KPIs (6 descriptive) with 24 monthly values up to last month and milestones at 12, 18, 24 and 36
        months (the values start 9 months into the plan: a milestone before them would be judged on the baseline
        alone); the numeric milestones' RAG is suggested from the values by the app's own rules."""
        rng, today = self.rng, timezone.localdate(self.now)
        this_month = today.replace(day=1)
        months = [months_after(this_month, -(MEASUREMENTS - m)) for m in range(MEASUREMENTS)]
        categories = list(Kpi.Category)
        kpis, shapes = [], {}
        for i in range(KPIS):
            measure, unit, polarity, low, high = texts.KPI_MEASURES[i % len(texts.KPI_MEASURES)]
            descriptive = i >= KPIS - 6
            baseline = None
            if not descriptive:
                # Each KPI moves at 0.6 to 1.4 times the pace its targets assume: on track on average, some not.
                baseline = Decimal(rng.uniform(low, high)).quantize(Decimal("0.1"))
                shapes[i] = (baseline, Decimal(rng.uniform(0.6, 1.4)), Decimal(high - low) / 20)
            kpis.append(
                Kpi(
                    plan=self.plan,
                    area=self.areas[i % AREAS],
                    ref=f"K{i + 1}",
                    measure=measure if not descriptive else texts.DESCRIPTIVE_MEASURES[i % 6],
                    category=categories[i % 3],
                    unit=Kpi.Unit.DESCRIPTIVE if descriptive else unit,
                    polarity=polarity,
                    baseline_value=baseline,
                    baseline_text="Not in place at the inspection" if descriptive else "",
                    baseline_date=self.start,
                    data_source="Benchshire SEND data dashboard",
                    owner=self.with_login[i % len(self.with_login)],
                    comparator_label="" if descriptive else "England, last year",
                    comparator_value=None if descriptive else Decimal(rng.uniform(low, high)).quantize(Decimal("0.1")),
                    tolerance=Decimal(high - low) / 20 if not descriptive else Decimal("0"),
                    order=i,
                )
            )
        kpis = bulk_create_with_history(kpis, Kpi, default_date=self.setup, default_user=self.manager)
        milestones, measurements = [], []
        for i, kpi in enumerate(kpis):
            for horizon in MILESTONE_MONTHS:
                due = months_after(self.start, horizon)
                milestone = Milestone(kpi=kpi, months=horizon, due_date=due)
                if kpi.is_numeric:
                    baseline, pace, step = shapes[i]
                    # A target `horizon` months along a 24-month improvement of 20 steps of the KPI's range.
                    sign = 1 if kpi.polarity == Kpi.Polarity.HIGHER else -1
                    milestone.target_value = baseline + sign * step * 10 * Decimal(horizon) / 24
                else:
                    milestone.target_text = "In place and reviewed by the board"
                    if due < today:
                        milestone.rag = rng.choice([Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED])
                milestones.append(milestone)
            for m, first_day in enumerate(months):
                month_end = months_after(first_day, 1) - timedelta(days=1)
                recorded = min(_at(month_end + timedelta(days=10), 10), self.now)
                measurement = Measurement(
                    kpi=kpi,
                    period_date=month_end,
                    status=Measurement.Status.PROVISIONAL if m == MEASUREMENTS - 1 else Measurement.Status.ACTUAL,
                    recorded_by_id=kpi.owner.user_id,
                    recorded_at=recorded,
                    updated_at=recorded,
                )
                if kpi.is_numeric:
                    baseline, pace, step = shapes[i]
                    sign = 1 if kpi.polarity == Kpi.Polarity.HIGHER else -1
                    since_start = (first_day.year - self.start.year) * 12 + first_day.month - self.start.month
                    drift = sign * step * 10 * pace * Decimal(since_start) / 24
                    noise = Decimal(rng.gauss(0, 1)) * step / 2
                    measurement.value = max(Decimal(0), baseline + drift + noise).quantize(Decimal("0.1"))
                else:
                    measurement.value_text = rng.choice(texts.DESCRIPTIVE_VALUES)
                measurement._history_date, measurement._history_user = recorded, kpi.owner.user
                measurements.append(measurement)
        milestones = bulk_create_with_history(milestones, Milestone, default_date=self.setup, default_user=self.manager)
        bulk_create_with_history(measurements, Measurement, batch_size=BATCH)
        # What kpi_refresh_suggestions does after each value is recorded, done once with the same rules: one
        # history row per milestone whose suggestion (followed, not overridden) changed.
        of_kpi: dict[int, tuple[list, list]] = {kpi.pk: ([], []) for kpi in kpis}
        for milestone in milestones:
            of_kpi[milestone.kpi_id][0].append(milestone)
        for measurement in measurements:
            of_kpi[measurement.kpi_id][1].append(measurement)
        changed = []
        for kpi in kpis:
            if not kpi.is_numeric:
                continue
            kpi_milestones, kpi_measurements = of_kpi[kpi.pk]
            judged = milestone_judgements(kpi, kpi_milestones, kpi_measurements)
            for milestone in kpi_milestones:
                judgement = judged.get(milestone.pk)
                value, level = (judgement.value, judgement.level) if judgement else (None, None)
                higher = kpi.polarity == Kpi.Polarity.HIGHER
                suggestion = suggest_rag(value=value, target=level, higher_is_better=higher, tolerance=kpi.tolerance)
                if suggestion:
                    milestone.suggested_rag = milestone.rag = suggestion
                    milestone.version, milestone.updated_at, milestone._history_date = 2, self.now, self.now
                    changed.append(milestone)
        bulk_update_with_history(
            changed,
            Milestone,
            ["suggested_rag", "rag", "version", "updated_at"],
            batch_size=BATCH,
            default_user=self.manager,
        )

    def _risks(self) -> None:
        """40 scored risks, each reviewed once a period (its position moving a step at a time) and linked to two
        actions of its area."""
        rng = self.rng
        bulk_create_with_history([RiskBands(plan=self.plan)], RiskBands, default_date=self.setup)
        risks = []
        for i in range(RISKS):
            likelihood, impact = rng.randint(3, 5), rng.randint(3, 5)
            risks.append(
                Risk(
                    plan=self.plan,
                    area=self.areas[i % AREAS],
                    ref=f"R{i + 1}",
                    risk=texts.RISKS[i % len(texts.RISKS)],
                    cause="Demand has grown faster than capacity.",
                    consequence="Children wait longer for the help they need.",
                    owner=self.with_login[(i * 7) % len(self.with_login)],
                    inherent_likelihood=likelihood,
                    inherent_impact=impact,
                    current_likelihood=likelihood,
                    current_impact=impact,
                    target_likelihood=max(1, likelihood - 2),
                    target_impact=max(1, impact - 1),
                    mitigation=texts.MITIGATION,
                    progress="Recruitment under way; monthly monitoring by the programme board.",
                    review_every_days=90,
                    next_review=self.start + timedelta(days=90),
                    updated_at=self.setup,
                )
            )
        risks = bulk_create_with_history(risks, Risk, default_date=self.setup, default_user=self.manager)
        by_area: dict[int, list[Action]] = {}
        for action in self.actions:
            by_area.setdefault(action.area_id, []).append(action)
        Risk.actions.through.objects.bulk_create(
            [
                Risk.actions.through(risk_id=risk.pk, action_id=action.pk)
                for risk in risks
                for action in rng.sample(by_area.get(risk.area_id, []), min(2, len(by_area.get(risk.area_id, []))))
            ]
        )
        reviews = []
        for k, period in enumerate(self.periods):
            reviewed_at = self.windows[k][0] + timedelta(days=2)
            if reviewed_at >= self.now:
                continue
            for risk in risks:
                owner = risk.owner
                step = rng.choice([-1, -1, 0, 0, 0, 1])
                if rng.random() < 0.5:
                    risk.current_likelihood = min(5, max(1, risk.current_likelihood + step))
                else:
                    risk.current_impact = min(5, max(1, risk.current_impact + step))
                review = RiskReview(
                    risk=risk,
                    reviewed_on=timezone.localdate(reviewed_at),
                    period=period,
                    likelihood=risk.current_likelihood,
                    impact=risk.current_impact,
                    note=texts.REVIEW_NOTES[(k + risk.pk) % len(texts.REVIEW_NOTES)],
                    reviewed_by_id=owner.user_id,
                    reviewed_by_officer=owner,
                    updated_at=reviewed_at,
                )
                review._history_date, review._history_user = reviewed_at, owner.user
                reviews.append(review)
                risk.next_review = review.reviewed_on + timedelta(days=risk.review_every_days)
                risk.version += 1
                risk.updated_at, risk._history_date, risk._history_user = reviewed_at, reviewed_at, owner.user
            Risk.history.bulk_history_create(risks, update=True)
        bulk_create_with_history(reviews, RiskReview, batch_size=BATCH)
        Risk.objects.bulk_update(
            risks, ["current_likelihood", "current_impact", "next_review", "version", "updated_at"], batch_size=BATCH
        )

    def _governance(self) -> None:
        """Board members' challenges to this round's ratings (half answered) and the parent carer forum's
        comments on earlier updates (half answered), one per 25 and per 10 actions."""
        rng, n = self.rng, self.n
        members = [self.users[f"bench-member-{m:02}"] for m in range(1, BOARD_MEMBERS + 1)]
        current = self.updates[-n:]  # the open period's updates, one per action
        challenges, answered = [], []
        for update in rng.sample(current, max(2, n // 25) if n >= 2 else 1):
            raised = self.between(update.submitted_at, self.now)
            challenge = Challenge(
                action=update.action,
                progress_update=update,
                period=update.period,
                challenged_rag=update.rag,
                text=texts.CHALLENGE,
                raised_by=rng.choice(members),
                raised_at=raised,
                updated_at=raised,
            )
            challenge._history_date = raised
            challenges.append(challenge)
            if rng.random() < 0.5:
                answered.append((challenge, update, self.between(raised, self.now)))
        bulk_create_with_history(challenges, Challenge)
        for challenge, update, when in answered:
            challenge.status, challenge.resolution = Challenge.Status.RESOLVED, Challenge.Resolution.EXPLAINED
            challenge.response = texts.CHALLENGE_RESPONSE
            challenge.responded_by_id, challenge.responded_by_officer = (
                update.submitted_by_id,
                update.submitted_by_officer,
            )
            challenge.responded_at = challenge.updated_at = challenge._history_date = when
            challenge.version = 2
        if answered:
            bulk_update_with_history(
                [c for c, _, _ in answered],
                Challenge,
                ["status", "resolution", "response", "responded_by", "responded_by_officer", "responded_at"]
                + ["updated_at", "version"],
            )

        earlier = self.updates[:-n] or self.updates
        comments, responded = [], []
        for update in rng.sample(earlier, min(len(earlier), max(2, n // 10))):
            written = self.between(update.submitted_at, self.now)
            comment = CoproductionComment(
                action=update.action,
                progress_update=update,
                text=rng.choice(texts.COMMENTS),
                publishable=rng.random() < 0.67,
                author=self.users["bench-pcf"],
                author_officer=self.pcf_officer,
                created_at=written,
                updated_at=written,
            )
            comment._history_date = written
            comments.append(comment)
            if rng.random() < 0.5:
                responded.append((comment, update, self.between(written, self.now)))
        bulk_create_with_history(comments, CoproductionComment)
        for comment, update, when in responded:
            comment.response = texts.WE_DID
            comment.responded_by_id = update.submitted_by_id
            comment.responded_at = comment.updated_at = comment._history_date = when
            comment.version = 2
        if responded:
            bulk_update_with_history(
                [c for c, _, _ in responded],
                CoproductionComment,
                ["response", "responded_by", "responded_at", "updated_at", "version"],
            )
