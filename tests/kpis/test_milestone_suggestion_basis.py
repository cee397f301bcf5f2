"""The milestone form says exactly which value, of which date, the suggested RAG came from: the value at the
milestone's due date once it has passed, the baseline when nothing was recorded by then, or the latest value
against the line to the target for the milestone ahead."""

import re
from datetime import date
from decimal import Decimal

from django.urls import reverse

from kpis.services import measurement_record


def record(kpi_world, day, value):
    measurement_record(kpi=kpi_world.timeliness, period_date=day, value=Decimal(value), by=kpi_world.world.alice)


def suggestion_text(client, kpi_world, months) -> str:
    milestone = kpi_world.timeliness.milestones.get(months=months)
    client.force_login(kpi_world.world.alice)
    page = client.get(reverse("milestone-edit", args=[milestone.pk])).content.decode()
    row = re.search(r"Suggested RAG</dt><dd[^>]*>(.*?)</dd>", page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_a_passed_milestone_names_the_value_at_its_due_date_not_the_latest(client, kpi_world):
    record(kpi_world, date(2026, 2, 28), "43")
    record(kpi_world, date(2026, 3, 31), "70")  # the latest value, after the 6-month due date (1 March)
    text = suggestion_text(client, kpi_world, 6)
    assert text == (
        "Red from the last value on or before the due date (1 March 2026): 43% for 28 February 2026, against "
        "the target of 50%; higher is better, with a tolerance of 5%."
    )
    assert "latest" not in text


def test_the_milestone_ahead_names_the_latest_value_and_the_level_it_was_held_to(client, kpi_world):
    record(kpi_world, date(2026, 2, 28), "46")
    assert suggestion_text(client, kpi_world, 6) == (
        "Amber from the latest value, 46% for 28 February 2026, against 49.9%: where the KPI needed to be on that "
        "date to reach the target of 50% by 1 March 2026; higher is better, with a tolerance of 5%."
    )


def test_a_milestone_with_no_value_by_its_due_date_names_the_baseline(client, kpi_world):
    kpi = kpi_world.timeliness
    kpi.baseline_date = date(2025, 9, 1)
    kpi.save()
    record(kpi_world, date(2026, 1, 31), "45")
    assert suggestion_text(client, kpi_world, 3) == (
        "Red from the baseline, 32.6% on 1 September 2025, as no value was recorded by the due date "
        "(1 December 2025), against the target of 40%; higher is better, with a tolerance of 5%."
    )
