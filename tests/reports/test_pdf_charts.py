"""What the faster PDF relies on (docs/decisions/0017-weasyprint-floor.md): the charts go to WeasyPrint as SVG
images with their titles as alt text, the web page keeps them inline, and the PDF keeps its tagging and its two
font faces."""

from __future__ import annotations

import base64
import gc
import html
import io
import re
import subprocess
import xml.etree.ElementTree as ET

import pikepdf
import pytest
from django.db import transaction

from reports.rendering import pdf_from_document, render_body, render_pdf_document
from tests.conftest import World
from tests.reports.test_report_pdf import _struct_nodes
from tests.reports.test_reports import build_term, content_of

pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

CHART = re.compile(r'<img class="[^"]*" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)">')


@pytest.fixture(scope="module")
def documents(django_db_setup, django_db_blocker):
    """The term's web page body and PDF document, and the final PDF drawn from that document."""
    with django_db_blocker.unblock(), transaction.atomic():
        content = content_of(build_term(World()))
        document = render_pdf_document(content, draft=False)
        yield render_body(content, draft=False), document, pdf_from_document(document, draft=False)
        transaction.set_rollback(True)


def test_pdf_document_has_charts_as_images_and_the_web_page_inline(documents):
    body, document, _ = documents
    charts = CHART.findall(document)
    assert charts, "the term has charts"
    assert "<svg" not in document
    assert body.count("<svg") == len(charts), "the web page keeps every chart as inline SVG"
    for alt, data in charts:
        svg = ET.fromstring(base64.b64decode(data))
        assert svg.tag == "{http://www.w3.org/2000/svg}svg"
        title = svg.findtext("{http://www.w3.org/2000/svg}title").strip()
        assert title and html.unescape(alt).strip() == title, "the chart's title is its alt text"


def test_pdf_keeps_figures_alt_texts_table_scopes_and_two_font_faces(documents):
    _, document, pdf_bytes = documents
    alts = [alt for alt, _ in CHART.findall(document)]
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        nodes = list(_struct_nodes(pdf.Root.StructTreeRoot))
    figures = [str(node.get("/Alt", "")) for node in nodes if node.get("/S") == "/Figure"]
    assert len(figures) == len(alts), "one Figure per chart"
    assert {html.unescape(alt) for alt in alts} == set(figures)
    kinds = {str(node.get("/S")) for node in nodes}
    assert {"/Table", "/THead", "/TBody", "/TR", "/TH", "/TD", "/Caption"} <= kinds
    scopes = {str(node.A.get("/Scope")) for node in nodes if node.get("/S") == "/TH"}
    assert scopes == {"/Column", "/Row"}, "column and row headers both keep their scope"
    fonts = subprocess.run(["pdffonts", "-"], input=pdf_bytes, capture_output=True, check=True).stdout.decode()
    faces = sorted(row.split()[0].split("+")[-1] for row in fonts.splitlines()[2:])
    assert faces == ["Liberation-Sans", "Liberation-Sans-Bold"], fonts


def test_weasyprint_renders_without_the_cyclic_collector_and_gets_it_back():
    """The collector is off while WeasyPrint lays out and draws (it walked every box for nothing: a third of a
    report's CPU), and on again afterwards, for the rest of the worker's life."""
    seen = []
    pdf = pdf_from_document(
        '<html lang="en-GB"><head><title>T</title></head><body><p>Text</p></body></html>',
        draft=False,
        progress=lambda *step: seen.append(gc.isenabled()),
    )
    assert pdf.startswith(b"%PDF")
    assert seen and not any(seen)
    assert gc.isenabled()
