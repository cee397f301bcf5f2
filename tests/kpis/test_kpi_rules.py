"""KPI arithmetic: milestone dates, the suggested RAG for both polarities, direction of travel."""

from datetime import date
from decimal import Decimal

import pytest

from kpis.rules import Direction, direction_of_travel, months_after, suggest_rag


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2020, 2, 1), 3, date(2020, 5, 1)),
        (date(2020, 2, 1), 12, date(2021, 2, 1)),
        (date(2020, 11, 30), 3, date(2021, 2, 28)),
        (date(2019, 8, 31), 6, date(2020, 2, 29)),
    ],
)
def test_milestone_dates_count_months_from_the_plan_start(start, months, expected):
    assert months_after(start, months) == expected


@pytest.mark.parametrize(
    ("value", "target", "higher", "expected"),
    [
        ("60", "60", True, "green"),
        ("61.5", "60", True, "green"),
        ("56", "60", True, "amber"),  # 4 short, tolerance 5
        ("55", "60", True, "amber"),  # exactly at the tolerance
        ("54.9", "60", True, "red"),
        ("12", "14", False, "green"),  # exclusions: lower is better
        ("18", "14", False, "amber"),
        ("19.1", "14", False, "red"),
    ],
)
def test_suggested_rag_follows_target_polarity_and_tolerance(value, target, higher, expected):
    assert (
        suggest_rag(value=Decimal(value), target=Decimal(target), higher_is_better=higher, tolerance=Decimal("5"))
        == expected
    )


def test_no_suggestion_without_a_value_or_a_numeric_target():
    assert suggest_rag(value=None, target=Decimal(1), higher_is_better=True, tolerance=Decimal(0)) == ""
    assert suggest_rag(value=Decimal(1), target=None, higher_is_better=True, tolerance=Decimal(0)) == ""


@pytest.mark.parametrize(
    ("previous", "latest", "higher", "expected"),
    [
        ("40", "45", True, Direction.IMPROVING),
        ("40", "35", True, Direction.WORSENING),
        ("14", "12", False, Direction.IMPROVING),
        ("14", "16", False, Direction.WORSENING),
        ("14", "14", False, Direction.NO_CHANGE),
        (None, "14", True, Direction.UNKNOWN),
    ],
)
def test_direction_of_travel_depends_on_polarity(previous, latest, higher, expected):
    prev = Decimal(previous) if previous else None
    assert direction_of_travel(prev, Decimal(latest), higher_is_better=higher) == expected


def test_the_trajectory_runs_straight_from_the_anchor_to_the_target():
    from kpis.rules import on_trajectory

    level = on_trajectory(
        start=date(2025, 12, 1), start_value=Decimal(40), due=date(2026, 3, 1), target=Decimal(50), on=date(2026, 1, 15)
    )
    assert level == Decimal(40) + Decimal(10) * Decimal(45) / Decimal(90)
    assert on_trajectory(
        start=date(2026, 1, 1), start_value=Decimal(1), due=date(2026, 1, 1), target=Decimal(9), on=date(2026, 1, 1)
    ) == Decimal(9)
