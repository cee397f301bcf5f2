"""The termly report shows each action's stage and percentage complete beside its rating, and where delivery stands
per area, all as they stood at the report's moment; the PDF says the same (pdf marker, below)."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from actions.services import progress_update_submit
from reports.content import report_content
from reports.rendering import render_body, render_pdf
from tests.reports.test_reports import lines_by_ref, pdf_text


def report(world, action, **fields):
    action.refresh_from_db()
    defaults = {"rag": "green", "progress": "Moving.", "impact": "Families notice."}
    progress_update_submit(
        action=action, period=world.period, by=world.manager, expected_version=action.version, **defaults | fields
    )


@pytest.fixture
def staged(world):
    """alice's action in progress at 60%, then complete but Green; bob's Amber, in progress at 40%."""
    report(world, world.bob_action, rag="amber", impact="", stage="in_progress", percent_complete=40)
    report(world, world.alice_action, stage="in_progress", percent_complete=60)
    world.before_complete = timezone.now()
    report(world, world.alice_action, stage="complete", percent_complete=100, completion_date=date(2026, 1, 20))
    world.plan.stage_complete_label = "Delivered"
    world.plan.save()
    return world


def test_the_report_reads_the_stage_as_it_stood(staged):
    now = lines_by_ref(report_content(staged.plan, staged.period))
    then = lines_by_ref(report_content(staged.plan, staged.period, as_at=staged.before_complete))
    assert (now["1.1"].action.stage, now["1.1"].action.percent_complete, now["1.1"].rag) == ("complete", 100, "green")
    assert (then["1.1"].action.stage, then["1.1"].action.percent_complete) == ("in_progress", 60)


def test_the_report_shows_complete_but_green_and_the_delivery_per_area(staged):
    content = report_content(staged.plan, staged.period)
    assert (content.delivery.complete, content.delivery.total, content.delivery.average_percent) == (1, 4, 70)
    html = render_body(content, draft=True)
    row = html.split('<th scope="row" class="govuk-table__header">1.1</th>', 1)[1].split("</tr>", 1)[0]
    assert ">Green</strong>" in row and "Delivered, 100%, 20 Jan 2026" in row
    assert "1 of 4 actions complete (25%); the 2 actions with a percentage complete average 70%." in html
    assert "a stage (not started, in progress, delivered or closed)" in html


@pytest.mark.pdf
def test_the_pdf_shows_the_stage_beside_the_rating(staged):
    pdf = render_pdf(report_content(staged.plan, staged.period), draft=False)
    if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):  # to look at the page: pdftoppm -png -r 60
        (Path(folder) / "report.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    # Read in order, the rating cell's two lines come either side of the progress column's first line.
    row = text.split("1.1 Action 1.1", 1)[1].split("Action 1.2", 1)[0]
    assert "Green" in row and "Delivered, 100%, 20 Jan 2026" in row
    assert "In progress, 40%" in text
    assert "Where delivery stands in each area, as the leads report it" in text
