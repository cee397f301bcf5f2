"""The board chair's dashboard, a reporting round's page, the rounds list and the challenges page cost the same
number of queries for 50 actions and for 500, each with 6 periods of updates. Its own module, because the
module-scoped plans stay in the database while its tests run."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import models, transaction
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from actions.models import Action, AreaOfWeakness, Plan, ProgressUpdate, Rag, ReportingPeriod
from actions.permissions import Role
from governance.models import Challenge
from kpis.models import Kpi, Milestone
from risks.models import Risk
from tests import factories
from tests.governance.test_dashboard import SET_UP, at

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("dashboard_query_budget")


def build_plan(actions: int) -> Plan:
    factories.make_user("charlie", Role.BOARD_CHAIR)
    council = factories.make_organisation("Riverside Council", "council")
    icb = factories.make_organisation("Riverside ICB", "icb")
    officers = [factories.make_officer(f"Lead {n}", f"Person {n}", (council, icb)[n % 2]) for n in range(6)]
    plan = Plan.objects.create(
        slug="big", local_area="Riverside", plan_type="wsoa", title="WSoA", start_date=date(2024, 9, 1)
    )
    periods = []
    for n in range(6):
        start = date(2024, 9, 1) + timedelta(days=91 * n)
        periods.append(
            ReportingPeriod.objects.create(
                plan=plan,
                name=f"Period {n + 1}",
                start=start,
                end=start + timedelta(days=90),
                status="open" if n == 5 else "closed",
            )
        )
    areas = [AreaOfWeakness.objects.create(plan=plan, ref=str(n + 1), title=f"Area {n + 1}", order=n) for n in range(5)]
    ratings = [Rag.GREEN, Rag.AMBER, Rag.RED, Rag.WHITE]
    created = bulk_create_with_history(
        [
            Action(
                area=areas[i % 5],
                ref=f"{i % 5 + 1}.{i}",
                text=f"Action {i}",
                due_date=date(2025, 1, 1) + timedelta(days=i),
                current_rag=ratings[i % 4],
                coproduction_level=["coproduced", "consulted", ""][i % 3],
                order=i,
            )
            for i in range(actions)
        ],
        Action,
        default_date=SET_UP,
    )
    created = list(Action.objects.filter(area__plan=plan))
    Action.leads.through.objects.bulk_create(
        [Action.leads.through(action=a, officer=officers[(i + k) % 6]) for i, a in enumerate(created) for k in range(3)]
    )
    updates = []
    for p, period in enumerate(periods):
        for i, action in enumerate(created):
            rag = ratings[(i + p) % 4]
            updates.append(
                ProgressUpdate(
                    action=action,
                    period=period,
                    rag=rag,
                    progress="Progress",
                    impact="Impact" if rag == Rag.GREEN else "",
                    recovery_note="Recovery" if rag == Rag.RED else "",
                    submitted_at=at(period.end),
                )
            )
    bulk_create_with_history(updates, ProgressUpdate, default_date=SET_UP)
    for n in range(10):
        kpi = Kpi.objects.create(
            plan=plan, area=areas[n % 5], ref=f"K{n}", measure="Measure", category="how_well", unit="percent"
        )
        for months in (3, 6, 12):
            Milestone.objects.create(
                kpi=kpi,
                months=months,
                due_date=date(2024, 9, 1) + timedelta(days=30 * months),
                rag=Rag.RED if n % 3 == 0 else "",
                suggested_rag=Rag.RED if n % 3 == 0 else "",
            )
    for n in range(12):
        Risk.objects.create(
            plan=plan,
            ref=f"R{n}",
            risk="If this, then that",
            owner=officers[n % 6],
            current_likelihood=1 + n % 5,
            current_impact=1 + (n * 2) % 5,
            next_review=date(2026, 1, 1),
        )
    for action in created[:: max(1, actions // 10)]:
        Challenge.objects.create(
            action=action, challenged_rag=action.current_rag or Rag.GREEN, text="Why?", raised_by_officer=officers[0]
        )
    return plan


@pytest.fixture(scope="module", params=[50, 500], ids=lambda n: f"{n}-actions")
def big_plan(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        plan = build_plan(request.param)
        yield plan
        transaction.set_rollback(True)


# Session, user, roles, plan; the data-version token (sendplan.page_cache: the body's cache key); areas, actions,
# leads, periods, updates (their ratings), the Red updates' words, RAG key, KPIs, milestones, risk bands, risk
# positions before, risks, their linked actions, challenges, challengers; the filter form's areas and organisations.
DASHBOARD_QUERIES = 23
# Nothing had been rated or challenged by then: no Red updates' words, no challengers to read.
PAST_AREA_QUERIES = 17


def test_dashboard_query_count_is_flat(client, db, big_plan, django_assert_num_queries):
    client.force_login(User.objects.get(username="charlie"))
    url = reverse("dashboard", args=[big_plan.slug])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    area_id = big_plan.areas.first().pk
    # Filtered to an area, as it stood a year ago: the past risk register comes from history without the links
    # to actions that the present one prefetches.
    with django_assert_num_queries(PAST_AREA_QUERIES):
        response = client.get(url, {"area": area_id, "as_at_0": "1", "as_at_1": "6", "as_at_2": "2025"})
    assert response.status_code == 200


def _chair(client):
    client.force_login(User.objects.get(username="charlie"))


def test_round_page_query_count_is_flat(client, db, big_plan, django_assert_num_queries):
    _chair(client)
    period = big_plan.periods.get(status="open")
    # 1 session, 2 user, 3 role groups, 4 the period with its plan, 5 the round's actions with area, 6 their leads
    # with organisations.
    with django_assert_num_queries(6):
        response = client.get(reverse("round-detail", args=[period.pk]))
    assert response.status_code == 200
    assert response.context["page"].overall.total == big_plan.areas.aggregate(n=models.Count("actions"))["n"]


def test_round_list_query_count_is_flat(client, db, big_plan, django_assert_num_queries):
    _chair(client)
    # 1 session, 2 user, 3 role groups, 4 plan, 5 its periods with their update counts.
    with django_assert_num_queries(5):
        response = client.get(reverse("round-list", args=[big_plan.slug]))
    assert [row.updates for row in response.context["rounds"]] == [
        big_plan.areas.aggregate(n=models.Count("actions"))["n"]
    ] * 6


def test_challenge_list_query_count_is_flat(client, db, big_plan, django_assert_num_queries):
    _chair(client)
    # 1 session, 2 user, 3 role groups, 4 plan, 5 challenges with action, area, plan, period and people; the flags:
    # 6 Red milestones with their KPIs, 7 Green or Blue actions in those areas.
    with django_assert_num_queries(7):
        response = client.get(reverse("challenge-list", args=[big_plan.slug]))
    assert len(response.context["challenges"]) == 10
    assert response.context["flags"]
