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
# WCAG 2.2 AA as well as 2.0 and 2.1, plus axe's best practices: the same rules axe runs by default (checked
# against axe 4.12's list), named so that a new axe release cannot quietly drop one, and target-size (2.5.8, the
# 24 px minimum for controls), which axe leaves off unless asked.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "rules": {"target-size": {"enabled": True}},
    "resultTypes": ["violations"],
}


def assert_accessible(page) -> None:
    """axe-core finds no WCAG 2.2 AA (or best-practice) violations on the page as it stands now."""
    results = _axe.run(page, options=AXE_OPTIONS)
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
