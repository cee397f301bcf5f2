"""The termly report's PDF read back: tagged PDF/UA-1 (pikepdf), its text (pdftotext), nothing private in it.
Its own module, because the term it renders is built once for the module and stays in the database meanwhile."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest
from django.db import transaction

from reports.rendering import render_pdf
from tests.conftest import World
from tests.reports.test_reports import build_term, content_of, pdf_text

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = [pytest.mark.pdf, pytest.mark.django_db, pytest.mark.xdist_group("report_pdf")]


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """One term's report rendered once as a draft PDF and once as a final one (WeasyPrint takes a second or two)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_term(World())
        content = content_of(world)
        yield render_pdf(content, draft=True), render_pdf(content, draft=False)
        transaction.set_rollback(True)


def test_pdf_is_tagged_pdf_ua(rendered):
    _, final = rendered
    with pikepdf.open(io.BytesIO(final)) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title).startswith("Riverside: Written Statement of Action: progress report, Spring 2026")
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
        figures = [node for node in _struct_nodes(root.StructTreeRoot) if node.get("/S") == "/Figure"]
        assert figures, "the charts are tagged as figures"
        assert all(str(node.get("/Alt", "")).strip() for node in figures), "every figure has alternative text"
        tables = [node for node in _struct_nodes(root.StructTreeRoot) if node.get("/S") == "/TH"]
        assert len(tables) > 10, "table headers are real TH cells"
    fonts = subprocess.run(["pdffonts", "-"], input=final, capture_output=True, check=True).stdout.decode()
    font_rows = fonts.splitlines()[2:]
    assert font_rows and all(re.search(r"\byes\s+yes\s+(yes|no)\s+\d+\s+\d+$", row) for row in font_rows), fonts


def _struct_nodes(node, seen=None):
    """Every structure element under `node` (the tree is a mix of dictionaries and arrays of them)."""
    seen = seen if seen is not None else set()
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
            seen.add(kid.objgen)
            yield kid
            yield from _struct_nodes(kid, seen)


def test_pdf_text_has_the_term_and_nothing_private(rendered):
    draft, final = rendered
    text = pdf_text(final)
    for expected in [
        "Riverside",
        "Progress report: Spring 2026",
        "Timeliness of EHC plans",
        "1.1",
        "1.2",
        "Green",
        "Red",
        "Amber",
        "Two therapists recruited.",
        "Families wait less.",
        "Designated Clinical Officer",
        "Alice Moreno",
        "You said, we did",
        "Every family now has one.",
        "Glossary",
        "K1: EHCPs issued within 20 weeks",
        "Not yet due",
        "Risks in this area",
        "If schools do not engage",
        "Education, health and care plan",
    ]:
        assert expected in text, expected
    for private in ["Bob Hale", "CHALLENGE TEXT", "PRIVATE COMMENT", "UNSUBMITTED DRAFT TEXT", "@"]:
        assert private not in text, private
    # The contents give each section's page: "Summary from the board ....... 3".
    assert re.search(r"Summary from the board[ .]+\d+\n", pdf_text(final, layout=True))
    assert "Page 2 of" in text
    assert "not been approved for publication" in pdf_text(draft)
    assert "not been approved for publication" not in text
