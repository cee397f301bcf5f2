"""Query budgets for the pages people open most: the count is fixed, whatever the size of the plan.

Each page is measured at two sizes of the same partnership; the second has double the areas, actions per area and
reporting periods, so a query inside a loop (per area, action, lead, update or history row) would change the count.
Both sizes are built once per module (the pages only read), inside a transaction rolled back at the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AreaOfWeakness, Finding, Officer, Outcome, Plan, Rag, ReportingPeriod
from actions.permissions import Role
from actions.services import plan_roll_forward, progress_update_submit, record_save, role_groups_sync
from evidence.models import EvidenceFile
from planfields.selectors import record_values
from planfields.services import own_values_save, plan_field_add
from tests import factories

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("query_budgets")


@dataclass(frozen=True)
class Size:
    name: str
    areas: int
    actions_per_area: int
    periods: int
    revisions: int  # extra revisions of the focus action's update in each period, for a long history


SMALL = Size("small", areas=3, actions_per_area=15, periods=3, revisions=2)
LARGE = Size("large", areas=6, actions_per_area=30, periods=6, revisions=4)

# (post title, person, organisation key, login). Every officer has a login, so history rows name a person.
# Alice comes first; the others are ordered so that any two neighbours work for different organisations.
OFFICERS = [
    ("Head of SEND", "Alice Moreno", "council", "alice"),
    ("Designated Clinical Officer", "Bob Hale", "icb", "bob"),
    ("Therapies Service Lead", "Erin Walsh", "trust", "erin"),
    ("Co-chair", "Gus Reid", "pcf", "gus"),
    ("Head of Children's Commissioning", "Dev Patel", "icb", "dev"),
    ("CAMHS Clinical Lead", "Finn Okoro", "trust", "finn"),
]
ORGANISATIONS = {
    "council": ("Riverside Council", "council"),
    "icb": ("Riverside ICB", "icb"),
    "trust": ("Riverside Community NHS Trust", "nhs_trust"),
    "pcf": ("Riverside Parent Carer Forum", "pcf"),
}
# Ratings cycle through the scale; in the last closed period every ninth action is rated blue (completed).
RATINGS = [Rag.AMBER, Rag.GREEN, Rag.RED, Rag.WHITE]


@dataclass
class Partnership:
    plan: Plan
    areas: list[AreaOfWeakness]
    actions: list[Action]
    focus: Action  # led by alice, with every period's update revised several times and its due date revised
    users: dict[str, User]
    lead: Officer


def _rating_fields(rag: str, text: str) -> dict:
    fields = {"rag": rag, "progress": f"{text}: work this period."}
    if rag in (Rag.GREEN, Rag.BLUE):
        fields["impact"] = f"{text}: families see the difference."
    if rag == Rag.RED:
        fields["recovery_note"] = f"{text}: extra staff from next month."
    if rag == Rag.BLUE:
        fields["completion_date"] = timezone.localdate() - timedelta(days=30)
    return fields


def _submit(action: Action, period: ReportingPeriod, by: User, **fields) -> None:
    # The service moves `action` itself on (version, RAG, status), so the instance stays current between calls.
    progress_update_submit(action=action, period=period, by=by, expected_version=action.version, **fields)


def build_partnership(size: Size) -> Partnership:
    """A plan with `size.areas` areas of `size.actions_per_area` actions, each led by two or three officers from
    different organisations (alice leads two in three), with partners and updates in three reporting periods."""
    role_groups_sync()
    organisations = {key: factories.make_organisation(name, kind) for key, (name, kind) in ORGANISATIONS.items()}
    officers = [factories.make_officer(post, person, organisations[org]) for post, person, org, _ in OFFICERS]
    users, user_of = {}, {}
    for (*_, login), officer in zip(OFFICERS, officers, strict=True):
        users[login] = user_of[officer.pk] = factories.make_user(login, Role.SEND_LEAD, officer=officer)
    users["morgan"] = factories.make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)
    users["charlie"] = factories.make_user("charlie", Role.BOARD_CHAIR)
    alice, others = officers[0], officers[1:]

    plan = Plan.objects.create(
        slug="riverside-wsoa",
        local_area="Riverside",
        plan_type=Plan.PlanType.WSOA,
        title="Written Statement of Action",
        start_date=date(2024, 9, 1),
        published=date(2024, 9, 1),
        predecessor=Plan.objects.create(
            slug="riverside-2019",
            local_area="Riverside",
            plan_type="improvement",
            title="SEND strategy",
            start_date=date(2019, 9, 1),
        ),
    )
    plan.accountable_officers.set(officers[::2])
    for code, definition in [("blue", "completed"), ("green", "on track"), ("amber", "slipping"), ("red", "off")]:
        plan.rag_key.create(code=code, label=code.title(), definition=definition)
    periods = [
        ReportingPeriod.objects.create(
            plan=plan,
            name=f"Period {n + 1}",
            start=date(2024, 9, 1) + timedelta(days=91 * n),
            end=date(2024, 9, 1) + timedelta(days=91 * n + 90),
            update_deadline=date(2024, 9, 1) + timedelta(days=91 * n + 80),
        )
        for n in range(size.periods)
    ]

    today = timezone.localdate()
    areas, actions = [], []
    submitter: dict[int, User] = {}  # the first lead's login, who writes the action's updates
    for a in range(size.areas):
        area = AreaOfWeakness.objects.create(plan=plan, ref=str(a + 1), title=f"Area {a + 1} of weakness", order=a)
        area.owners.set([alice, others[a % len(others)]])
        findings = [Finding.objects.create(area=area, ref=f"{a + 1}.{f}", text=f"Finding {f}") for f in (1, 2)]
        outcomes = [
            Outcome.objects.create(area=area, finding=finding, ref=letter, text=f"Outcome {letter}")
            for finding, letter in zip(findings, "ab", strict=True)
        ]
        areas.append(area)
        for n in range(size.actions_per_area):
            i = len(actions)
            leads = [others[i % len(others)], others[(i + 1) % len(others)]]
            if i % 3 != 2:
                leads.insert(0, alice)
            due = today - timedelta(days=10 + i) if i % 4 == 0 else today + timedelta(days=30 + i)
            action = Action.objects.create(
                area=area,
                ref=f"{a + 1}.{n + 1}",
                text=f"Action {a + 1}.{n + 1}: join up the EHC needs assessment pathway",
                outcome=outcomes[n % 2],
                due_date=due if i % 5 else None,
                due_label="ongoing" if i % 5 == 0 else "",
                order=n,
            )
            action.leads.set(leads)
            # Jointly accountable on every other action (decision 0023): their organisations must not cost a query each.
            action.accountable_officers.set(officers[i % len(officers) : i % len(officers) + 1 + i % 2])
            submitter[action.pk] = user_of[leads[0].pk]
            action.partners.set([organisations["pcf"], organisations["trust"]])
            actions.append(action)

    focus = actions[0]
    for p, period in enumerate(periods):
        period.status = ReportingPeriod.Status.OPEN
        period.save(update_fields=["status"])
        is_open = p == len(periods) - 1
        # Updates in three periods: every action in the last two closed ones, half of them in the open one so far.
        # The focus action is updated in every period (the large plan doubles its updates) and revised each time.
        for i, action in enumerate(actions):
            updates_now = (i % 2 == 0) if is_open else p >= len(periods) - 3
            if action.status != Action.Status.OPEN or not (updates_now or action == focus):
                continue
            rag = Rag.BLUE if p == len(periods) - 2 and i % 9 == 4 else RATINGS[(i + p) % len(RATINGS)]
            _submit(action, period, submitter[action.pk], **_rating_fields(rag, f"{action.ref} {period.name}"))
        for r in range(size.revisions):
            _submit(focus, period, users["alice"], **_rating_fields(RATINGS[r % len(RATINGS)], f"Revision {r}"))
        if not is_open:
            period.status = ReportingPeriod.Status.CLOSED
            period.save(update_fields=["status"])
    _own_fields(plan, areas, actions, focus, size, users["morgan"])
    focus.revised_due_date = today + timedelta(days=200)
    focus.revised_due_reason = "Waiting for the new panel to start."
    focus.percent_complete = 40
    record_save(instance=focus, expected_version=focus.version, by=users["morgan"])
    return Partnership(plan=plan, areas=areas, actions=actions, focus=focus, users=users, lead=alice)


def _own_fields(plan, areas, actions, focus, size, by) -> None:
    """The plan's own fields (one per reporting period, so the large plan has more), a value in each for every
    area and action, and the focus action's values revised as often as its updates: a query per field, value or
    history row would change the count."""
    area_fields = [
        plan_field_add(plan=plan, applies_to="area", label=f"Success criteria {n}", kind="long", by=by)
        for n in range(size.periods)
    ]
    action_fields = [
        plan_field_add(plan=plan, applies_to="action", label=f"Directorate {n}", kind="short", public=n % 2 == 0, by=by)
        for n in range(size.periods)
    ]
    for record, fields in [*((area, area_fields) for area in areas), *((action, action_fields) for action in actions)]:
        own_values_save(record=record, texts={f.pk: f"{f.label} of {record.ref}" for f in fields}, versions={}, by=by)
    for r in range(size.revisions):
        versions = {v.field.pk: v.version for v in record_values(focus)}
        own_values_save(record=focus, texts={f.pk: f"Revision {r}" for f in action_fields}, versions=versions, by=by)


@pytest.fixture(scope="module", params=[SMALL, LARGE], ids=lambda size: size.name)
def partnership(request, django_db_setup, django_db_blocker):
    """Built once per size and shared by the module's tests (which only read), then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = build_partnership(request.param)
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def as_user(client, db, partnership):
    def login(username: str):
        client.force_login(partnership.users[username])
        return client

    return login


def test_my_actions(as_user, partnership, django_assert_num_queries):
    client = as_user("alice")
    # 1 session, 2 user, 3 her role groups, 4 her officer record, 5 the actions she leads with area, plan and the
    # overdue / needs-update annotations, 6 the open period of each plan, 7 the KPIs she owns (none here, so their
    # milestones and values are not fetched), 8 her risks with overdue reviews, 9 her open board actions, 10 open
    # challenges to ratings of actions she may update; 11 the data-version token the cached page is keyed on.
    with django_assert_num_queries(11):
        response = client.get(reverse("my-actions"))
    assert response.status_code == 200
    mine = response.context["mine"]
    listed = [a.pk for group in mine.groups for a in group.actions]
    led = [a for a in Action.objects.filter(leads=partnership.lead)]
    # Completed actions are hidden by default (counted for the "Show completed actions" link).
    assert sorted(listed) == sorted(a.pk for a in led if a.status == Action.Status.OPEN)
    assert mine.completed == sum(a.status != Action.Status.OPEN for a in led) > 0
    # Overdue actions first, from every area; then one table per area.
    assert [g.area for g in mine.groups[1:]] == partnership.areas
    assert mine.groups[0].area is None and mine.overdue == len(mine.groups[0].actions) > 0
    assert mine.needing_update > 0


def test_action_list(as_user, partnership, django_assert_num_queries):
    client = as_user("charlie")
    # 1 session, 2 user, 3 role groups, 4 count for the pager; the filter form's choices: 5 plans, 6 areas,
    # 7 officers, 8 organisations; 9 the page of actions with area, plan and annotations, 10 their leads;
    # 11 the data-version token the cached list is keyed on.
    with django_assert_num_queries(11):
        response = client.get(reverse("action-list"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == len(partnership.actions)
    assert len(page.object_list) == min(len(partnership.actions), 50)


def test_action_list_filtered(as_user, partnership, django_assert_num_queries):
    client = as_user("charlie")
    icb = partnership.users["bob"].officer.organisation
    query = {"plan": partnership.plan.pk, "organisation": icb.pk, "needs_update": "yes"}
    # 1 session, 2 user, 3 role groups, 4 the chosen plan, 5 the chosen organisation, 6 count; the form's choices:
    # 7 plans, 8 areas, 9 officers, 10 organisations; 11 the page of actions, 12 their leads; 13 the token; 14 the
    # values in use of the chosen plan's own short fields, the choices of their filters (planfields).
    with django_assert_num_queries(14):
        response = client.get(reverse("action-list"), query)
    assert response.status_code == 200
    shown = response.context["page"].object_list
    assert len(shown) > 10
    assert all(a.needs_update and icb in {lead.organisation for lead in a.leads.all()} for a in shown)


def test_action_list_csv(as_user, partnership, django_assert_num_queries):
    client = as_user("charlie")
    # 1 session, 2 user, 3 role groups, 4 the values of the plans' own short fields for these actions (planfields'
    # columns), 5 every action with area, plan and annotations, 6 their leads.
    with django_assert_num_queries(6):
        response = client.get(reverse("action-list"), {"format": "csv"})
    assert response.status_code == 200
    assert len(response.content.decode().splitlines()) == len(partnership.actions) + 1


def test_plan_detail(as_user, partnership, django_assert_num_queries):
    client = as_user("charlie")
    # 1 session, 2 user, 3 role groups, 4 the plan with its predecessor, 5 its areas, 6 their owners,
    # 7 action counts per area and RAG, 8 periods, 9 RAG key, 10 accountable officers with organisations;
    # 11 the data-version token the cached page is keyed on; the changes to its header between editions: 12 the
    # plan's history with who made each change, 13 the accountable officers of each history row, 14 the labels of
    # the plans it followed.
    with django_assert_num_queries(14):
        response = client.get(reverse("plan-detail", args=[partnership.plan.slug]))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.areas) == len(partnership.areas)
    assert sum(count for _, _, count in page.totals) == len(partnership.actions)


def test_area_detail(as_user, partnership, django_assert_num_queries):
    client = as_user("charlie")
    area = partnership.areas[0]
    # 1 session, 2 user, 3 role groups, 4 the area with its plan, 5 its actions with annotations, 6 their leads,
    # 7 findings, 8 outcomes with their findings, 9 the area's owners; 10 the data-version token; 11 the plan's own
    # fields for areas, each with the area's value (planfields: one query whatever the number of fields).
    with django_assert_num_queries(11):
        response = client.get(reverse("area-detail", args=[area.pk]))
    assert response.status_code == 200
    assert len(response.context["page"].actions) == area.actions.count()


def test_action_detail(as_user, partnership, django_assert_num_queries):
    client = as_user("alice")
    focus = partnership.focus
    # Evidence files on every update (rows only: listing them reads no bytes), so a query per update would show.
    # (This test writes: undone with the test's own transaction.)
    for update in focus.updates.all():
        for name in ("Minutes.pdf", "Audit.xlsx"):
            EvidenceFile.objects.create(
                update=update,
                file=f"evidence/{update.pk}-{name}",
                original_name=name,
                content_type="application/pdf",
                size=10,
                uploaded_by=partnership.users["alice"],
                uploaded_at=timezone.now(),
            )
    # 1 session, 2 user, 3 role groups, 4 the action with area and plan (the access check and the title); can she
    # update it (and so see its draft): 5 her officer record, 6 whether she leads it; 7 the data-version token the
    # cached part of the page is keyed on. The cached part, built here: 8 the action with outcome, finding,
    # the action it was carried from and the overdue / needs-update annotations, 9 leads with organisations,
    # 10 partners, 11 the actions carried from it, with area and plan, 12 its (joint) accountable officers with
    # organisations; 13 the plan's periods, 14 the action's updates (and draft) with period, officer and the name of
    # who held the officer's post then, 15 RAG key, 16 the action's history, 17 its updates' history (with period
    # and the user's officer); labels for the history's foreign keys: 18 areas, 19 outcomes; the "Challenges and
    # comments" tab: 20 challenges to its ratings with who
    # raised and answered them, 21 co-production comments with their authors and periods; the plan's own fields
    # (planfields, one query each whatever the number of fields and values): 22 the history of the action's values
    # with each field's label, 23 the plan's fields for actions, each with the action's value; evidence files (one
    # query each whatever the number of files): 24 their history, for the History tab, 25 the files of its submitted
    # updates with who added them.
    with django_assert_num_queries(25):
        response = client.get(reverse("action-detail", args=[focus.pk]))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.updates) == focus.updates.count() == partnership.plan.periods.count()
    assert len(page.history) > 20
    assert response.context["can_update"] is True
    assert response.content.decode().count(">Audit.xlsx</a>") == focus.updates.count()


def test_action_detail_after_roll_forward(as_user, partnership, django_assert_num_queries):
    """Both ends of a carried action show the link to the other at no extra cost. (This test writes: the roll
    forward is undone with the test's own transaction.)"""
    area = partnership.areas[0]
    carried = list(area.actions.filter(status=Action.Status.OPEN))
    plan = plan_roll_forward(
        source=partnership.plan,
        slug="riverside-app",
        title="Accelerated Progress Plan",
        plan_type=Plan.PlanType.APP,
        start_date=date(2026, 9, 1),
        areas=[area],
        actions=carried,
        by=partnership.users["morgan"],
    )
    client = as_user("alice")
    # The same 25 as test_action_detail: the action it was carried to is query 11.
    with django_assert_num_queries(25):
        response = client.get(reverse("action-detail", args=[partnership.focus.pk]))
    assert "Action 1.1 of Accelerated Progress Plan</a>" in response.content.decode()
    copy = Action.objects.get(area__plan=plan, ref=partnership.focus.ref)
    # The copy: the 25 of test_action_detail (its periods and updates are none yet, its history one row) and
    # 26 the label of the action it was carried from, for its History tab.
    with django_assert_num_queries(26):
        response = client.get(reverse("action-detail", args=[copy.pk]))
    assert "Action 1.1 of Written Statement of Action</a>" in response.content.decode()
