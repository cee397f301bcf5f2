"""Termly reports in the background: a draft's PDF preview and publishing are jobs, so the request answers at once;
a preview is rendered once per content; publishing claims the report at once and makes it public only when the
PDF is stored; a failure leaves the report approved with the error and Try again."""

import hashlib
import logging

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jobs.models import Job
from reports.models import PublishedFile, RenderedPdf, TermlyReport
from reports.rendering import _ProgressHandler
from reports.services import report_approve, report_create, report_edit, report_return, report_submit
from tests.jobs import run_queued_jobs

FAKE_PDF = b"%PDF-1.7\n% a fake render\n%%EOF\n"


class FakeWeasyPrint:
    """Stands in for WeasyPrint here (tests/reports/test_report_pdf*.py render for real): counts renders, reports
    progress as WeasyPrint does, and can be told to fail."""

    def __init__(self):
        self.renders = 0
        self.fail = False

    def __call__(self, *args, progress=None, **kwargs):
        self.renders += 1
        if progress:
            progress("Laying out page 1", 4, 7)
        if self.fail:
            raise OSError("fontconfig exploded")
        return FAKE_PDF


@pytest.fixture
def weasyprint(monkeypatch):
    fake = FakeWeasyPrint()
    monkeypatch.setattr("reports.tasks.pdf_from_document", fake)
    monkeypatch.setattr("reports.services.render_pdf", fake)
    return fake


@pytest.fixture
def draft(world):
    return report_create(plan=world.plan, period=world.closed_period, summary="A good term.", by=world.comms)


@pytest.fixture
def approved(world, draft):
    report = report_submit(report=draft, by=world.comms, expected_version=draft.version)
    return report_approve(report=report, by=world.chair, expected_version=report.version)


def job_of(response) -> Job:
    assert response.status_code == 302, response.content[:300]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


@pytest.mark.django_db
def test_a_draft_pdf_is_rendered_once_in_the_background_then_served_at_once(client, world, draft, weasyprint):
    client.force_login(world.member)
    url = reverse("report-pdf", args=[draft.pk])
    job = job_of(client.get(url))
    assert job.status == Job.Status.QUEUED and weasyprint.renders == 0  # the request did not render
    client.force_login(world.alice)
    assert job_of(client.get(url)) == job  # someone else asking for the same content shares the job

    run_queued_jobs()

    job.refresh_from_db()
    preview = RenderedPdf.objects.get(report=draft)
    assert (job.status, job.result_url, job.result_label) == (
        Job.Status.DONE,
        reverse("report-pdf-preview", args=[draft.pk, preview.key]),
        "Open the PDF preview",
    )
    assert weasyprint.renders == 1
    for pdf_url in (url, job.result_url):
        response = client.get(pdf_url)
        assert response["Content-Type"] == "application/pdf"
        assert response.content == FAKE_PDF
        assert response["Content-Disposition"].startswith('inline; filename="DRAFT-')
    assert weasyprint.renders == 1 and Job.objects.count() == 1


@pytest.mark.django_db
def test_changed_content_is_rendered_anew(client, world, draft, weasyprint):
    client.force_login(world.comms)
    url = reverse("report-pdf", args=[draft.pk])
    first = job_of(client.get(url))
    run_queued_jobs()
    report_edit(report=draft, summary="A better term.", by=world.comms, expected_version=draft.version)
    second = job_of(client.get(url))
    assert second != first
    run_queued_jobs()
    assert weasyprint.renders == 2
    assert RenderedPdf.objects.filter(report=draft).count() == 2  # the earlier one stays a day for its links


@pytest.mark.django_db
def test_publishing_answers_at_once_and_makes_the_report_public_when_the_pdf_is_stored(
    client, world, approved, weasyprint
):
    client.force_login(world.comms)
    job = job_of(client.post(reverse("report-publish", args=[approved.pk]), {"version": approved.version}))
    approved.refresh_from_db()
    assert approved.status == TermlyReport.Status.APPROVED and not PublishedFile.objects.exists()
    assert weasyprint.renders == 0
    detail = client.get(approved.get_absolute_url()).content.decode()
    assert "Being published" in detail and job.get_absolute_url() in detail

    # While it is being published, it cannot be published again nor sent back.
    response = client.post(reverse("report-publish", args=[approved.pk]), {"version": approved.version}, follow=True)
    assert "This report is being published" in response.content.decode()
    assert Job.objects.count() == 1
    with pytest.raises(ValidationError, match="being published"):
        report_return(report=approved, note="Wait", by=world.chair, expected_version=approved.version)

    run_queued_jobs()

    approved.refresh_from_db()
    job.refresh_from_db()
    stored = PublishedFile.objects.get(report=approved)
    assert approved.status == TermlyReport.Status.PUBLISHED and approved.published_by == world.comms
    assert approved.pdf_sha256 == stored.sha256 == hashlib.sha256(FAKE_PDF).hexdigest()
    assert (job.status, job.result_url, job.result_label) == (
        Job.Status.DONE,
        approved.get_absolute_url(),
        "See the published report",
    )
    assert client.get(reverse("public-report-pdf", args=[approved.plan.slug, approved.pk])).content == FAKE_PDF


@pytest.mark.django_db
def test_a_failed_publication_leaves_the_report_approved_with_the_error_and_try_again(
    client, world, approved, weasyprint
):
    weasyprint.fail = True
    client.force_login(world.comms)
    job = job_of(client.post(reverse("report-publish", args=[approved.pk]), {"version": approved.version}))
    run_queued_jobs()

    job.refresh_from_db()
    approved.refresh_from_db()
    assert job.status == Job.Status.FAILED and f"(job {job.pk})" in job.error
    assert approved.status == TermlyReport.Status.APPROVED and not PublishedFile.objects.exists()
    detail = client.get(approved.get_absolute_url()).content.decode()
    assert "Publishing did not finish" in detail and job.get_absolute_url() in detail

    weasyprint.fail = False
    client.force_login(world.manager)  # another preparer may try again
    client.post(reverse("job-retry", args=[job.pk]))
    run_queued_jobs()
    approved.refresh_from_db()
    job.refresh_from_db()
    assert approved.status == TermlyReport.Status.PUBLISHED
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)


@pytest.mark.django_db
def test_a_report_changed_while_being_published_is_not_published(client, world, approved, weasyprint):
    client.force_login(world.comms)
    job = job_of(client.post(reverse("report-publish", args=[approved.pk]), {"version": approved.version}))
    TermlyReport.objects.filter(pk=approved.pk).update(status=TermlyReport.Status.DRAFT)  # e.g. in the admin
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error.startswith("The report was changed while it was being published (it is now draft)")
    assert not PublishedFile.objects.exists()


@pytest.mark.django_db
def test_a_stale_publish_click_queues_nothing(client, world, approved, weasyprint):
    client.force_login(world.comms)
    response = client.post(
        reverse("report-publish", args=[approved.pk]), {"version": approved.version - 1}, follow=True
    )
    assert response.status_code == 200 and not Job.objects.exists()


def test_weasyprint_progress_lines_become_words():
    told = []
    handler = _ProgressHandler(lambda *args: told.append(args))
    for message in [
        "Step 1 - Fetching and parsing HTML - HTML string",
        "Step 5 - Creating layout - Page 12",
        "Step 6 - Creating PDF",
        "Something else",
    ]:
        handler.emit(logging.LogRecord("weasyprint.progress", logging.INFO, "", 0, message, (), None))
    assert told == [("Reading the report", 0, 7), ("Laying out page 12", 4, 7), ("Drawing the PDF", 5, 7)]
