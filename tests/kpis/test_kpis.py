"""KPIs: milestones from the plan start, measurements, suggested RAG, overrides with reasons, exceptions."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpis import selectors
from kpis.models import Measurement
from kpis.services import measurement_record, measurement_restate, milestone_add, milestone_assess


def record(kpi_world, day, value, status="actual"):
    return measurement_record(
        kpi=kpi_world.timeliness, period_date=day, value=Decimal(value), status=status, by=kpi_world.world.alice
    )


def milestone(kpi_world, months):
    return kpi_world.timeliness.milestones.get(months=months)


def test_milestones_are_dated_from_the_plan_start_and_other_horizons_allowed(kpi_world):
    assert [(m.months, m.due_date) for m in kpi_world.timeliness.milestones.all()] == [
        (3, date(2025, 12, 1)),
        (6, date(2026, 3, 1)),
        (12, date(2026, 9, 1)),
    ]
    extra = milestone_add(kpi=kpi_world.timeliness, months=24, target_value=Decimal(70), by=kpi_world.world.manager)
    assert extra.due_date == date(2027, 9, 1)


def test_a_value_suggests_the_rag_of_each_milestone_it_can_judge(kpi_world):
    # The 3-month milestone is ahead: 41 on 30 Nov is above the line from 32.6 (1 Sep) to 40 (1 Dec).
    record(kpi_world, date(2025, 11, 30), "41")
    assert (milestone(kpi_world, 3).suggested_rag, milestone(kpi_world, 3).rag) == ("green", "green")
    # Milestones further ahead are not judged yet.
    assert (milestone(kpi_world, 6).suggested_rag, milestone(kpi_world, 12).suggested_rag) == ("", "")
    record(kpi_world, date(2026, 2, 28), "46")
    assert milestone(kpi_world, 3).suggested_rag == "green"  # passed: judged on the value at its due date
    # 6 months is ahead: the line from 40 (1 Dec) to 50 (1 Mar) stands at 49.9 on 28 Feb; 46 is within 5.
    assert milestone(kpi_world, 6).rag == "amber"


def test_projected_values_never_drive_the_rag(kpi_world):
    record(kpi_world, date(2025, 11, 30), "30")
    record(kpi_world, date(2025, 12, 31), "80", status="projected")
    assert milestone(kpi_world, 3).suggested_rag == "red"


def test_overriding_the_suggestion_needs_a_reason_and_keeps_both(kpi_world):
    record(kpi_world, date(2026, 2, 28), "43")
    six = milestone(kpi_world, 6)
    assert six.suggested_rag == "red"
    with pytest.raises(ValidationError) as raised:
        milestone_assess(
            milestone=six,
            rag="amber",
            override_reason="",
            commentary="",
            by=kpi_world.world.alice,
            expected_version=six.version,
        )
    assert "The numbers suggest Red" in raised.value.message_dict["override_reason"][0]
    milestone_assess(
        milestone=six,
        rag="amber",
        override_reason="January cohort data not complete",
        commentary="",
        by=kpi_world.world.alice,
        expected_version=six.version,
    )
    six.refresh_from_db()
    assert (six.suggested_rag, six.rag, six.is_overridden) == ("red", "amber", True)
    # A later value keeps the person's rating, and its reason, while the suggestion moves.
    record(kpi_world, date(2026, 3, 1), "44")
    six.refresh_from_db()
    assert (six.rag, six.override_reason) == ("amber", "January cohort data not complete")


def test_a_restated_value_is_kept_beside_the_new_one_which_is_current(kpi_world):
    first = record(kpi_world, date(2025, 11, 30), "41", status="provisional")
    restated = measurement_restate(
        measurement=first,
        value=Decimal("38.5"),
        value_text="",
        note="Validated figure",
        status="actual",
        by=kpi_world.world.alice,
        expected_version=first.version,
    )
    first.refresh_from_db()
    assert restated.pk != first.pk
    assert (first.value, first.status, first.restated_at is not None) == (Decimal("41"), "provisional", True)
    assert (restated.value, restated.restated_at) == (Decimal("38.5"), None)
    assert list(Measurement.objects.current().values_list("value", flat=True)) == [Decimal("38.5")]
    assert milestone(kpi_world, 3).rag == "amber"  # judged on 38.5 (1.5 short of 40), not the restated 41
    row = selectors.kpi_row(kpi_world.timeliness)
    assert [m.pk for m in row.measurements] == [restated.pk]
    assert [m.pk for m in row.latest.earlier] == [first.pk]
    changes = selectors.kpi_history(kpi_world.timeliness)
    assert any(c.field == "Restated" and c.object_label == "Value for November 2025" for c in changes)
    assert any(c.field == "Value" and c.old == "(new)" and c.new == "38.50" for c in changes)


def test_a_second_value_for_the_same_period_restates_the_first(kpi_world):
    first = record(kpi_world, date(2025, 11, 30), "41")
    second = record(kpi_world, date(2025, 11, 30), "42")
    assert Measurement.objects.count() == 2
    assert list(Measurement.objects.current()) == [second]
    first.refresh_from_db()
    assert first.restated_at is not None
    # The same end date with other words is another period ("Q4 2025" beside "November 2025"), not a restatement.
    quarter = measurement_record(
        kpi=kpi_world.timeliness,
        period_date=date(2025, 11, 30),
        period_label="Sep to Nov 2025",
        value=Decimal(40),
        by=kpi_world.world.alice,
    )
    assert Measurement.objects.current().count() == 2 and quarter.period == "Sep to Nov 2025"


def test_a_value_already_restated_cannot_be_restated_again(kpi_world):
    first = record(kpi_world, date(2025, 11, 30), "41")
    record(kpi_world, date(2025, 11, 30), "42")
    first.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        measurement_restate(
            measurement=first,
            value=Decimal(43),
            value_text="",
            note="",
            status="actual",
            by=kpi_world.world.alice,
            expected_version=first.version,
        )
    assert "Restate the current value instead" in raised.value.messages[0]
    assert Measurement.objects.count() == 2


def test_descriptive_kpis_take_words_and_a_person_rates_them(kpi_world):
    measurement_record(
        kpi=kpi_world.strategy,
        period_date=date(2025, 12, 1),
        value=None,
        value_text="Draft out for consultation",
        by=kpi_world.world.bob,
    )
    three = kpi_world.strategy.milestones.get(months=3)
    assert three.suggested_rag == ""
    milestone_assess(
        milestone=three,
        rag="amber",
        override_reason="",
        commentary="Consultation closes in January",
        by=kpi_world.world.bob,
        expected_version=three.version,
    )
    three.refresh_from_db()
    assert (three.rag, three.commentary_by) == ("amber", kpi_world.world.dco)


def test_exceptions_list_red_milestones_and_missed_current_targets_until_commented(kpi_world, client):
    record(kpi_world, date(2025, 11, 30), "41")
    assert selectors.exceptions(kpi_world.world.plan) == []
    # 3 months passed on 41 (green); 34 at 31 Dec is far below the line towards 50 by 1 Mar (43.3 by then).
    record(kpi_world, date(2025, 12, 31), "34")
    rows = selectors.exceptions(kpi_world.world.plan)
    assert [(r.kpi.ref, [m.months for m in r.exceptions]) for r in rows] == [("1.K1", [6])]
    assert [d.milestone.months for d in selectors.commentary_due(kpi_world.world.alice)] == [6]

    client.force_login(kpi_world.world.alice)
    page = client.get(reverse("my-actions")).content.decode()
    assert "KPI commentary needed" in page

    six = milestone(kpi_world, 6)
    milestone_assess(
        milestone=six,
        rag=six.rag,
        override_reason="",
        commentary="Two caseworkers off sick; agency cover from March.",
        by=kpi_world.world.alice,
        expected_version=six.version,
    )
    assert selectors.commentary_due(kpi_world.world.alice) == []
    assert "KPI commentary needed" not in client.get(reverse("my-actions")).content.decode()
    # A newer value asks for fresh commentary.
    record(kpi_world, date(2026, 1, 31), "33")
    assert [d.milestone.months for d in selectors.commentary_due(kpi_world.world.alice)] == [6]


def test_direction_of_travel_uses_the_last_two_real_values(kpi_world):
    record(kpi_world, date(2025, 11, 30), "41")
    record(kpi_world, date(2025, 12, 31), "39")
    record(kpi_world, date(2026, 1, 31), "45", status="projected")
    row = selectors.kpi_row(kpi_world.timeliness)
    assert (row.direction, row.arrow, row.latest.value, row.projected.value) == (
        "worsening",
        "↓",
        Decimal("39.00"),
        Decimal("45.00"),
    )
    assert "Trend of % of new EHC plans issued within 20 weeks: 41% in November 2025" in row.chart.title


def test_a_milestone_due_before_the_first_value_is_judged_on_the_baseline(kpi_world):
    kpi = kpi_world.timeliness
    kpi.baseline_date = date(2025, 9, 1)
    kpi.save()
    record(kpi_world, date(2026, 1, 31), "45")  # first value after the 3-month due date (1 Dec)
    assert milestone(kpi_world, 3).suggested_rag == "red"  # 32.6 at the baseline is 7.4 short of 40
