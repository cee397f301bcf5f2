"""Query budgets for the risk register and heat map with 200 risks (and the same with 100)."""

from datetime import date

import pytest
from django.urls import reverse

from risks.models import Risk, RiskReview


def build_risks(world, count: int) -> None:
    """`count` scored risks, each with two linked actions and history before and after the closed period."""
    from datetime import datetime

    from django.utils import timezone

    owners = [world.head_of_send, world.dco, world.council_colleague]
    actions = [world.alice_action, world.bob_action, world.shared_action, world.colleague_action]
    for i in range(count):
        risk = Risk(
            plan=world.plan,
            area=world.area if i % 2 else None,
            ref=f"R{i:03d}",
            risk=f"If risk {i} happens, then something bad follows.",
            owner=owners[i % 3],
            inherent_likelihood=4,
            inherent_impact=5,
            current_likelihood=1 + i % 5,
            current_impact=1 + (i // 5) % 5,
            next_review=date(2026, 1, 1 + i % 28),
        )
        risk._history_date = timezone.make_aware(datetime(2025, 10, 1))
        risk.save()
        risk.actions.set(actions[i % 4 : i % 4 + 2])
        # A later change, after the closed period ended: the register must read the older position.
        risk.current_likelihood = 1 + (i + 1) % 5
        risk._history_date = timezone.make_aware(datetime(2026, 2, 1))
        risk.save()
        RiskReview.objects.create(risk=risk, reviewed_on=date(2026, 2, 1), likelihood=1, impact=1, note="x")


@pytest.mark.parametrize("count", [100, 200])
def test_register_query_budget(client, world, django_assert_num_queries, count):
    build_risks(world, count)
    client.force_login(world.chair)
    # 1 session, 2 user, 3 role groups, 4 plan, 5 filter's areas, 6 filter's owners, 7 risks with area, owner and
    # organisation, 8 their linked actions, 9 the plan's bands, 10 the previous closed period, 11 positions from
    # history at its end; 12 the data-version token the cached part is keyed on.
    with django_assert_num_queries(12):
        response = client.get(reverse("risk-register", args=[world.plan.slug]))
    rows = response.context["register"].rows
    assert len(rows) == count
    assert {row.direction for row in rows} >= {"up", "down"}


@pytest.mark.parametrize("count", [100, 200])
def test_filtered_register_query_budget(client, world, django_assert_num_queries, count):
    build_risks(world, count)
    client.force_login(world.chair)
    query = {"area": world.area.pk, "owner": world.dco.pk, "band": "medium", "overdue": "yes", "sort": "next_review"}
    # As above, plus 13 the chosen area and 14 the chosen owner, checked by the filter form.
    with django_assert_num_queries(14):
        response = client.get(reverse("risk-register", args=[world.plan.slug]), query)
    rows = response.context["register"].rows
    assert rows
    assert all(r.band == "medium" and r.risk.owner == world.dco and r.risk.review_overdue for r in rows)


@pytest.mark.parametrize("count", [100, 200])
def test_heat_map_query_budget(client, world, django_assert_num_queries, count):
    build_risks(world, count)
    client.force_login(world.chair)
    # 1 session, 2 user, 3 role groups, 4 plan, 5 risks, 6 linked actions, 7 bands, 8 previous period, 9 positions.
    with django_assert_num_queries(9):
        response = client.get(reverse("risk-heat-map", args=[world.plan.slug]))
    heat = response.context["heat"]
    assert heat.open_count == count
    assert len(heat.moved) == count
