"""Query budgets for the scorecard and the exceptions page: 60 KPIs x 24 measurements, and flat with half."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import Kpi, Measurement
from kpis.rules import months_after
from kpis.services import kpi_create, kpi_refresh_suggestions, measurement_record


def build_kpis(world, count: int) -> list[Kpi]:
    officers = [world.head_of_send, world.dco, world.council_colleague]
    kpis = []
    for i in range(count):
        higher = i % 3 != 0
        kpi = kpi_create(
            kpi=Kpi(
                plan=world.plan,
                area=world.area if i % 2 == 0 else None,
                ref=f"K{i:02d}",
                measure=f"Measure {i}",
                category=list(Kpi.Category)[i % 3],
                unit=Kpi.Unit.PERCENT,
                polarity=Kpi.Polarity.HIGHER if higher else Kpi.Polarity.LOWER,
                baseline_value=Decimal(40),
                owner=officers[i % 3],
                tolerance=Decimal(3),
            ),
            by=world.manager,
            milestones=[
                (3, "", Decimal(45 if higher else 35)),
                (6, "", Decimal(50 if higher else 30)),
                (12, "", Decimal(60 if higher else 25)),
                (24, "", Decimal(70 if higher else 20)),
            ],
        )
        Measurement.objects.bulk_create(
            Measurement(
                kpi=kpi,
                period_date=months_after(date(2025, 9, 30), month),
                # Three in four KPIs move 2 points a month the right way and meet every target; the rest stay
                # flat at the baseline and fall behind.
                value=Decimal(40 + (0 if i % 4 == 0 else 2 if higher else -2) * month),
                status="projected" if month == 23 else "actual",
            )
            for month in range(24)
        )
        kpi_refresh_suggestions(kpi=kpi, by=world.manager)
        kpis.append(kpi)
    return kpis


@pytest.mark.parametrize("count", [30, 60])
def test_scorecard_query_budget(client, world, django_assert_num_queries, count):
    build_kpis(world, count)
    client.force_login(world.chair)
    url = reverse("scorecard", args=[world.plan.slug])
    # 1 session, 2 user, 3 role groups, 4 plan, 5 filter's areas, 6 filter's owners, 7 KPIs with area and owner,
    # 8 their milestones, 9 their measurements; 10 the data-version token the cached part is keyed on.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == count
    assert response.content.decode().count("<svg") == count


@pytest.mark.parametrize("count", [30, 60])
def test_filtered_scorecard_query_budget(client, world, django_assert_num_queries, count):
    build_kpis(world, count)
    client.force_login(world.chair)
    url = reverse("scorecard", args=[world.plan.slug])
    query = {"area": world.area.pk, "category": "how_well", "owner": world.dco.pk, "rag": "red"}
    # As above, plus 11 the chosen area and 12 the chosen owner, checked by the filter form.
    with django_assert_num_queries(12):
        response = client.get(url, query)
    rows = response.context["rows"]
    assert rows, "the filters should leave some KPIs"
    assert all(r.kpi.area == world.area and r.kpi.owner == world.dco and r.headline_rag == "red" for r in rows)


@pytest.mark.parametrize("count", [30, 60])
def test_exceptions_query_budget(client, world, django_assert_num_queries, count):
    kpis = build_kpis(world, count)
    client.force_login(world.alice)
    url = reverse("kpi-exceptions", args=[world.plan.slug])
    # 1 session, 2 user, 3 role groups, 4 plan, 5 KPIs, 6 milestones, 7 measurements, 8 alice's officer record
    # (to know which KPIs she may comment on).
    with django_assert_num_queries(8):
        response = client.get(url)
    rows = response.context["rows"]
    assert 0 < len(rows) < len(kpis)
    assert all(r.exceptions for r in rows)


@pytest.mark.parametrize("count", [30, 60])
def test_my_actions_with_kpi_panel_query_budget(client, world, django_assert_num_queries, count):
    build_kpis(world, count)
    client.force_login(world.alice)
    # 1 session, 2 user, 3 role groups, 4 officer, 5 KPIs she owns, 6 milestones, 7 measurements, 8 her risks with
    # overdue reviews, 9 her actions, 10 open periods, 11 her open board actions, 12 open challenges to her ratings,
    # 13 the data-version token the cached page is keyed on.
    with django_assert_num_queries(13):
        response = client.get(reverse("my-actions"))
    assert "KPI commentary needed" in response.content.decode()


@pytest.mark.parametrize("count", [30, 60])
def test_restated_values_and_comparators_cost_the_scorecard_no_query(client, world, django_assert_num_queries, count):
    kpis = build_kpis(world, count)
    # Each KPI's latest value restated with a comparator (where build_kpis's bulk-made value is a real percentage:
    # some "lower is better" ones run below 0): the earlier values come in the same prefetch.
    restated = 0
    for kpi in kpis:
        latest = kpi.measurements.current().filter(status="actual").order_by("period_date").last()
        if not 0 <= latest.value <= 100:
            continue
        measurement_record(
            kpi=kpi,
            period_date=latest.period_date,
            value=Decimal(45),
            status="actual",
            comparators={"england_value": Decimal(50)},
            by=world.manager,
        )
        restated += 1
    assert restated >= count / 2
    client.force_login(world.chair)
    url = reverse("scorecard", args=[world.plan.slug])
    # The same ten queries as test_scorecard_query_budget.
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    assert page.count("<del>") == restated and page.count("England 50%") == restated
