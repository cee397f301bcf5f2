"""The termly report (HTML and PDF) and the board's dashboard group areas by tier, show areas reported together as
one block, and read each area's kind and block as they stood at the report's moment (decision 0021)."""

import os
from pathlib import Path

import pytest
from django.utils import timezone

from actions.models import AreaOfWeakness
from governance.dashboard import dashboard_body, plan_dashboard
from reports.content import report_content
from reports.rendering import render_body, render_pdf
from tests.actions.test_area_tiers import Tiered, set_area
from tests.reports.test_reports import pdf_text


@pytest.fixture
def tiered(world):
    return Tiered(world)


def in_order(text: str, *parts: str) -> bool:
    positions = [text.index(part) for part in parts]
    return positions == sorted(positions)


def test_the_report_groups_its_sections_by_tier_under_tier_headings(tiered):
    content = report_content(tiered.world.plan, tiered.world.period)
    assert content.tiered
    assert [section.area.ref for section in content.areas] == ["1", "2", "3", "4", "S", "W1"]
    html = render_body(content, draft=True)
    assert in_order(
        html,
        'id="tier-priority-title">Areas for priority action</h2>',
        "Area for priority action 1: Timeliness of EHC plans</h2>",
        "Area for priority action 2: Joint commissioning</h2>",
        'id="tier-improvement-title">Areas for improvement</h2>',
        "Area for improvement 3: Preparing for adulthood</h2>",
        'id="tier-cross_cutting-title">Cross-cutting areas</h2>',
        ">Cross-cutting area: Safeguarding children with SEND</h2>",
        'id="tier-workstream-title">Workstreams</h2>',
    )
    assert "9 actions in 6 areas." in html  # no longer "areas of weakness": the plan has other kinds


def test_areas_reported_together_are_one_section_of_the_report(tiered):
    html = render_body(report_content(tiered.world.plan, tiered.world.period), draft=True)
    three = html.split(f'<section class="app-report__section app-report__area" id="area-{tiered.i3.pk}"', 1)[1]
    block = three.split("</section>", 1)[0]
    assert "Reported together with area for improvement 4." in block
    assert "Area for improvement 4: Transitions into adult health services</h2>" in block
    assert ">4.1</th>" in block and ">3.1</th>" in block  # both areas' actions inside the one block
    assert f'id="area-{tiered.i4.pk}"' in block  # the contents still link to area 4


def test_a_workstream_shows_every_finding_mapped_onto_it(tiered):
    content = report_content(tiered.world.plan, tiered.world.period)
    (workstream,) = [section for section in content.areas if section.area.ref == "W1"]
    assert [finding.ref for finding in workstream.findings] == ["F1", "F2"]
    html = render_body(content, draft=True)
    section = html.split("Workstream W1: Quality of EHC plans</h2>", 1)[1].split("</section>", 1)[0]
    assert "Plans are not reviewed in time." in section and "Health advice is missing." in section


def test_a_plan_of_one_kind_reads_as_before(world):
    html = render_body(report_content(world.plan, world.period), draft=True)
    assert "app-report__tier" not in html
    assert "Area 1: Timeliness of EHC plans</h2>" in html
    assert "4 actions in 1 area of weakness." in html


def test_the_report_reads_kinds_and_blocks_as_they_stood(tiered):
    before = timezone.now()
    by = tiered.world.manager
    set_area(tiered.i4, by, reported_with=None, kind="priority")
    set_area(tiered.safeguarding, by, kind="improvement")

    now = report_content(tiered.world.plan, tiered.world.period)
    then = report_content(tiered.world.plan, tiered.world.period, as_at=before)
    assert [s.area.ref for s in now.tiers[0].members] == ["4", "1", "2"]  # the plan's order within a tier
    assert [[block.lead.area.ref for block in tier.blocks] for tier in then.tiers] == [["1", "2"], ["3"], ["S"], ["W1"]]
    assert [s.area.ref for s in then.tiers[1].blocks[0].alongside] == ["4"]
    assert AreaOfWeakness.objects.get(pk=tiered.i4.pk).reported_with is None


def test_the_dashboard_groups_its_per_area_tables_by_tier(tiered):
    board = plan_dashboard(tiered.world.plan)
    assert [tier.heading for tier in board.tiers][:2] == ["Areas for priority action", "Areas for improvement"]
    four = next(summary for summary in board.areas if summary.area.ref == "4")
    assert four.reported_with.ref == "3"
    html = str(dashboard_body(tiered.world.plan))
    assert 'id="rag">Ratings by area</h2>' in html and 'id="delivery">Delivery by area</h2>' in html
    assert [bar.label for bar in board.chart.bars] == ["API 1", "API 2", "AFI 3", "AFI 4", "Cross-cut", "WS W1"]
    for table in ("Actions by RAG rating in each area", "Actions by stage in each area", "co-produced with families"):
        part = html.split(table, 1)[1].split("</table>", 1)[0]
        assert in_order(
            part,
            'app-tier-heading">Areas for priority action</th>',
            'app-tier-heading">Areas for improvement</th>',
            "Preparing for adulthood",
            "reported together with area for improvement 3",
            'app-tier-heading">Cross-cutting areas</th>',
            "Safeguarding children with SEND",
            'app-tier-heading">Workstreams</th>',
        )


def test_a_dashboard_of_one_kind_shows_no_tier_headings(world):
    html = str(dashboard_body(world.plan))
    assert "app-tier-heading" not in html
    assert 'id="rag">Ratings by area of weakness</h2>' in html
    assert [bar.label for bar in plan_dashboard(world.plan).chart.bars] == ["Area 1"]


@pytest.mark.pdf
def test_the_pdf_groups_by_tier_and_keeps_a_block_together(tiered):
    pdf = render_pdf(report_content(tiered.world.plan, tiered.world.period), draft=False)
    if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):  # to look at the pages: pdftoppm -png -r 60
        (Path(folder) / "report-tiers.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    body = text.split("You said, we did", 2)[1]  # past the contents
    assert in_order(
        body,
        "Areas for priority action",
        "Area for priority action 1: Timeliness of EHC plans",
        "Areas for improvement",
        "Area for improvement 3: Preparing for adulthood",
        "Reported together with area for improvement 4.",
        "Area for improvement 4: Transitions into adult health services",
        "Cross-cutting areas",
        "Workstreams",
    )
    pages = pdf_text(pdf, layout=True).split("\f")
    three = next(i for i, page in enumerate(pages) if "Area for improvement 3: Preparing" in page)
    assert "Area for improvement 4: Transitions" in pages[three]  # the block's two areas on one page
