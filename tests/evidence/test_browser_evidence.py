"""A SEND lead attaches a PDF to their update in real headless Chromium and downloads it again; a renamed program
is refused with what they typed kept; axe-core on every page, at a desktop's width and a phone's (390 px)."""

import pytest
from playwright.sync_api import expect

from evidence.models import EvidenceFile
from tests.browser import PHONE, assert_fits_a_phone, look, sign_in
from tests.evidence.files import EXE, PDF
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def files(*named):
    return [{"name": name, "mimeType": "application/pdf", "buffer": content} for name, content in named]


def test_a_lead_attaches_a_pdf_to_their_update_and_downloads_it(page, live_server, world, tmp_path):
    base = live_server.url
    sign_in(page, base, "alice", PASSWORD)
    page.goto(f"{base}{world.alice_action.get_absolute_url()}")
    page.get_by_role("button", name="Add the update for Spring 2026").click()
    expect(page.get_by_label("Attach evidence files (optional)")).to_be_visible()
    look(page, "evidence-update-form")

    # A program renamed .pdf is refused; what was typed stays, and the page says to choose the files again.
    page.get_by_label("Amber").check()
    page.get_by_label("Progress", exact=True).fill("Panel dates agreed with every secondary school.")
    page.get_by_label("Attach evidence files (optional)").set_input_files(files(("minutes.pdf", EXE)))
    page.get_by_role("button", name="Submit update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("minutes.pdf cannot be attached: its content is not what a .pdf file holds.")
    expect(page.get_by_label("Progress", exact=True)).to_have_value("Panel dates agreed with every secondary school.")
    expect(page.get_by_text("Files are not kept when the page shows a problem: choose them again.")).to_be_visible()
    summary.get_by_role("link").click()
    expect(page.get_by_label("Attach evidence files (optional)")).to_be_focused()
    look(page, "evidence-update-form-error")

    page.get_by_label("Attach evidence files (optional)").set_input_files(files(("SEND panel minutes.pdf", PDF)))
    page.get_by_role("button", name="Submit update").click()
    expect(page.get_by_text("1 evidence file attached.")).to_be_visible()
    page.get_by_role("tab", name="Progress updates (1)").click()
    link = page.get_by_role("link", name="SEND panel minutes.pdf", exact=True)
    expect(link).to_be_visible()
    look(page, "evidence-action-page")

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "SEND panel minutes.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF

    # The Add evidence page and the remove page of the same update.
    page.get_by_role("link", name="Add evidence to the update for Spring 2026").click()
    expect(page.get_by_role("heading", name="Add evidence to the update for Spring 2026")).to_be_visible()
    look(page, "evidence-add")
    page.get_by_role("button", name="Attach files").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose a file to attach.")
    look(page, "evidence-add-error")
    page.goto(f"{base}{world.alice_action.get_absolute_url()}#updates")
    page.get_by_role("link", name="Remove SEND panel minutes.pdf").click()
    expect(page.get_by_role("heading", name="Remove SEND panel minutes.pdf?")).to_be_visible()
    look(page, "evidence-remove")

    # At a phone's width: the same pages fit, and stay axe-clean.
    evidence = EvidenceFile.objects.get()
    page.set_viewport_size(PHONE)
    for name, address in [
        ("evidence-update-form", world.alice_action.get_absolute_url().rstrip("/") + "/update/"),
        ("evidence-action-page", f"{world.alice_action.get_absolute_url()}#updates"),
        ("evidence-add", f"/updates/{evidence.update_id}/evidence/"),
        ("evidence-remove", f"/evidence/{evidence.pk}/remove/"),
    ]:
        page.goto(f"{base}{address}")
        assert_fits_a_phone(page)
        look(page, f"{name}-phone")


def test_a_programme_manager_marks_a_file_publishable(page, live_server, world):
    from tests.evidence.helpers import attached, submitted_update

    evidence = attached(submitted_update(world), by=world.alice, name="Parent survey results – spring term.pdf")
    base = live_server.url
    sign_in(page, base, "morgan", PASSWORD)
    page.goto(f"{base}{world.alice_action.get_absolute_url()}#updates")
    page.get_by_role("link", name="Mark as publishable").click()
    expect(page.get_by_role("heading", name="Parent survey results – spring term.pdf")).to_be_visible()
    look(page, "evidence-publishable")
    page.get_by_label("Yes, it may be published with the plan's reports").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Parent survey results – spring term.pdf may be published.")).to_be_visible()
    evidence.refresh_from_db()
    assert evidence.publishable
    page.set_viewport_size(PHONE)
    page.goto(f"{base}/evidence/{evidence.pk}/publishable/")
    assert_fits_a_phone(page)
    look(page, "evidence-publishable-phone")
