"""The three demo plans' published reports, as the demo loads them (rendered by report_publish), read back: every table
header has its scope (PDF/UA-1), typed bullets are real lists, the contents' dot leaders stay on their entry's
line, the risk table starts on the page of its heat map, and nothing prints a stray comma. Rendering them takes
about thirty seconds, so they are built once for the module."""

from __future__ import annotations

import io
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from django.core.management import call_command
from django.db import transaction

from actions.models import AreaOfWeakness
from reports.models import PublishedFile
from reports.text import BULLET, rating_counts, text_blocks
from risks.models import Risk
from tests.reports.test_report_pdf import _struct_nodes
from tests.reports.test_reports import pdf_text

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("report_pdf_layout")

OXFORDSHIRE, RBWM, KESTLEBURY = "oxfordshire-app-2020", "rbwm-wsoa-2017", "kestlebury-pap-2025"


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """{plan slug: the published PDF's bytes}, with the demo loaded for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        files = PublishedFile.objects.select_related("report__plan")
        published = {file.report.plan.slug: bytes(file.pdf) for file in files}
        if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):  # to look at the pages: pdftoppm -png -r 60
            for slug, pdf in published.items():
                (Path(folder) / f"published-{slug}.pdf").write_bytes(pdf)
        yield published
        transaction.set_rollback(True)


@pytest.fixture
def demo_db(published, db):
    """The demo's rows, for tests that compare the PDF with them (inside the module's transaction)."""
    return published


def _elements(pdf):
    return list(_struct_nodes(pdf.Root.StructTreeRoot))


def _pages(pdf_bytes: bytes) -> list[str]:
    """Each page's text: pdftotext ends every page with a form feed."""
    return pdf_text(pdf_bytes, layout=True).split("\f")


@pytest.mark.pdf
@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_every_table_header_has_its_scope(published, slug):
    with pikepdf.open(io.BytesIO(published[slug])) as pdf:
        headers = [node for node in _elements(pdf) if node.get("/S") == "/TH"]
        assert len(headers) > 100
        scopes = Counter()
        for header in headers:
            attributes = header.get("/A")
            assert attributes is not None and attributes.get("/O") == "/Table"
            scope = str(attributes.get("/Scope"))
            # A header in the table's head heads its column; one in the body heads its row (the templates say so).
            group = header.P.P.get("/S")
            assert scope == ("/Column" if group == "/THead" else "/Row"), (group, scope)
            scopes[scope] += 1
        assert scopes["/Column"] and scopes["/Row"]


@pytest.mark.pdf
def test_typed_bullets_are_lists_not_dashes(demo_db):
    text = pdf_text(demo_db[RBWM], layout=True)
    assert not re.search(r"^\s*- ", text, re.MULTILINE), "no literal '- ' bullets"
    areas = AreaOfWeakness.objects.filter(plan__slug=RBWM)
    bullets = [sum(1 for line in a.general_outcomes.splitlines() if BULLET.match(line)) for a in areas]
    assert sum(bullets) > 20
    with pikepdf.open(io.BytesIO(demo_db[RBWM])) as pdf:
        elements = _elements(pdf)
        list_sizes = Counter(
            sum(1 for kid in node.K if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/LI")
            for node in elements
            if node.get("/S") == "/L"
        )
    # Each area's outcomes are one list (L) of as many items (LI) as the area has bullets.
    assert not Counter(bullets) - list_sizes, (bullets, list_sizes)


@pytest.mark.pdf
@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_area_counts_read_without_a_stray_comma(published, slug):
    text = pdf_text(published[slug])
    assert not re.search(r",\s*\(\d+ actions?\)", text), "no comma before an area's total"
    counts = re.findall(r"((?:\d+ [A-Z][a-z]+(?: rated)?, )*\d+ [A-Z][a-z]+(?: rated)?) \((\d+) actions?\)\.", text)
    assert len(counts) >= 2
    for ratings, total in counts:
        assert sum(int(n) for n in re.findall(r"\d+", ratings)) == int(total), ratings


@pytest.mark.pdf
@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_contents_dot_leaders_stay_on_their_entry(published, slug):
    contents = _pages(published[slug])[1]
    assert "Contents" in contents
    entries = [line for line in contents.splitlines() if "...." in line]
    assert len(entries) >= 7
    for line in entries:
        assert re.search(r"[A-Za-z].*\.{4,}\s*\d+\s*$", line), (
            f"the dots and page number have a line of their own: {line!r}"
        )


@pytest.mark.pdf
@pytest.mark.parametrize("slug", [OXFORDSHIRE, RBWM, KESTLEBURY])
def test_each_risk_table_starts_on_the_page_of_its_heat_map(published, slug):
    pages = _pages(published[slug])
    captions = [(number, page) for number, page in enumerate(pages) if "Open risks in area" in page]
    assert captions, "every area's risk table is captioned with the area's ref"
    for number, page in captions:
        assert "Risks in this area" in page, f"page {number + 1}: a risk table without its heading and heat map"
        assert "Likelihood" in page, f"page {number + 1}: the heat map is on another page"
    assert not re.search(r"Open risks area-\d", "".join(pages))


@pytest.mark.pdf
def test_risk_text_is_printed_at_a_readable_size(demo_db):
    risk = Risk.objects.filter(plan__slug=RBWM, status=Risk.Status.OPEN, area__isnull=False).order_by("pk").first()
    first_words = risk.risk.split()[:4]
    bbox = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=demo_db[RBWM], capture_output=True, check=True)
    words = [
        (word.text, float(word.get("yMax")) - float(word.get("yMin")))
        for word in ET.fromstring(bbox.stdout).iter("{http://www.w3.org/1999/xhtml}word")
    ]
    texts = [text for text, _ in words]
    starts = [i for i in range(len(texts)) if texts[i : i + 4] == first_words]
    assert starts, first_words
    heights = [height for _, height in words[starts[0] : starts[0] + 4]]
    # A word's box is about 1.12 times the font size: 9 pt text is 10 pt high, 7.5 pt text (too small) 8.4.
    assert min(heights) > 9.5, heights


def test_typed_text_becomes_paragraphs_and_lists():
    blocks = text_blocks("Our aims:\n- Plans on time\n* Families told\n\n• Fewer waits\nThen more.\n\nLast.")
    assert [(block.lines, block.items) for block in blocks] == [
        (["Our aims:"], []),
        ([], ["Plans on time", "Families told"]),
        ([], ["Fewer waits"]),
        (["Then more."], []),
        (["Last."], []),
    ]
    assert rating_counts([("green", "Green", 3), ("amber", "Amber", 0), ("red", "Red", 2), ("", "Not rated", 0)]) == (
        "3 Green, 2 Red"
    )


def test_outcomes_are_named_with_their_finding_or_its_place():
    from actions.models import Finding, Outcome
    from reports.content import OutcomeGroup, _name_findings

    findings = [Finding(id=7, ref=""), Finding(id=8, ref="")]
    groups = [
        OutcomeGroup(outcome=Outcome(ref="a", finding_id=8), lines=[]),
        OutcomeGroup(outcome=Outcome(ref="b", finding_id=None), lines=[]),
        OutcomeGroup(outcome=Outcome(ref="", finding_id=7), lines=[]),
    ]
    _name_findings(groups, findings)
    assert [group.name for group in groups] == ["finding 2, outcome a", "outcome b", "finding 1"]
