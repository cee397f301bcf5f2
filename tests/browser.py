"""Shared pieces for browser tests: Debian's Chromium driven by Playwright, and axe-core checks."""

import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

CHROMIUM = "/usr/bin/chromium"
# A common phone's screen: no page may scroll sideways at this width (tests/sendplan/test_browser_phone.py).
PHONE = {"width": 390, "height": 844}
# Without the networking flags Chromium keeps trying the (closed) network at every start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_axe = Axe()


def assert_accessible(page) -> None:
    """axe-core finds no violations on the page as it stands now."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def look(page, name: str) -> None:
    """Axe-clean, and a full-page screenshot when SENDPLAN_SCREENSHOTS names a folder (to look at what was built)."""
    assert_accessible(page)
    if folder := os.environ.get("SENDPLAN_SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def assert_fits_a_phone(page) -> None:
    """At PHONE's width the page never scrolls sideways and its header spans the page (a wide table scrolls in its
    own region instead)."""
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            header: document.querySelector('header').getBoundingClientRect().width,
        })"""
    )
    assert widths["page"] <= PHONE["width"], f"{page.url} scrolls sideways: {widths['page']}px wide"
    assert widths["header"] == widths["page"], f"{page.url}: the header is {widths['header']}px of {widths['page']}px"
