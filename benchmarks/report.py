"""Time a termly report: its parts, and the whole of publishing it, against WeasyPrint alone on the same HTML.

The report is the bench plan's last closed period, approved and then published through the real service
(reports.services.report_publish: assemble from history, render the PDF and the web page, store both) inside a
savepoint that is rolled back, `runs` times; after each, each part is timed on its own: assembling the content,
rendering the web page's body, rendering the PDF's HTML document, and WeasyPrint drawing the PDF from that very
document. total / WeasyPrint says what everything that is ours costs on top of the PDF engine. Each figure is the
fastest of its runs, the usual way to see through a shared machine's noise.
"""

from __future__ import annotations

import re
import subprocess
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from benchmarks.seed import BenchPlan
from reports.content import period_closed_at
from reports.models import TermlyReport
from reports.rendering import pdf_from_document, render_body, render_pdf_document
from reports.services import report_content_for, report_publish

SUMMARY = (
    "This term the partnership issued more plans on time than in any term since the inspection.\n\n"
    "Waiting times for therapies are still too long; the board has agreed extra capacity from January."
)


@dataclass
class ReportTiming:
    actions: int
    assemble_s: float
    html_page_s: float
    pdf_document_s: float
    weasyprint_s: float
    total_s: float  # report_publish, end to end
    pages: int
    pdf_kb: int

    @property
    def ratio(self) -> float:
        return self.total_s / self.weasyprint_s

    @property
    def pages_per_s(self) -> float:
        """WeasyPrint's pages a second on this report: the figure to compare across report sizes."""
        return self.pages / self.weasyprint_s


def approved_report(bench: BenchPlan, now) -> TermlyReport:
    """The bench plan's report for its last closed period, approved and ready to publish. Call inside a transaction
    that is rolled back: the benchmarks leave the database as they found it."""
    period = bench.report_period
    return TermlyReport.objects.create(
        plan=bench.plan,
        period=period,
        summary=SUMMARY,
        status=TermlyReport.Status.APPROVED,
        as_at=period_closed_at(period),
        created_by=bench.comms,
        created_at=now,
        updated_at=now,
        submitted_by=bench.comms,
        submitted_at=now,
        approved_by=bench.chair,
        approved_at=now,
    )


def measure_report(bench: BenchPlan, *, actions: int, runs: int = 2) -> ReportTiming:
    _warm_up_weasyprint()
    now = timezone.now()
    with transaction.atomic():
        report = approved_report(bench, now)
        totals = []
        parts: dict[str, list[float]] = {"assemble": [], "page": [], "document": [], "weasyprint": []}
        # Each run publishes, then times the parts: the whole and WeasyPrint alone a minute apart rather than all
        # the publishing first, so that a shared machine slowing down between them cannot skew their ratio.
        for _ in range(runs):
            savepoint = transaction.savepoint()
            started = time.perf_counter()
            report_publish(report=report, by=bench.comms, expected_version=report.version)
            totals.append(time.perf_counter() - started)
            transaction.savepoint_rollback(savepoint)
            report.refresh_from_db()
            # As report_publish has it while rendering: published, by the comms officer, now.
            report.status, report.published_by, report.published_at = TermlyReport.Status.PUBLISHED, bench.comms, now
            content = _timed(parts["assemble"], report_content_for, report)
            _timed(parts["page"], render_body, content, report, draft=False)
            document = _timed(parts["document"], render_pdf_document, content, report, draft=False)
            pdf = _timed(parts["weasyprint"], pdf_from_document, document, draft=False)
            report.refresh_from_db()
        transaction.set_rollback(True)  # leave the database as it was
    return ReportTiming(
        actions=actions,
        assemble_s=min(parts["assemble"]),
        html_page_s=min(parts["page"]),
        pdf_document_s=min(parts["document"]),
        weasyprint_s=min(parts["weasyprint"]),
        total_s=min(totals),
        pages=_page_count(pdf),
        pdf_kb=len(pdf) // 1024,
    )


def _timed(into: list[float], function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    into.append(time.perf_counter() - started)
    return result


def _warm_up_weasyprint() -> None:
    """The first PDF in a process loads WeasyPrint and its fonts; an app server has done that long before."""
    pdf_from_document('<html lang="en"><head><title>Warm</title></head><body><p>Warm up</p></body></html>', draft=True)


def _page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout
    return int(re.search(rb"Pages:\s+(\d+)", info).group(1))
