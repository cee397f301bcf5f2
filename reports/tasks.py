"""Background jobs for termly reports: rendering a draft's PDF preview, and publishing (jobs app)."""

from datetime import timedelta

from django.utils import timezone

from jobs.tasks import JobRefused, JobResult, job_task
from reports.models import RenderedPdf
from reports.permissions import can_prepare
from reports.rendering import pdf_from_document
from reports.services import ReportChanged, report_publish_finish

# Superseded previews of a report are kept this long, so a link someone was sent still opens.
PREVIEWS_KEPT = timedelta(days=1)


def _any_reader(user, job) -> bool:
    return True  # everyone with a role reads every report, drafts included (reports/permissions.py)


def _preparer(user, job) -> bool:
    return can_prepare(user)


@job_task(can_view=_any_reader, can_retry=_preparer)
def render_pdf_preview(job, progress) -> JobResult:
    rendered = RenderedPdf.objects.get(key=job.args["key"])
    if not rendered.is_rendered:
        pdf = pdf_from_document(rendered.document, draft=True, progress=progress)
        now = timezone.now()
        RenderedPdf.objects.filter(pk=rendered.pk, pdf__isnull=True).update(pdf=pdf, document="", rendered_at=now)
        RenderedPdf.objects.filter(report_id=rendered.report_id, rendered_at__lt=now - PREVIEWS_KEPT).delete()
    return JobResult(url=rendered.get_absolute_url(), label="Open the PDF preview")


@job_task(can_view=_any_reader, can_retry=_preparer)
def publish_report(job, progress) -> JobResult:
    try:
        report = report_publish_finish(
            report_id=job.args["report"], version=job.args["version"], by=job.requested_by, progress=progress
        )
    except ReportChanged as changed:
        raise JobRefused(changed.message) from None
    return JobResult(url=report.get_absolute_url(), label="See the published report")
