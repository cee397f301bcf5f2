"""WeasyPrint's share of a termly report, phase by phase (`manage.py bench_weasyprint`, docs/benchmarks.md).

The report's PDF document (reports/report_pdf.html) for the bench plan's last closed period, final and draft, timed
through each of WeasyPrint's phases on its own: parsing the HTML, the CSS cascade (computed styles for every
element), building the boxes, layout (line breaking, tables, pagination), drawing the pages into PDF objects, our
PDF/UA finisher (reports.rendering._scope_table_headers), and writing the file. The phases are timed by wrapping the
functions weasyprint.document calls for them, so the figures add up to one ordinary render_pdf. The figures are
the process's CPU time, not the wall clock: WeasyPrint is single-threaded and never waits, and on a shared machine the
wall clock mostly measures the neighbours.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from benchmarks.report import _page_count, _warm_up_weasyprint, approved_report
from benchmarks.seed import BenchPlan
from reports.models import TermlyReport
from reports.rendering import pdf_from_document, render_pdf_document
from reports.services import report_content_for

PHASES = ["parse", "cascade", "boxes", "layout", "draw", "finisher", "write"]
# Where each phase is, in weasyprint.document's namespace (parse and write are timed around them).
WRAPPED = {
    "cascade": "get_all_computed_styles",
    "boxes": "build_formatting_structure",
    "layout": "layout_document",  # a generator: the wrapper takes all its pages
    "draw": "generate_pdf",
}


@dataclass
class PhaseTiming:
    actions: int
    draft: bool
    pages: int
    pdf_kb: int
    phases: dict[str, float] = field(default_factory=dict)  # seconds, fastest of the runs for each phase

    @property
    def total_s(self) -> float:
        return sum(self.phases.values())

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.total_s


def report_documents(bench: BenchPlan) -> dict[bool, str]:
    """The PDF's HTML document, final (False) and draft (True), for the bench plan's last closed period; the
    database is left as it was."""
    now = timezone.now()
    with transaction.atomic():
        report = approved_report(bench, now)
        # As report_publish has it while rendering: published, by the comms officer, now (a published row needs
        # its file, which is what is being made).
        report.status, report.published_by, report.published_at = TermlyReport.Status.PUBLISHED, bench.comms, now
        content = report_content_for(report)
        documents = {draft: render_pdf_document(content, report, draft=draft) for draft in (False, True)}
        transaction.set_rollback(True)
    return documents


def time_phases(document: str, *, actions: int, draft: bool, runs: int = 2) -> tuple[PhaseTiming, bytes]:
    """Render `document` `runs` times through render_pdf's own path, timing each phase; the fastest of each."""
    import weasyprint
    import weasyprint.document as weasy_document

    from reports import rendering

    _warm_up_weasyprint()
    seen: dict[str, list[float]] = {phase: [] for phase in PHASES}
    current: dict[str, float] = {}

    def timed(phase, function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                result = function(*args, **kwargs)
                return list(result) if phase == "layout" else result
            finally:
                current[phase] = current.get(phase, 0.0) + time.process_time() - started

        return wrapper

    originals = {name: getattr(weasy_document, name) for name in WRAPPED.values()}
    html_class, finisher = weasyprint.HTML, rendering._scope_table_headers
    pdf = b""
    with contextlib.ExitStack() as undo:
        for phase, name in WRAPPED.items():
            setattr(weasy_document, name, timed(phase, originals[name]))
            undo.callback(setattr, weasy_document, name, originals[name])
        weasyprint.HTML = timed("parse", html_class)
        undo.callback(setattr, weasyprint, "HTML", html_class)
        rendering._scope_table_headers = timed("finisher", finisher)
        undo.callback(setattr, rendering, "_scope_table_headers", finisher)
        for _ in range(runs):
            current.clear()
            started = time.process_time()
            pdf = pdf_from_document(document, draft=draft)
            whole = time.process_time() - started
            current["write"] = whole - sum(current.values())  # serialising and compressing the PDF objects
            for phase in PHASES:
                seen[phase].append(current.get(phase, 0.0))
    timing = PhaseTiming(
        actions=actions,
        draft=draft,
        pages=_page_count(pdf),
        pdf_kb=len(pdf) // 1024,
        phases={phase: min(values) for phase, values in seen.items()},
    )
    return timing, pdf


def phases_markdown(timings: list[PhaseTiming]) -> str:
    head = "| actions | PDF | pages | " + " | ".join(f"{p} (s)" for p in PHASES) + " | total (s) | pages/s | KB |"
    rule = "|---:|---|---:|" + "---:|" * len(PHASES) + "---:|---:|---:|"
    rows = [
        f"| {t.actions} | {'draft' if t.draft else 'final'} | {t.pages} | "
        + " | ".join(f"{t.phases[p]:.2f}" for p in PHASES)
        + f" | {t.total_s:.2f} | {t.pages_per_s:.1f} | {t.pdf_kb} |"
        for t in timings
    ]
    return "\n".join([head, rule, *rows])
