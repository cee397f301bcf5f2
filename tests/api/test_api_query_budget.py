"""Every API table costs the same number of queries for a plan of 50 actions as for one of 500 (benchmarks'
seed_bench: 12 periods with an update for every action in each, 60 KPIs with values and milestones, 40 risks
reviewed every period, all with their history)."""

import pytest
from django.db import transaction

from benchmarks.seed import seed_bench
from tests.api.conftest import ApiClient, token_for

# Every call: 1 the token with its user, 2 its last-used stamp, 3 the user's roles, 4 the plan (?plan=) exists.
# Then the table's own reads, each one query on a history table (actions.as_at.rows_as_at: the latest row of each
# record at the moment):
BUDGETS = {
    "plans": 4 + 1,  # plans
    "periods": 4 + 1,  # periods
    "areas": 4 + 1,  # areas
    # areas, actions, plans, leads (the actions' history rows' leads), officers
    "actions": 4 + 5,  # with ?period= 2 more: the periods and the ratings (test below)
    "action-ratings": 4 + 5,  # areas, actions, plans, periods, the updates
    "progress-updates": 4 + 2,  # periods, the submitted updates
    "kpis": 4 + 1,  # KPIs
    "milestones": 4 + 2,  # KPIs, milestones
    "measurements": 4 + 2,  # KPIs, values
    "risks": 4 + 2,  # the plan's risk bands, risks
    "risk-reviews": 4 + 2,  # risks, reviews
}


@pytest.fixture(scope="module", params=[50, 500])
def bench(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        plan = seed_bench(actions=request.param)
        yield plan, token_for(plan.lead, "Budget")
        transaction.set_rollback(True)


@pytest.mark.parametrize("table", list(BUDGETS))
def test_each_table_costs_the_same_at_50_and_500_actions(bench, db, table, django_assert_num_queries):
    plan, token = bench
    api = ApiClient(token)
    with django_assert_num_queries(BUDGETS[table]):
        response = api.get(f"/api/v1/{table}/", plan=plan.plan.pk, limit=5000)
    assert response.status_code == 200
    assert response.json()["count"] > 0


def test_actions_rated_as_at_a_period_cost_the_same_at_50_and_500(bench, db, django_assert_num_queries):
    plan, token = bench
    # 4 as every call, with the period and its plan in one; 5 as the actions table; the periods and the ratings.
    with django_assert_num_queries(4 + 5 + 2):
        response = ApiClient(token).get("/api/v1/actions/", period=plan.report_period.pk, limit=5000)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all(row["period_rag"] for row in rows)
