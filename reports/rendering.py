"""One report, two outputs: the public HTML page and a tagged PDF/UA-1 file, from the same templates and content.

WeasyPrint draws the PDF from a standalone HTML document (reports/report_pdf.html) that includes the very same
body as the web page (reports/_document.html), styled by the print stylesheet static/reports/report-print.css.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import re
from collections.abc import Callable
from contextlib import contextmanager
from functools import cache
from importlib.metadata import version

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from reports.content import ReportContent

PRINT_CSS = "reports/report-print.css"
# A grey diagonal "DRAFT" behind every page of an unpublished report. As a page background it is an artifact, not
# content, so screen readers skip it; the running header says "Draft" in words as well.
DRAFT_CSS = """
@page {
  background: url("data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='595' height='842'>\
<text x='297' y='421' font-family='Liberation Sans, Arial, sans-serif' font-size='130' font-weight='bold' \
fill='%23b1b4b6' fill-opacity='0.45' text-anchor='middle' transform='rotate(-50 297 421)'>DRAFT</text></svg>")
    no-repeat center / 100% 100%;
}
"""


def document_context(content: ReportContent, report=None, *, draft: bool) -> dict:
    return {"content": content, "report": report, "draft": draft}


def render_body(content: ReportContent, report=None, *, draft: bool) -> str:
    """The report's body as HTML, for the web page (inside the site's layout)."""
    return render_to_string("reports/_document.html", document_context(content, report, draft=draft))


def render_pdf(content: ReportContent, report=None, *, draft: bool, progress: Progress | None = None) -> bytes:
    """The report as a tagged PDF/UA-1 file; `draft` adds the watermark."""
    return pdf_from_document(render_pdf_document(content, report, draft=draft), draft=draft, progress=progress)


def render_pdf_document(content: ReportContent, report=None, *, draft: bool) -> str:
    """The standalone HTML document WeasyPrint draws the PDF from."""
    # `pdf`: the charts go in as images (reports.templatetags.report_tags.chart_image), which WeasyPrint reads faster.
    context = document_context(content, report, draft=draft) | {"pdf": True}
    return render_to_string("reports/report_pdf.html", context)


def document_key(html: str, *, draft: bool) -> str:
    """The SHA-256 of everything WeasyPrint draws a PDF from: the document, the stylesheets and WeasyPrint's version.
    The same key means the same PDF, so a preview is rendered once per content (reports.models.RenderedPdf)."""
    digest = hashlib.sha256()
    for part in (html, _print_css_text(), DRAFT_CSS if draft else "", version("weasyprint")):
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


# Told what WeasyPrint is doing as it goes (a background job shows it): what, step, of how many steps.
Progress = Callable[..., None]
WEASYPRINT_STEPS = 7
_STEP = re.compile(r"^Step (\d) - (.*)$")
_PAGE = re.compile(r"Page (\d+)")
STEP_WORDS = {
    1: "Reading the report",
    2: "Reading the print styles",
    3: "Applying the print styles",
    4: "Building the document's structure",
    5: "Laying out the pages",
    6: "Drawing the PDF",
    7: "Adding the accessibility tags and details",
}


class _ProgressHandler(logging.Handler):
    """Turns WeasyPrint's progress log lines ("Step 5 - Creating layout - Page 12") into words for people."""

    def __init__(self, progress: Progress):
        super().__init__(logging.INFO)
        self.progress = progress

    def emit(self, record: logging.LogRecord) -> None:
        step = _STEP.match(record.getMessage())
        if step is None:
            return
        number = int(step.group(1))
        page = _PAGE.search(step.group(2)) if number == 5 else None
        words = f"Laying out page {page.group(1)}" if page else STEP_WORDS.get(number, step.group(2))
        self.progress(words, number - 1, WEASYPRINT_STEPS)


def pdf_from_document(html: str, *, draft: bool, progress: Progress | None = None) -> bytes:
    """WeasyPrint's part alone (the benchmarks time it apart from assembling and templates). `progress` is told
    each step and each page laid out."""
    from weasyprint import CSS  # Imported here: loading WeasyPrint's fonts costs every other request time.

    stylesheets = [_print_css()] + ([CSS(string=DRAFT_CSS)] if draft else [])
    return tagged_pdf(html, stylesheets=stylesheets, progress=progress)


def tagged_pdf(html: str, *, stylesheets: list, progress: Progress | None = None) -> bytes:
    """Any standalone HTML document as a tagged PDF/UA-1 file, as the termly report is drawn (a meeting's board
    pack is drawn the same way: governance/board_pack.py)."""
    from weasyprint import HTML

    with _weasyprint_progress(progress), _without_cyclic_gc():
        return HTML(string=html, base_url=".").write_pdf(
            pdf_variant="pdf/ua-1", stylesheets=stylesheets, finisher=_scope_table_headers
        )


@contextmanager
def _without_cyclic_gc():
    """No cyclic garbage collection while WeasyPrint renders. A render builds hundreds of thousands of objects that
    live until it ends (boxes, styles, PDF objects), so Python's collector keeps walking them all for nothing: it
    took a third of the CPU of a 50-action report (docs/decisions/0017-weasyprint-floor.md). Reference counting
    still frees everything else as it goes; the render's own cycles wait for the next collection after it, and the
    peak memory stays the same (404 MB with the collector, 416 MB without, at 500 actions). The collector is left
    as it was found."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@contextmanager
def _weasyprint_progress(progress: Progress | None):
    """While WeasyPrint renders, pass its progress lines to `progress`, and only there: the log itself stays quiet
    (a line per page would swamp it)."""
    if progress is None:
        yield
        return
    logger, handler = logging.getLogger("weasyprint.progress"), _ProgressHandler(progress)
    saved = (logger.level, logger.propagate)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate = saved


# A th's scope attribute as PDF/UA writes it; a th without one heads its column.
TH_SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def _scope_table_headers(document, pdf) -> None:
    """Give every TH in the structure tree the scope its HTML th declares: PDF/UA-1 (ISO 14289-1, 7.5) wants each
    header's scope, and WeasyPrint (70) links headers to cells by IDs but writes no /Scope.

    Runs as WeasyPrint's finisher, before the file is written (so before the published file's SHA-256). WeasyPrint
    keeps each table cell's structure element on its box (`box.mark`); a cell split across pages has one per page."""
    for page in document.pages:
        for box in page._page_box.descendants():
            element = getattr(box, "mark", None)
            if element is not None and element.get("S") == "/TH":
                scope = box.element.attrib.get("scope", "col") if box.element is not None else "col"
                element["A"]["Scope"] = TH_SCOPES.get(scope, "/Column")


@cache
def _print_css():
    from weasyprint import CSS

    return CSS(string=_print_css_text(), base_url=finders.find(PRINT_CSS))


@cache
def _print_css_text() -> str:
    with open(finders.find(PRINT_CSS), encoding="utf-8") as file:
        return file.read()
