"""KPIs as published in the plan workbook: periods in words, status, comparators, restatements (every value, the
current last), benchmark and directional targets, the baseline's qualifier. Export -> import into an empty
database -> export gives the same cells for the demo plans, and importing the same workbook again changes nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from actions.models import Plan
from kpis.models import Kpi, Measurement, Milestone
from workbooks import exporter
from workbooks.importer import import_workbook

DEMO_SLUGS = ["oxfordshire-app-2020", "rbwm-wsoa-2017"]


def _cells(content: bytes, names=None):
    book = load_workbook(io.BytesIO(content))
    return {
        name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
        for name in book.sheetnames
        if names is None or name in names
    }


def _empty_the_database():
    """Everything the demo loaded that would stop its plans being deleted, then the plans."""
    from actions.models import ProgressUpdate
    from boards.models import Board
    from governance.models import Challenge
    from reports.models import PublishedFile, TermlyReport

    PublishedFile.objects.all().delete()
    TermlyReport.objects.all().delete()
    Challenge.objects.all().delete()
    ProgressUpdate.objects.all().delete()
    Board.objects.all().delete()
    Plan.objects.all().delete()


@pytest.mark.django_db
def test_the_demo_plans_round_trip_through_the_workbook_with_no_cell_changed(monkeypatch, django_user_model):
    monkeypatch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n%%EOF\n")
    call_command("load_demo", stdout=io.StringIO())
    manager = django_user_model.objects.get(username="manager")
    first = {slug: exporter.export_workbook(Plan.objects.get(slug=slug)) for slug in DEMO_SLUGS}
    # What the demo shows of KPIs as published is in the file.
    measurements = _cells(first["oxfordshire-app-2020"], ["Measurements"])["Measurements"]
    header = measurements[0]
    assert header[:5] == ("kpi", "date", "period label", "value", "status")
    december = [row for row in measurements if row[0] == "2.K10" and row[1].date() == date(2020, 12, 31)]
    assert [(row[3], row[4]) for row in december] == [(54.6, "provisional"), (55.8, "actual")]
    assert any(row[2] == "12 months ending January 2021" and row[5] == 15.4 for row in measurements)

    _empty_the_database()
    assert not Measurement.objects.exists()
    for slug in DEMO_SLUGS:
        result = import_workbook(io.BytesIO(first[slug]), by=manager, dry_run=False)
        assert result.ok, [str(p) for p in result.problems][:5]
    second = {slug: exporter.export_workbook(Plan.objects.get(slug=slug)) for slug in DEMO_SLUGS}
    for slug in DEMO_SLUGS:
        before, after = _cells(first[slug]), _cells(second[slug])
        differing = [
            (sheet, n, a, b)
            for sheet in before
            for n, (a, b) in enumerate(zip(before[sheet], after[sheet], strict=False))
            if a != b
        ]
        assert differing == [], differing[:3]
        assert {sheet: len(rows) for sheet, rows in before.items()} == {s: len(r) for s, r in after.items()}

    restated = Measurement.objects.get(kpi__ref="2.K10", period_date=date(2020, 12, 31), restated_at__isnull=False)
    assert (restated.value, restated.status, restated.restated_at.date()) == (
        Decimal("54.6"),
        "provisional",
        date(2021, 2, 15),
    )
    twelve = Milestone.objects.get(kpi__ref="2.K9", months=12)
    assert (twelve.target_value, twelve.target_benchmark) == (Decimal(60), "England average 2019")
    assert Kpi.objects.get(ref="2.K9").baseline_qualifier == "Jan 20"

    again = import_workbook(io.BytesIO(second["oxfordshire-app-2020"]), by=manager, dry_run=False)
    assert again.ok and again.changed.get("Measurement", 0) == again.created.get("Measurement", 0) == 0
    assert Measurement.objects.filter(kpi__ref="2.K10").count() == 14


def _plan_workbook_with(plan, sheets: dict[str, list[list]]) -> io.BytesIO:
    """The plan's own export with some sheets replaced by `sheets`, as a person would edit it."""
    book = load_workbook(io.BytesIO(exporter.export_workbook(plan)))
    for title, rows in sheets.items():
        index = book.sheetnames.index(title)
        book.remove(book[title])
        sheet = book.create_sheet(title, index)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_tracker_with_quarters_a_restatement_a_direction_and_a_benchmark_imports(world, kpi_world):
    kpi = kpi_world.timeliness
    kpi.milestones.all().delete()
    content = _plan_workbook_with(
        world.plan,
        {
            "Milestones": [
                ["kpi", "months", "target", "target value", "benchmark"],
                ["1.K1", 12, "Increase in %", "Increase", ""],
                ["1.K1", 24, "", "", "national average 2023/24"],
            ],
            "Measurements": [
                ["kpi", "period end", "period label", "value", "status", "England", "Stat neighbours", "region"],
                ["1.K1", "31/12/2025", "Q4 2025", "41%", "provisional", "", "", ""],
                ["1.K1", "31/12/2025", "Q4 2025", "43%", "actual", "51.2", "48", ""],
                ["1.K1", "31/03/2026", "Q1 2026", "45", "", "", "", ""],
            ],
        },
    )
    result = import_workbook(content, by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    values = list(Measurement.objects.order_by("period_date", "recorded_at", "id"))
    assert [(m.period_label, m.value, m.status, m.restated_at is not None) for m in values] == [
        ("Q4 2025", Decimal(41), "provisional", True),
        ("Q4 2025", Decimal(43), "actual", False),
        ("Q1 2026", Decimal(45), "actual", False),
    ]
    assert (values[1].england_value, values[1].neighbours_value) == (Decimal("51.2"), Decimal(48))
    twelve, twenty_four = Milestone.objects.filter(kpi=kpi).order_by("months")
    assert (twelve.target_direction, twelve.target_value, twelve.suggested_rag) == (True, None, "green")
    assert (twenty_four.target_benchmark, twenty_four.target_value) == ("national average 2023/24", None)


def test_a_direction_against_the_kpis_polarity_is_a_problem(world, kpi_world):
    content = _plan_workbook_with(
        world.plan, {"Milestones": [["kpi", "months", "target value"], ["1.K1", 12, "decrease"]]}
    )
    result = import_workbook(content, by=world.manager, dry_run=False)
    assert not result.ok
    assert "the wrong way: for this KPI higher is better" in str(result.problems[0])
