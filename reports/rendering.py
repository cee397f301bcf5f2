"""One report, two outputs: the public HTML page and a tagged PDF/UA-1 file, from the same templates and content.

WeasyPrint draws the PDF from a standalone HTML document (reports/report_pdf.html) that includes the very same
body as the web page (reports/_document.html), styled by the print stylesheet static/reports/report-print.css.
"""

from __future__ import annotations

from functools import cache

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


def render_pdf(content: ReportContent, report=None, *, draft: bool) -> bytes:
    """The report as a tagged PDF/UA-1 file; `draft` adds the watermark."""
    return pdf_from_document(render_pdf_document(content, report, draft=draft), draft=draft)


def render_pdf_document(content: ReportContent, report=None, *, draft: bool) -> str:
    """The standalone HTML document WeasyPrint draws the PDF from."""
    return render_to_string("reports/report_pdf.html", document_context(content, report, draft=draft))


def pdf_from_document(html: str, *, draft: bool) -> bytes:
    """WeasyPrint's part alone (the benchmarks time it apart from assembling and templates)."""
    from weasyprint import CSS, HTML  # Imported here: loading WeasyPrint's fonts costs every other request time.

    stylesheets = [_print_css()] + ([CSS(string=DRAFT_CSS)] if draft else [])
    return HTML(string=html, base_url=".").write_pdf(
        pdf_variant="pdf/ua-1", stylesheets=stylesheets, finisher=_scope_table_headers
    )


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

    return CSS(filename=finders.find(PRINT_CSS))
