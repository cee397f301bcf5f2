"""Writes for termly reports: draft -> submitted -> approved (board chair) -> published (comms officer).

Each step checks the report's state and version (optimistic locking): two people acting on one report at once get
a clear refusal, not a silent overwrite. Once published, a report and its file never change; a correction is a new
version that says what it corrects and goes through the same steps.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.security_log import log_event
from actions.locking import claim_version, save_versioned
from actions.models import Plan, ReportingPeriod
from jobs.models import Job
from jobs.services import job_enqueue
from reports.content import period_closed_at, report_content
from reports.models import PublishedFile, RenderedPdf, TermlyReport
from reports.open_data import open_data_of
from reports.rendering import document_key, render_body, render_pdf, render_pdf_document
from reports.selectors import publishable_evidence_of

Status = TermlyReport.Status


def report_figures_as_at(report: TermlyReport):
    """The moment a report's figures are read at: fixed on submission; until then, as the period stands now."""
    return report.as_at or timezone.now()


def report_content_for(report: TermlyReport):
    return report_content(report.plan, report.period, as_at=report_figures_as_at(report), summary=report.summary)


@transaction.atomic
def report_create(*, plan: Plan, period: ReportingPeriod, summary: str = "", by) -> TermlyReport:
    errors = {}
    if period.plan_id != plan.pk:
        errors["period"] = f"{period.name} is not a reporting period of {plan}."
    elif period.status == ReportingPeriod.Status.PLANNED:
        errors["period"] = f"{period.name} has not started yet. Open its reporting round first."
    else:
        existing = TermlyReport.objects.filter(plan=plan, period=period).order_by("-number").first()
        if existing is not None and existing.status != Status.PUBLISHED:
            errors["period"] = f"A report for {period.name} is already being prepared (version {existing.number})."
        elif existing is not None:
            errors["period"] = (
                f"The report for {period.name} is published. To put something right, make a correction to it."
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    report = TermlyReport(
        plan=plan, period=period, summary=summary.strip(), created_by=by, created_at=now, updated_at=now
    )
    save_versioned(report, expected_version=1, by=by)
    return report


def _require(report: TermlyReport, *allowed: str, doing: str) -> None:
    if report.status not in allowed:
        raise ValidationError(f"This report is {report.get_status_display().lower()}, so it cannot be {doing}.")


@transaction.atomic
def report_edit(
    *, report: TermlyReport, summary: str, correction_note: str | None = None, by, expected_version: int
) -> TermlyReport:
    _require(report, Status.DRAFT, doing="edited; ask the chair to send it back first")
    report.summary = summary.strip()
    if correction_note is not None and report.corrects_id:
        if not correction_note.strip():
            raise ValidationError({"correction_note": "Say what this version corrects: readers see it first."})
        report.correction_note = correction_note.strip()
    save_versioned(report, expected_version=expected_version, by=by)
    return report


@transaction.atomic
def report_submit(*, report: TermlyReport, by, expected_version: int) -> TermlyReport:
    """Send the draft to the board chair. Its figures are fixed from now: the chair approves what readers will see."""
    _require(report, Status.DRAFT, doing="submitted")
    errors = {}
    if not report.summary.strip():
        errors["summary"] = "Write the board's summary of the term before submitting the report for approval."
    closed_at = period_closed_at(report.period)
    if closed_at is None:
        errors["period"] = (
            f"The reporting round for {report.period.name} is still open, so its ratings may still change. "
            "Submit the report once the programme manager has closed the round."
        )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    # A first version reports the term as it closed; a correction reports it with the corrections made since.
    report.as_at = now if report.corrects_id else closed_at
    report.status = Status.SUBMITTED
    report.submitted_by, report.submitted_at = by, now
    report.returned_note = ""
    save_versioned(report, expected_version=expected_version, by=by)
    return report


@transaction.atomic
def report_approve(*, report: TermlyReport, by, expected_version: int) -> TermlyReport:
    _require(report, Status.SUBMITTED, doing="approved")
    report.status = Status.APPROVED
    report.approved_by, report.approved_at = by, timezone.now()
    save_versioned(report, expected_version=expected_version, by=by)
    return report


@transaction.atomic
def report_return(*, report: TermlyReport, note: str, by, expected_version: int) -> TermlyReport:
    """The chair sends the report back to draft, saying what to change. Its figures are live again until resubmitted."""
    _require(report, Status.SUBMITTED, Status.APPROVED, doing="sent back")
    _refuse_while_publishing(report)
    if not note.strip():
        raise ValidationError({"note": "Say what needs to change, so the comms officer can put it right."})
    report.status = Status.DRAFT
    report.returned_note = note.strip()
    report.as_at = None
    report.submitted_by = report.submitted_at = report.approved_by = report.approved_at = None
    save_versioned(report, expected_version=expected_version, by=by)
    return report


def report_publish_start(*, report: TermlyReport, by, expected_version: int) -> Job:
    """Publish from the web: claim the report's version now (a second click, or a second comms officer, is refused
    at once), and queue the rendering; `report_publish_finish` makes it public when the PDF is ready."""
    from reports.tasks import publish_report

    with transaction.atomic():
        _require(report, Status.APPROVED, doing="published until the board chair approves it")
        _refuse_while_publishing(report)
        claim_version(report, expected_version=expected_version)
        return job_enqueue(
            publish_report,
            label=f"Publish {report}",
            subject=report_subject(report),
            key=f"publish:{report.pk}",
            by=by,
            args={"report": report.pk, "version": report.version},
        )


def _published_data(content, report: TermlyReport) -> dict:
    """The report's figures as open data and its publishable evidence files, frozen with its page."""
    return {**open_data_of(content, report), "evidence_files": publishable_evidence_of(content)}


def published_data_backfill(report: TermlyReport, *, dry_run: bool = False) -> str:
    """Give a report published before open data existed its open data, if it can be known to be the published page's:
    its content is read again as at its figures' moment and rendered, and only if that page is the stored page, byte
    for byte, are the figures taken from it (anything since, a changed template or glossary, leaves it without).
    Returns what happened: "already" (it has its data), "stored" (or would be, on a dry run) or "differs"."""
    stored = PublishedFile.objects.get(report=report)
    if stored.data is not None:
        return "already"
    content = report_content_for(report)
    if render_body(content, report, draft=False) != stored.html:
        return "differs"
    if not dry_run:
        # Written once: this fills an empty field of the published record, never changes what was published.
        PublishedFile.objects.filter(pk=stored.pk, data__isnull=True).update(data=_published_data(content, report))
    return "stored"


def report_publish(*, report: TermlyReport, by, expected_version: int) -> TermlyReport:
    """Publish at once, in this process: demo data, management commands and tests. The web queues it instead."""
    with transaction.atomic():
        _require(report, Status.APPROVED, doing="published until the board chair approves it")
        claim_version(report, expected_version=expected_version)
    return report_publish_finish(report_id=report.pk, version=report.version, by=by)


def report_publish_finish(*, report_id: int, version: int, by, progress=None) -> TermlyReport:
    """Render the approved report once, then store the PDF and the page with the PDF's SHA-256 and make it public,
    in one transaction. Rendering happens outside it (it takes seconds); the report must still be approved at the
    version publishing claimed, or nothing is stored: someone changed it meanwhile."""
    report = TermlyReport.objects.select_related("plan", "period").get(pk=report_id)
    _still_as_claimed(report, version)
    now = timezone.now()
    # Set before rendering: the cover says when it was published.
    report.status = Status.PUBLISHED
    report.published_by, report.published_at = by, now
    content = report_content_for(report)
    pdf = render_pdf(content, report, draft=False, progress=progress)
    if progress:
        progress("Storing the published PDF and web page")
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        _still_as_claimed(TermlyReport.objects.select_for_update().get(pk=report_id), version)
        PublishedFile.objects.create(
            report=report,
            pdf=pdf,
            html=render_body(content, report, draft=False),
            data=_published_data(content, report),
            sha256=digest,
            created_at=now,
        )
        report.pdf_sha256, report.pdf_size = digest, len(pdf)
        report.updated_at = now
        report._history_user = by
        report.full_clean()
        report.save()
        # Previews are drafts' working copies; a published report serves its published file.
        RenderedPdf.objects.filter(report=report).delete()
        # Logged once the publication is committed: a rolled-back one was never public.
        transaction.on_commit(
            lambda: log_event(
                "report_published",
                user_id=by.pk if by else None,
                report_id=report.pk,
                plan_id=report.plan_id,
                version=report.number,
                sha256=digest,
            )
        )
    return report


def _still_as_claimed(report: TermlyReport, version: int) -> None:
    if report.status != Status.APPROVED or report.version != version:
        raise ReportChanged(
            f"The report was changed while it was being published (it is now {report.get_status_display().lower()})"
            ", so nothing was published. Open the report to see its state."
        )


class ReportChanged(ValidationError):
    """Raised by publishing when the report moved on after publishing was asked for."""


def report_subject(report: TermlyReport) -> str:
    return f"report:{report.pk}"


def report_publishing(report: TermlyReport) -> Job | None:
    """The job publishing the report now, if one is."""
    return Job.objects.filter(key=f"publish:{report.pk}", status__in=Job.ACTIVE).first()


def _refuse_while_publishing(report: TermlyReport) -> None:
    job = report_publishing(report)
    if job is not None:
        who = job.requested_by.get_full_name() or job.requested_by.username if job.requested_by else "someone"
        raise ValidationError(
            f"This report is being published (asked for by {who} at {timezone.localtime(job.created_at):%H:%M}). "
            "Wait for it to finish."
        )


def report_pdf_preview(*, report: TermlyReport, by) -> RenderedPdf | Job:
    """A draft's PDF preview: the stored one if this very content was rendered before, else the job rendering it
    (shared with anyone who asked for the same content)."""
    from reports.tasks import render_pdf_preview

    document = render_pdf_document(report_content_for(report), report, draft=True)
    key = document_key(document, draft=True)
    rendered = RenderedPdf.objects.filter(key=key, pdf__isnull=False).first()
    if rendered is not None:
        return rendered
    with transaction.atomic():
        RenderedPdf.objects.get_or_create(
            key=key, defaults={"report": report, "document": document, "created_at": timezone.now()}
        )
        return job_enqueue(
            render_pdf_preview,
            label=f"PDF preview of {report}",
            subject=report_subject(report),
            key=f"pdf:{key}",
            by=by,
            args={"key": key},
        )


@transaction.atomic
def report_correct(*, report: TermlyReport, note: str, by) -> TermlyReport:
    """Start a new version of a published report that says what it corrects."""
    _require(report, Status.PUBLISHED, doing="corrected")
    siblings = TermlyReport.objects.select_for_update().filter(plan_id=report.plan_id, period_id=report.period_id)
    if siblings.exclude(status=Status.PUBLISHED).exists():
        raise ValidationError({"note": "A correction to this report is already being prepared."})
    latest = siblings.aggregate(latest=Max("number"))["latest"]
    if report.number != latest:
        raise ValidationError({"note": f"Version {latest} replaced this one. Correct that version instead."})
    if not note.strip():
        raise ValidationError({"note": "Say what this version corrects: readers see it first."})
    now = timezone.now()
    correction = TermlyReport(
        plan_id=report.plan_id,
        period_id=report.period_id,
        number=report.number + 1,
        summary=report.summary,
        corrects=report,
        correction_note=note.strip(),
        created_by=by,
        created_at=now,
        updated_at=now,
    )
    save_versioned(correction, expected_version=1, by=by)
    transaction.on_commit(
        lambda: log_event(
            "report_corrected",
            user_id=by.pk,
            report_id=correction.pk,
            corrects_report_id=report.pk,
            plan_id=report.plan_id,
            version=correction.number,
        )
    )
    return correction
