"""KPIs as areas publish them: periods in their own words, provisional and projected values, restatements kept
beside the value they replace, comparators per period, benchmark targets, directional targets judged by direction
of travel, and a baseline with its own qualifier. On the KPI page, the scorecard and the forms."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kpis.models import Measurement
from kpis.services import measurement_record, milestone_add

pytestmark = pytest.mark.django_db


def record(kpi_world, day, value, **extra):
    return measurement_record(
        kpi=kpi_world.timeliness, period_date=day, value=Decimal(value), by=kpi_world.world.alice, **extra
    )


def form_data(**overrides):
    data = {
        "period_label": "Q4 2025",
        "period_date_0": "31",
        "period_date_1": "12",
        "period_date_2": "2025",
        "value": "44",
        "status": "provisional",
        "england_value": "51.2",
        "neighbours_value": "",
        "region_value": "48",
        "note": "Before validation",
    }
    return data | overrides


def test_the_owner_records_a_quarter_as_published_with_its_status_and_comparators(client, kpi_world):
    client.force_login(kpi_world.world.alice)
    response = client.post(reverse("measurement-new", args=[kpi_world.timeliness.pk]), form_data(), follow=True)
    assert "Value for Q4 2025 recorded." in response.content.decode()
    measurement = Measurement.objects.get()
    assert (measurement.period_label, measurement.period_date, measurement.status) == (
        "Q4 2025",
        date(2025, 12, 31),
        "provisional",
    )
    assert measurement.comparators == [("England", Decimal("51.2")), ("Region", Decimal(48))]
    page = response.content.decode()
    assert "Q4 2025" in page and "to 31 Dec 2025" in page
    assert 'govuk-tag--yellow">Provisional</strong>' in page
    assert "England: 51.2%" in page and "Region: 48%" in page

    scorecard = client.get(reverse("scorecard", args=[kpi_world.world.plan.slug])).content.decode()
    assert "Q4 2025" in scorecard and "Provisional</strong>" in scorecard
    assert "England 51.2% · Region 48%" in scorecard


def test_a_second_value_for_the_period_restates_it_and_the_pages_strike_the_old_one_through(client, kpi_world):
    client.force_login(kpi_world.world.alice)
    url = reverse("measurement-new", args=[kpi_world.timeliness.pk])
    client.post(url, form_data())
    response = client.post(url, form_data(value="46", status="actual", note="Validated"), follow=True)
    page = response.content.decode()
    assert "Value for Q4 2025 restated: it was 44% (provisional)." in page
    assert Measurement.objects.count() == 2 and Measurement.objects.current().get().value == Decimal(46)
    assert "Restated on" in page and "from <del>44%</del> (provisional)" in page
    scorecard = client.get(reverse("scorecard", args=[kpi_world.world.plan.slug])).content.decode()
    assert "<strong>46%</strong>" in scorecard and "from <del>44%</del> (provisional)" in scorecard
    # The comparators typed again with the restatement stay with the period.
    assert Measurement.objects.current().get().england_value == Decimal("51.2")


@pytest.mark.parametrize("refused_by", ["validation", "the database's index"])
def test_a_value_recorded_for_the_period_while_another_was_being_entered_is_not_overwritten(
    client, kpi_world, monkeypatch, refused_by
):
    """Two people record the first value for a period at once: both look for one and find none, the first saves,
    and the second is refused, by the model's validation if the first was saved before it, else by the database's
    one-current-value index. Its form comes back with what was typed and who got there first; the first value
    stands; submitting again restates it, both kept."""
    from kpis import services, views

    if refused_by == "the database's index":
        # Both validated before either was saved: only the index stands between them.
        monkeypatch.setattr(Measurement, "validate_constraints", lambda self, exclude=None: None)

    # The page's own look for the value it would restate (to say so) is not part of the race: only the service's.
    monkeypatch.setattr(views, "current_measurement", services.current_measurement)
    manager = kpi_world.world.manager
    theirs = measurement_record(
        kpi=kpi_world.timeliness, period_date=date(2025, 12, 31), period_label="Q4 2025", value=Decimal(41), by=manager
    )
    looked = []
    real = services.current_measurement

    def looked_before_theirs_was_saved(*args, **kwargs):
        looked.append(1)
        return None if len(looked) == 1 else real(*args, **kwargs)

    monkeypatch.setattr(services, "current_measurement", looked_before_theirs_was_saved)
    client.force_login(kpi_world.world.alice)
    url = reverse("measurement-new", args=[kpi_world.timeliness.pk])
    response = client.post(url, form_data(value="44"))
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{manager.get_full_name() or manager.get_username()} recorded a value for this period at" in page
    assert 'value="44"' in page and "Before validation" in page
    assert [(m.value, m.restated_at) for m in Measurement.objects.all()] == [(Decimal(41), None)]
    monkeypatch.undo()
    assert client.post(url, form_data(value="44")).status_code == 302
    theirs.refresh_from_db()
    assert theirs.restated_at is not None and Measurement.objects.get(restated_at=None).value == Decimal(44)


def test_restating_only_the_note_or_comparators_corrects_the_row_in_place(client, kpi_world):
    measurement = record(kpi_world, date(2025, 11, 30), "41")
    client.force_login(kpi_world.world.alice)
    data = {"value": "41", "status": "actual", "note": "", "england_value": "50", "version": measurement.version}
    response = client.post(reverse("measurement-edit", args=[measurement.pk]), data, follow=True)
    assert "Note and comparators for 30 November 2025 saved." in response.content.decode()
    assert Measurement.objects.count() == 1
    measurement.refresh_from_db()
    assert (measurement.england_value, measurement.version) == (Decimal(50), 2)


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"value": "150"}, "value", "A percentage must be between 0 and 100"),
        ({"england_value": "-3"}, "england_value", "A percentage must be between 0 and 100"),
        ({"region_value": "lots"}, "region_value", "Enter a number."),
        ({"period_label": "x" * 61}, "period_label", "at most 60 characters"),
        ({"status": "guessed"}, "status", "Select a valid choice"),
        ({"period_date_1": "13"}, "period_date", ""),
        ({"neighbours_value": "1e400"}, "neighbours_value", ""),
    ],
)
def test_any_input_is_refused_beside_its_field_and_what_was_typed_is_shown_again(
    client, kpi_world, overrides, field, message
):
    client.force_login(kpi_world.world.alice)
    response = client.post(reverse("measurement-new", args=[kpi_world.timeliness.pk]), form_data(**overrides))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    page = response.content.decode()
    assert 'value="Q4 2025"' in page or field == "period_label"
    assert "Before validation" in page
    assert not Measurement.objects.exists()


def test_a_descriptive_kpi_takes_no_comparators(client, kpi_world):
    client.force_login(kpi_world.world.bob)
    response = client.get(reverse("measurement-new", args=[kpi_world.strategy.pk]))
    assert "england_value" not in response.context["form"].fields
    assert "period_label" in response.context["form"].fields


def test_a_directional_target_is_judged_by_whether_the_value_moved_the_right_way(kpi_world):
    kpi = kpi_world.timeliness  # higher is better, tolerance 5, baseline 32.6%
    kpi.milestones.all().delete()
    rising = milestone_add(kpi=kpi, months=12, target_text="Increase in %", target_direction=True, by=None)
    record(kpi_world, date(2025, 10, 31), "35")
    rising.refresh_from_db()
    assert rising.suggested_rag == "green"  # 35 against the baseline 32.6: up
    record(kpi_world, date(2025, 11, 30), "35")
    rising.refresh_from_db()
    assert rising.suggested_rag == "amber"  # no change
    record(kpi_world, date(2025, 12, 31), "33")
    rising.refresh_from_db()
    assert rising.suggested_rag == "amber"  # down 2, within the tolerance of 5
    record(kpi_world, date(2026, 1, 31), "27")
    rising.refresh_from_db()
    assert (rising.suggested_rag, rising.rag) == ("red", "red")  # down 6
    # A restatement is judged, not the value it replaced.
    record(kpi_world, date(2026, 1, 31), "36")
    rising.refresh_from_db()
    assert rising.suggested_rag == "green"


def test_a_directional_target_has_no_number(kpi_world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        milestone_add(kpi=kpi_world.timeliness, months=18, target_value=Decimal(5), target_direction=True, by=None)
    assert "has no number" in str(raised.value)


def test_benchmark_targets_directions_and_the_baseline_qualifier_are_shown(client, kpi_world):
    kpi = kpi_world.timeliness
    kpi.baseline_qualifier = "Jan 24"
    kpi.save()
    milestone_add(kpi=kpi, months=18, target_benchmark="national average 2023/24", by=None)
    milestone_add(
        kpi=kpi, months=24, target_benchmark="statistical neighbours 2024/25", target_value=Decimal(55), by=None
    )
    milestone_add(kpi=kpi, months=36, target_direction=True, by=None)
    client.force_login(kpi_world.world.chair)
    page = client.get(kpi.get_absolute_url()).content.decode()
    assert "32.6% " in page and "(Jan 24)" in page
    assert "Target: national average 2023/24" in page
    assert "Target 55%<br>Benchmark: statistical neighbours 2024/25" in page
    assert "Target: increase, judged by direction of travel" in page
    scorecard = client.get(reverse("scorecard", args=[kpi_world.world.plan.slug])).content.decode()
    assert "(Jan 24)" in scorecard
    assert "Target: national average 2023/24" in scorecard
    assert 'Target 55%\n<br><span class="govuk-body-s">by' not in scorecard  # the benchmark follows the number
    assert "Benchmark: statistical neighbours 2024/25" in scorecard and "Target: increase" in scorecard


def test_a_value_recorded_again_keeps_the_periods_comparators_unless_given(kpi_world):
    first = record(kpi_world, date(2025, 12, 31), "44", comparators={"england_value": Decimal("51.2")})
    second = record(kpi_world, date(2025, 12, 31), "46", comparators={"england_value": None, "region_value": 48})
    assert (second.pk != first.pk, second.england_value, second.region_value) == (True, Decimal("51.2"), 48)


def test_the_kpis_own_changes_are_in_its_history(kpi_world):
    from actions.locking import save_versioned
    from kpis import selectors
    from kpis.models import Kpi

    kpi = Kpi.objects.get(pk=kpi_world.timeliness.pk)
    kpi.baseline_qualifier = "Jan 24"
    save_versioned(kpi, expected_version=kpi.version, by=kpi_world.world.manager)
    milestone_add(kpi=kpi, months=18, target_benchmark="national average 2023/24", by=kpi_world.world.manager)
    record(kpi_world, date(2025, 12, 31), "44", period_label="Q4 2025", comparators={"england_value": 51})
    changes = {(c.object_label, c.field, c.old, c.new) for c in selectors.kpi_history(kpi)}
    assert ("KPI", "Baseline qualifier", "(blank)", "Jan 24") in changes
    assert ("18-month milestone", "Benchmark", "(new)", "national average 2023/24") in changes
    assert ("Value for Q4 2025", "Period as published", "(new)", "Q4 2025") in changes
    assert ("Value for Q4 2025", "England", "(new)", "51.00") in changes
    assert not any(c[1] == "Judged by direction of travel" for c in changes)


def test_the_owner_sets_a_benchmark_target_or_a_direction_on_the_milestone_form(client, kpi_world):
    twelve = kpi_world.timeliness.milestones.get(months=12)
    url = reverse("milestone-target", args=[twelve.pk])
    client.force_login(kpi_world.world.alice)
    assert "By direction of travel" in client.get(url).content.decode()
    data = {"target_text": "", "target_value": "", "target_benchmark": "national average 2023/24", "version": 1}
    # A direction with a number is refused beside the number, keeping what was typed.
    refused = client.post(url, data | {"target_value": "55", "judged_by": "direction"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "has no number" in page and 'value="national average 2023/24"' in page
    saved = client.post(url, data | {"judged_by": "value", "version": twelve.version}, follow=True)
    assert "Target of the 12-month milestone of 1.K1 saved." in saved.content.decode()
    twelve.refresh_from_db()
    assert (twelve.target_benchmark, twelve.target_value, twelve.target_direction) == (
        "national average 2023/24",
        None,
        False,
    )
    client.post(url, data | {"target_benchmark": "", "judged_by": "direction", "version": twelve.version})
    twelve.refresh_from_db()
    assert (twelve.target_direction, twelve.target_benchmark) == (True, "")
    # Someone else's edit in between: nothing saved, their change shown.
    stale = client.post(url, data | {"judged_by": "value", "version": 1})
    assert stale.status_code == 409
    twelve.refresh_from_db()
    assert twelve.target_direction is True
