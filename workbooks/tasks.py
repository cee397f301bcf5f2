"""Background jobs for large workbook imports (jobs app): the check that previews, and the import itself. Each
runs the importer in one transaction, all or nothing, telling the job's page which part it is on."""

from django.urls import reverse

from jobs.tasks import JobRefused, JobResult, job_task
from workbooks.models import WorkbookUpload
from workbooks.services import upload_check, upload_confirm


def _importer_progress(progress):
    """The importer's steps ("actions", 2 of 12) in words for the job's page."""

    def told(what: str, done: int, total: int) -> None:
        progress(f"Checking the {what}", done, total)

    return told


# An import is its programme manager's alone: only the requester sees it or tries it again (the default).
@job_task()
def check_upload(job, progress) -> JobResult:
    upload, result = upload_check(
        upload_id=job.args["upload"], by=job.requested_by, progress=_importer_progress(progress)
    )
    url = reverse("workbook-preview", args=[upload.pk])
    if not result.ok:
        count = len(result.problems)
        raise JobRefused(
            f"Nothing can be imported: {count} problem{'s' if count != 1 else ''} to correct in the workbook.",
            result=JobResult(url=url, label="See the problems"),
        )
    return JobResult(url=url, label="Check what the import will do")


@job_task()
def import_upload(job, progress) -> JobResult:
    upload = WorkbookUpload.objects.get(pk=job.args["upload"])
    result = upload_confirm(upload=upload, by=job.requested_by, progress=_importer_progress(progress))
    if not result.applied:
        count = len(result.problems)
        raise JobRefused(
            f"Nothing was imported: the plan changed since the check, and {count} problem"
            f"{'s' if count != 1 else ''} now stop{'s' if count == 1 else ''} the import.",
            result=JobResult(url=reverse("workbook-preview", args=[upload.pk]), label="See the problems"),
        )
    created, changed = sum(result.created.values()), sum(result.changed.values())
    return JobResult(
        url=result.plan.get_absolute_url(), label=f"Open the plan ({created} records created, {changed} changed)"
    )
