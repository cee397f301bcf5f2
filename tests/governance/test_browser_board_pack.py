"""The board pack in headless Chromium: the meeting page's pack panel, the HTML twin at desktop and phone widths,
the email page and a pack not yet produced; axe-core on each, and the phone pages never scroll sideways."""

import pytest
from playwright.sync_api import expect

from governance.services import board_pack_produce
from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.factories import PASSWORD
from tests.governance.test_board_pack_pdf import build_story

pytestmark = [pytest.mark.browser, pytest.mark.pdf]


def test_the_pack_reads_well_on_a_desk_and_a_phone(page, live_server, world):
    base = live_server.url
    meeting = build_story(world)
    board_pack_produce(meeting=meeting, by=world.manager)
    empty = world.boards.next_meeting

    sign_in(page, base, "morgan", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/meetings/{meeting.pk}/")
    expect(page.get_by_role("heading", name="Board pack")).to_be_visible()
    look(page, "pack-meeting-1280")
    page.get_by_role("link", name="Read the board pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board pack: Spring review, 20 February 2026")
    expect(page.get_by_role("table", name="Actions rated Red and what will bring them back on track")).to_contain_text(
        "Two more caseworkers"
    )
    expect(page.get_by_role("img", name="Heat map of 1 scored open risks", exact=False)).to_be_visible()
    look(page, "pack-1280")
    page.get_by_role("button", name="Email the pack to members").click()
    expect(page.get_by_role("heading", name="Email the board pack to members")).to_be_visible()
    look(page, "pack-email-1280")
    page.goto(f"{base}/meetings/{empty.pk}/pack/")
    expect(page.get_by_role("button", name="Produce the board pack")).to_be_visible()
    look(page, "pack-empty-1280")

    page.set_viewport_size(PHONE)
    for name, url in [
        ("pack-390", f"/meetings/{meeting.pk}/pack/"),
        ("pack-meeting-390", f"/meetings/{meeting.pk}/"),
        ("pack-email-390", f"/meetings/{meeting.pk}/pack/email/"),
    ]:
        page.goto(base + url)
        look(page, name)
        assert_fits_a_phone(page)

    # Produce again: the job's page takes over (no worker runs here, so it waits).
    page.goto(f"{base}/meetings/{meeting.pk}/pack/")
    page.get_by_role("button", name="Produce the pack again").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Produce the board pack")
    look(page, "pack-job-390")
