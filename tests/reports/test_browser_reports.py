"""A termly report from start to the Local Offer, in headless Chromium: the comms officer starts it, is refused when
submitting without a summary, writes one, previews it (the PDF made by a real background worker, its page following
the job without reloading) and submits it; the board chair approves it (and has no way to publish it); the comms
officer publishes it, again through the worker; an anonymous visitor finds it on the Local Offer pages and downloads
the PDF. axe-core on every page visited, errors included."""

import pytest
from playwright.sync_api import expect

from actions.models import Rag
from actions.services import progress_update_submit
from governance.services import round_close
from reports.models import PublishedFile, TermlyReport
from tests import factories
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

# A real `manage.py db_worker` renders the PDFs (job_worker, tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.pdf]

SUMMARY = "The weekly EHC panel started this term. Joint commissioning has begun."


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def term_closed(world):
    """Two areas; three actions rated in Spring 2026, one of them led by an officer whose name is not published;
    then the programme manager closes the round."""
    adviser = factories.make_officer("Inclusion Adviser", "Dana Quill", world.council, name_publishable=False)
    world.area2 = factories.make_area(world.plan, "2", "Joint commissioning")
    world.commissioning = factories.make_action(world.area2, "2.1", [adviser], text="Review joint commissioning")
    for action, rag, progress, by in [
        (world.alice_action, Rag.GREEN, "The weekly EHC panel is running.", world.alice),
        (world.bob_action, Rag.AMBER, "Health advice audit started.", world.bob),
        (world.commissioning, Rag.AMBER, "Commissioning review begun with the ICB.", world.manager),
    ]:
        progress_update_submit(
            action=action,
            period=world.period,
            rag=rag,
            progress=progress,
            impact="Families hear sooner." if rag == Rag.GREEN else "",
            by=by,
            expected_version=action.version,
        )
    round_close(period=world.period, by=world.manager, expected_version=world.period.version)
    return world


def open_report(page, base, world):
    """From the navigation to the plan's Spring 2026 report, as staff would get there."""
    page.goto(f"{base}/")
    page.get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Riverside: Written Statement of Action").click()
    page.get_by_role("link", name="Spring 2026").click()
    expect(page.get_by_role("heading", name="Termly report: Spring 2026")).to_be_visible()


def follow_job_to_its_result(page, result: str):
    """On a job's page, the result link appears without the page reloading (app.js polls the job's status)."""
    expect(page.get_by_text("Background job")).to_be_visible()
    page.evaluate("window.appStayed = true")
    link = page.get_by_role("link", name=result)
    expect(link).to_be_visible(timeout=90_000)  # WeasyPrint's time on a busy machine; seconds here
    assert page.evaluate("window.appStayed") is True, "the page reloaded"
    expect(page.get_by_role("status")).to_have_text("Done.")
    assert_accessible(page)
    return link


def test_report_is_prepared_approved_published_and_read_by_the_public(
    page, browser, live_server, term_closed, job_worker
):
    base, world = live_server.url, term_closed

    # The comms officer starts the report, without a summary.
    sign_in(page, base, "colin", PASSWORD)
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Termly reports")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Riverside: Written Statement of Action").click()
    expect(page.get_by_text("No termly reports yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Start a termly report").click()
    expect(page.get_by_role("heading", name="Start a termly report")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the draft").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose the reporting period the report covers.")
    assert_accessible(page)
    page.get_by_label("Reporting period").select_option(label="Spring 2026")
    page.get_by_role("button", name="Start the draft").click()
    expect(page.get_by_text("Draft report for Spring 2026 started.")).to_be_visible()
    expect(page.get_by_text("Not written yet.")).to_be_visible()
    assert_accessible(page)

    # Submitting without the board's summary is refused.
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Write the board's summary of the term before submitting")).to_be_visible()
    assert TermlyReport.objects.get().status == "draft"
    assert_accessible(page)

    page.get_by_role("link", name="Edit the summary").click()
    expect(page.get_by_role("heading", name="Edit the report for Spring 2026")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Summary from the board").fill(SUMMARY)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()

    # The preview: both areas, the actions and their progress; the unnamed officer by post only.
    page.get_by_role("link", name="Preview the web page").click()
    expect(page.get_by_role("heading", name="Progress report: Spring 2026")).to_be_visible()
    report_body = page.locator("article.app-report")
    expect(page.get_by_role("heading", name="Area 1: Timeliness of EHC plans")).to_be_visible()
    expect(page.get_by_role("heading", name="Area 2: Joint commissioning")).to_be_visible()
    expect(report_body).to_contain_text(SUMMARY)
    expect(report_body).to_contain_text("Review joint commissioning")
    expect(report_body).to_contain_text("Commissioning review begun with the ICB.")
    expect(report_body).to_contain_text("The weekly EHC panel is running.")
    expect(report_body).to_contain_text("Inclusion Adviser")
    expect(report_body).not_to_contain_text("Dana Quill")
    expect(page.get_by_text("This is a draft report, not yet on the Local Offer pages.")).to_be_visible()
    assert_accessible(page)

    # The PDF preview is made in the background: its job's page follows it to the link to the PDF.
    page.get_by_role("link", name="Back to the report's workflow").click()
    page.get_by_role("link", name="Preview the PDF (marked DRAFT").click()
    expect(page.get_by_role("heading", name="PDF preview of Riverside: progress report, Spring 2026")).to_be_visible()
    link = follow_job_to_its_result(page, "Open the PDF preview")
    preview = page.request.get(f"{base}{link.get_attribute('href')}")
    assert preview.headers["content-type"] == "application/pdf"
    assert preview.body().startswith(b"%PDF-")
    # Asked again for the same content, the stored PDF comes at once: no second job.
    again = page.request.get(f"{base}/reports/{TermlyReport.objects.get().pk}/pdf/", max_redirects=0)
    assert again.status == 200 and again.body() == preview.body()

    open_report(page, base, world)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.get_by_text("Report submitted. The board chair has been asked to approve it.")).to_be_visible()
    expect(page.get_by_text("Waiting for the board chair to approve it.")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The board chair approves it, and cannot publish it.
    sign_in(page, base, "charlie", PASSWORD)
    open_report(page, base, world)
    expect(page.get_by_role("link", name="Send back")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Approve for publication").click()
    expect(page.get_by_text("Report approved. The comms officer can now publish it.")).to_be_visible()
    expect(page.get_by_text("Approved. Waiting for the comms officer to publish it.")).to_be_visible()
    expect(page.get_by_role("button", name="Publish on the Local Offer")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # The comms officer publishes it: the page answers at once and follows the worker rendering the PDF.
    sign_in(page, base, "colin", PASSWORD)
    open_report(page, base, world)
    page.get_by_role("button", name="Publish on the Local Offer").click()
    follow_job_to_its_result(page, "See the published report").click()
    expect(page.get_by_text("Published. It will not change.")).to_be_visible()
    assert_accessible(page)
    report = TermlyReport.objects.get()
    assert report.status == "published"
    stored_pdf = bytes(PublishedFile.objects.get(report=report).pdf)

    # An anonymous visitor, in a browser that never signed in.
    context = browser.new_context(accept_downloads=True)
    public = context.new_page()
    public.set_default_timeout(5000)
    public.goto(f"{base}/local-offer/")
    expect(public.get_by_role("heading", name="SEND improvement: progress reports")).to_be_visible()
    expect(public.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(public)
    public.get_by_role("link", name="Riverside: Written Statement of Action").click()
    expect(public.get_by_role("heading", name="Written Statement of Action: progress reports")).to_be_visible()
    assert_accessible(public)
    public.get_by_role("link", name="Progress report: Spring 2026").click()
    expect(public.get_by_role("heading", name="Progress report: Spring 2026")).to_be_visible()
    expect(public.locator("article.app-report")).to_contain_text(SUMMARY)
    expect(public.locator("article.app-report")).not_to_contain_text("Dana Quill")
    expect(public.get_by_text("Draft.", exact=True)).to_have_count(0)
    assert_accessible(public)

    with public.expect_download() as download:
        public.get_by_role("link", name="Download the PDF of this report").click()
    assert download.value.suggested_filename == "riverside-wsoa-spring-2026.pdf"
    with open(download.value.path(), "rb") as downloaded:
        assert downloaded.read() == stored_pdf
    response = public.request.get(f"{base}{report.get_public_url()}pdf/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="riverside-wsoa-spring-2026.pdf"'
    assert response.body() == stored_pdf
    context.close()
