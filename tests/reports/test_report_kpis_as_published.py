"""The termly report shows KPIs as published: the period in its own words, provisional values marked, a restated
value with the one it replaced struck through, comparators, benchmark and directional targets and the baseline's
qualifier; as the KPI stood when the round closed (a restatement made later is not in it). HTML and PDF."""

from datetime import date
from decimal import Decimal

import pytest

from actions.models import Rag
from kpis.models import Kpi, Milestone
from kpis.services import measurement_record
from reports.content import period_closed_at
from reports.rendering import render_body, render_pdf
from tests.reports.test_reports import build_term, content_of, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world):
    kpi = Kpi.objects.create(
        plan=world.plan,
        area=world.area,
        ref="K2",
        measure="Suspensions of pupils with an EHC plan, per 100 pupils",
        category="better_off",
        unit="rate",
        polarity="lower",
        baseline_value=Decimal("14.2"),
        baseline_qualifier="Jan 24",
    )
    Milestone.objects.create(
        kpi=kpi, months=6, due_date=date(2026, 3, 1), target_benchmark="national average 2023/24", rag=Rag.AMBER
    )
    Milestone.objects.create(kpi=kpi, months=12, due_date=date(2026, 9, 1), target_direction=True)

    def record(value, status, **extra):
        measurement_record(
            kpi=kpi,
            period_date=date(2026, 1, 31),
            period_label="Autumn term 2025",
            value=Decimal(value),
            status=status,
            by=world.manager,
            **extra,
        )

    record("12.1", "provisional")
    record("12.4", "actual", comparators={"england_value": Decimal("15.4"), "region_value": Decimal("14.6")})
    term = build_term(world)
    # After the round closed: not in the report of that term.
    record("12.9", "actual")
    term.closed_at = period_closed_at(term.period)
    return term


def test_the_report_shows_the_kpi_as_published_when_the_round_closed(published):
    html = render_body(content_of(published), draft=False)
    assert "Baseline 14.2 (Jan 24)." in html
    assert "Latest: 12.4 (Autumn term 2025); England 15.4, Region 14.6." in html
    assert "Restated on" in html and "from <del>12.1</del> (provisional)." in html
    assert "12.9" not in html
    assert "Target: national average 2023/24" in html
    assert "Target: decrease, judged by direction of travel" in html


@pytest.mark.pdf
def test_the_pdf_says_it_too(published):
    text = pdf_text(render_pdf(content_of(published), draft=False))
    assert "Latest: 12.4 (Autumn term 2025); England 15.4, Region 14.6." in text
    assert "from 12.1 (provisional)" in text
    assert "Target: national average 2023/24" in text
