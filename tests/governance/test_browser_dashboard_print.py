"""The board dashboard printed for a board pack, through Chromium's own PDF printing (what "Save as PDF" makes):
A4 with margins, "Page n of m" on every page, a header with the plan, the as-at date and the printed date, no
navigation or filters, no empty grey block after the last section, tables not split inside a row, and chart labels
of at least 9pt on paper."""

import re
import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from actions.models import Rag
from actions.services import progress_update_submit
from tests.browser import sign_in
from tests.conftest import KpiWorld, RiskWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

PT_PER_MM = 72 / 25.4
A4_WIDTH, A4_HEIGHT = 595.92, 842.88  # points, as Chromium writes them
# The printout's @page margins: 15 mm at the sides and top, 18 mm at the bottom (the page number sits in it).
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 15 * PT_PER_MM, 15 * PT_PER_MM, 18 * PT_PER_MM
A4_CONTENT_WIDTH_PX = round((210 - 30) / 25.4 * 96)  # the page's content box in CSS pixels
SCREEN_ONLY = [
    "Skip to main content",
    "Sign out",
    "My actions",
    "All actions",
    "Show the dashboard",
    "All organisations",
]


@pytest.fixture
def printable(world):
    """Ratings (one Red, with its recovery note), KPIs and risks, so every section of the dashboard has content."""
    for action, rag, by in [
        (world.alice_action, Rag.RED, world.alice),
        (world.bob_action, Rag.GREEN, world.bob),
        (world.shared_action, Rag.AMBER, world.alice),
    ]:
        progress_update_submit(
            action=action,
            period=world.period,
            rag=rag,
            progress="The weekly EHC panel is running.",
            impact="Plans are issued sooner." if rag == Rag.GREEN else "",
            recovery_note="Two more coordinators from January." if rag == Rag.RED else "",
            by=by,
            expected_version=action.version,
        )
    KpiWorld(world)
    RiskWorld(world)
    return world


def words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes in points (x min, y min, x max, y max, text), as pdftotext reads them."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", html, re.S):
        pages.append(
            [
                (float(a), float(b), float(c), float(d), text)
                for a, b, c, d, text in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page
                )
            ]
        )
    return pages


def grey_rows_below(pdf: Path, page_number: int, from_y_pt: float, to_y_pt: float) -> int:
    """How many pixel rows of the page (drawn at 36 dpi, in grey levels) between the two heights hold a pixel that
    is not white."""
    pgm = subprocess.run(
        ["pdftoppm", "-gray", "-r", "36", "-f", str(page_number), "-l", str(page_number), str(pdf)],
        capture_output=True,
        check=True,
    ).stdout
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+255\s", pgm)
    width, height = int(header.group(1)), int(header.group(2))
    pixels = pgm[header.end() :]
    scale = 36 / 72
    rows = range(int(from_y_pt * scale) + 1, min(int(to_y_pt * scale), height))
    return sum(1 for y in rows if min(pixels[y * width : (y + 1) * width]) < 250)


def test_dashboard_prints_as_a_board_pack_document(page, live_server, printable, tmp_path):
    world = printable
    sign_in(page, live_server.url, "charlie", PASSWORD)
    page.goto(f"{live_server.url}/plans/{world.plan.slug}/dashboard/")
    pdf = tmp_path / "dashboard.pdf"
    # As a person prints it: A4, the page's own margins, and background graphics on (the grey block showed then).
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True, print_background=True)

    pages = words(pdf)
    text = [" ".join(w[4] for w in page_words) for page_words in pages]
    everything = " ".join(text)
    today = timezone.localtime()

    # The printed header: which plan, as at when, printed when.
    assert f"{world.plan.local_area}: {world.plan.title}" in text[0]
    assert f"Board dashboard as at {today:%-d %B %Y}" in text[0]
    assert f"Printed {today:%-d %B %Y}" in text[0]
    # No navigation, no filters.
    for chrome in SCREEN_ONLY:
        assert chrome not in everything, chrome
    # "Page n of m" on every page.
    for number, page_text in enumerate(text, start=1):
        assert page_text.endswith(f"Page {number} of {len(pages)}"), page_text[-40:]

    # Margins: every word sits inside the page's content box (give or take a large letter's side bearing, as
    # pdftotext measures boxes from the font's outline), except the page number in the bottom margin.
    for page_words in pages:
        page_number = page_words[-4:]
        assert page_number[0][4] == "Page"
        assert all(w[1] > A4_HEIGHT - MARGIN_BOTTOM for w in page_number)
        for x_min, y_min, x_max, y_max, word in page_words[:-4]:
            assert x_min >= MARGIN_SIDE - 3 and x_max <= A4_WIDTH - MARGIN_SIDE + 3, (word, x_min, x_max)
            assert y_min >= MARGIN_TOP - 3 and y_max <= A4_HEIGHT - MARGIN_BOTTOM + 3, (word, y_min, y_max)

    # The last page has content, and below its last line (and that table row's padding and rule) the paper is
    # white down to the page number.
    last = pages[-1][:-4]
    assert last, "the last page is blank"
    last_line = max(w[3] for w in last)
    assert grey_rows_below(pdf, len(pages), last_line + 12, A4_HEIGHT - MARGIN_BOTTOM) == 0

    # A page left open before printing says when it was printed, not when it was loaded.
    printed = page.locator("[data-app-printed]")
    page.evaluate("() => { document.querySelector('[data-app-printed]').textContent = ''; }")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    # (The browser's clock and time zone, so the day is checked by its form, not against the server's.)
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 20\d\d, \d\d:\d\d", printed.text_content())

    # In print, at the page's content width: rows are not split, and every chart label is at least 9pt (12px)
    # as drawn, its SVG's scaling included.
    page.set_viewport_size({"width": A4_CONTENT_WIDTH_PX, "height": 1000})
    page.emulate_media(media="print")
    breaks = page.evaluate(
        "() => [...document.querySelectorAll('.app-dashboard tr')].map(r => getComputedStyle(r).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.app-dashboard svg text')].map(t => {
            const m = t.getScreenCTM();
            const size = parseFloat(getComputedStyle(t).fontSize);
            return [t.textContent.trim(), size, size * Math.hypot(m.a, m.b)];
        })"""
    )
    assert len(labels) > 10  # the RAG bars and the heat map
    small = [label for label in labels if label[1] < 12 or label[2] < 12]
    assert not small, small
