"""KPI values are checked against the KPI's unit: a percentage is 0 to 100, a count a whole number of 0 or more,
days and rates 0 or more. On the form, in the services, and so in the workbook import."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kpis.models import Kpi, Measurement
from kpis.rules import unit_value_error
from kpis.services import kpi_create, measurement_record, measurement_restate
from workbooks import exporter
from workbooks.importer import import_workbook


@pytest.mark.parametrize(
    "unit, value, refused",
    [
        ("percent", "0", False),
        ("percent", "100", False),
        ("percent", "54.5", False),
        ("percent", "150", True),
        ("percent", "100.01", True),
        ("percent", "-1", True),
        ("count", "12", False),
        ("count", "0", False),
        ("count", "12.5", True),
        ("count", "-3", True),
        ("days", "140.5", False),
        ("days", "-1", True),
        ("rate", "3.2", False),
        ("rate", "-0.5", True),
    ],
)
def test_each_unit_takes_only_values_it_can_hold(unit, value, refused):
    assert bool(unit_value_error(unit, Decimal(value))) is refused


def test_the_form_refuses_150_percent_and_shows_what_was_typed(client, kpi_world):
    client.force_login(kpi_world.world.alice)
    url = reverse("measurement-new", args=[kpi_world.timeliness.pk])
    data = {"period_date_0": "30", "period_date_1": "11", "period_date_2": "2025", "status": "actual"}
    response = client.post(url, {**data, "value": "150"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "A percentage must be between 0 and 100, for example 54.5. You entered 150." in page
    assert 'value="150"' in page
    assert not Measurement.objects.exists()
    accepted = client.post(url, {**data, "value": "100"})
    assert accepted.status_code == 302
    assert Measurement.objects.get().value == Decimal(100)


def test_the_form_says_a_count_must_be_whole_and_not_negative(client, kpi_world):
    world = kpi_world.world
    referrals = kpi_create(
        kpi=Kpi(
            plan=world.plan, ref="C1", measure="Referrals", category="how_much", unit="count", owner=world.head_of_send
        ),
        by=world.manager,
        milestones=[],
    )
    client.force_login(world.alice)
    url = reverse("measurement-new", args=[referrals.pk])
    data = {"period_date_0": "30", "period_date_1": "11", "period_date_2": "2025", "status": "actual"}
    half = client.post(url, {**data, "value": "2.5"}).content.decode()
    assert "A count must be a whole number, 0 or more, for example 12. You entered 2.5." in half
    negative = client.post(url, {**data, "value": "-4"}).content.decode()
    assert "You entered -4." in negative
    assert not Measurement.objects.exists()


def test_the_services_refuse_it_too_whoever_calls_them(kpi_world):
    alice = kpi_world.world.alice
    with pytest.raises(ValidationError) as raised:
        measurement_record(kpi=kpi_world.timeliness, period_date=date(2025, 11, 30), value=Decimal(150), by=alice)
    assert "between 0 and 100" in raised.value.message_dict["value"][0]
    recorded = measurement_record(kpi=kpi_world.timeliness, period_date=date(2025, 11, 30), value=Decimal(41), by=alice)
    with pytest.raises(ValidationError):
        measurement_restate(
            measurement=recorded,
            value=Decimal(-2),
            value_text="",
            note="",
            status="actual",
            by=alice,
            expected_version=recorded.version,
        )
    recorded.refresh_from_db()
    assert recorded.value == Decimal(41)


def test_a_restated_value_out_of_range_is_refused_on_the_form(client, kpi_world):
    alice = kpi_world.world.alice
    recorded = measurement_record(kpi=kpi_world.timeliness, period_date=date(2025, 11, 30), value=Decimal(41), by=alice)
    client.force_login(alice)
    data = {"value": "150", "status": "actual", "note": "", "version": recorded.version}
    response = client.post(reverse("measurement-edit", args=[recorded.pk]), data)
    assert response.status_code == 400
    assert "A percentage must be between 0 and 100" in response.content.decode()


def test_a_baseline_or_target_out_of_range_is_refused(kpi_world):
    kpi = kpi_world.timeliness
    kpi.baseline_value = Decimal(120)
    with pytest.raises(ValidationError) as raised:
        kpi.full_clean()
    assert "baseline_value" in raised.value.message_dict
    milestone = kpi.milestones.get(months=3)
    milestone.target_value = Decimal(140)
    with pytest.raises(ValidationError) as raised:
        milestone.full_clean()
    assert "target_value" in raised.value.message_dict


def test_an_imported_value_of_150_percent_is_a_problem_on_its_row(world, kpi_world):
    from openpyxl import load_workbook

    measurement_record(kpi=kpi_world.timeliness, period_date=world.period.start, value=Decimal(41), by=world.alice)
    book = load_workbook(io.BytesIO(exporter.export_workbook(world.plan)))
    sheet = book["Measurements"]
    headers = [cell.value for cell in sheet[1]]
    sheet.cell(row=2, column=headers.index("value") + 1, value=150)
    edited = io.BytesIO()
    book.save(edited)
    result = import_workbook(io.BytesIO(edited.getvalue()), by=world.manager, dry_run=False)
    assert not result.applied
    assert any("between 0 and 100" in problem.reason for problem in result.problems)
    assert Measurement.objects.get().value == Decimal(41)
