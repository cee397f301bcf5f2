"""KPIs as published in the plan workbook: periods in words, status, comparators, restatements (every value, the
current last), benchmark and directional targets, the baseline's qualifier. The demo plans' round trip, KPIs
included, is in tests/sendplan/test_demo.py."""

import io
from decimal import Decimal

from openpyxl import load_workbook

from kpis.models import Measurement, Milestone
from workbooks import exporter
from workbooks.importer import import_workbook


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
