"""Writes for imports: staging an upload for preview, confirming it, and removing staged uploads."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.security_log import log_event
from jobs.models import Job
from jobs.services import job_enqueue
from workbooks.importer import ImportResult, import_workbook, workbook_rows
from workbooks.models import TrackerMapping, WorkbookUpload
from workbooks.reader import Problem, read_workbook
from workbooks.tracker.bring_in import tracker_import, tracker_mapping
from workbooks.tracker.mapping import Mapping, facts_from_json, facts_json, mapping_from_json, mapping_json
from workbooks.tracker.translate import PlanFacts

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A staged upload is a whole workbook (up to 10 MB) of plan data: it is kept only until it is confirmed or refused,
# and one that is never confirmed is removed after this long.
STAGED_UPLOAD_LIFETIME = timedelta(days=1)


def uploads_purge_stale(*, now: datetime | None = None) -> int:
    """Remove the staged uploads older than STAGED_UPLOAD_LIFETIME (previews nobody confirmed); return how many."""
    cutoff = (now or timezone.now()) - STAGED_UPLOAD_LIFETIME
    deleted, _ = WorkbookUpload.objects.filter(uploaded_at__lt=cutoff).delete()
    return deleted


def upload_stage(*, filename: str, content: bytes, by) -> tuple[WorkbookUpload, ImportResult | Job]:
    """Keep the upload and preview it: the import is run and rolled back, so nothing else is written. A refused
    upload is not kept (the returned one keeps its id for the log and its name for the page).

    A workbook of more than SENDPLAN_IMPORT_BACKGROUND_ROWS rows is checked by a background job instead (seconds
    per hundred rows): the job is returned, and its page leads to the preview (`upload_check`)."""
    from workbooks.tasks import check_upload

    uploads_purge_stale()
    workbook = read_workbook(io.BytesIO(content))
    rows = workbook_rows(workbook)
    upload = WorkbookUpload.objects.create(
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
        rows=rows,
    )
    if not workbook.problems and rows > settings.SENDPLAN_IMPORT_BACKGROUND_ROWS:
        with transaction.atomic():
            WorkbookUpload.objects.filter(pk=upload.pk).update(status=WorkbookUpload.Status.CHECKING)
            return upload, job_enqueue(
                check_upload,
                label=f"Check {upload.filename} ({rows} rows)",
                subject=upload_subject(upload),
                key=f"check-{upload_subject(upload)}",
                by=by,
                args={"upload": upload.pk},
            )
    result = import_workbook(None, by=by, dry_run=True, workbook=workbook)
    if not result.ok:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
        WorkbookUpload.objects.filter(pk=upload.pk).delete()
    return upload, result


def tracker_stage(*, filename: str, content: bytes, by) -> tuple[WorkbookUpload, ImportResult]:
    """Keep an area's own tracker (or CSV, or Word plan) for its mapping page, where the programme manager confirms
    what each column fills (decision 0024). A file that cannot be read as a tracker at all is refused, with its
    problems, and not kept (the returned upload keeps its id for the log and its name for the page)."""
    uploads_purge_stale()
    tables, _, read = tracker_mapping(io.BytesIO(content), filename=filename)
    upload = WorkbookUpload.objects.create(
        filename=filename[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
        rows=sum(len(table.rows) for table in tables),
        kind=WorkbookUpload.Kind.TRACKER,
        status=WorkbookUpload.Status.MAPPING,
    )
    if not tables and not read.problems:
        read.problems.append(
            Problem("(file)", None, "", "", "has no table of actions we could find: no row of headings.")
        )
    if read.problems:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="mapping", problems=len(read.problems))
        WorkbookUpload.objects.filter(pk=upload.pk).delete()
        upload.status = WorkbookUpload.Status.REFUSED  # as the page shows it: not kept, so not to be mapped
    return upload, read


def tracker_map(*, upload: WorkbookUpload, mapping: Mapping, facts: PlanFacts, by) -> ImportResult | Job:
    """The programme manager confirmed the tracker's mapping and the plan's facts: keep them with the upload and
    preview the import (run and rolled back). A refused preview leaves the upload on its mapping page, since a
    column mapped wrongly is as likely a cause as a cell to correct. A tracker of more than
    SENDPLAN_IMPORT_BACKGROUND_ROWS rows is checked by a background job, whose page leads to the preview."""
    from workbooks.tasks import check_upload

    upload.mapping = {"mapping": mapping_json(mapping), "facts": facts_json(facts)}
    upload.result = None
    if upload.rows > settings.SENDPLAN_IMPORT_BACKGROUND_ROWS:
        with transaction.atomic():
            upload.status = WorkbookUpload.Status.CHECKING
            upload.save(update_fields=["mapping", "result", "status"])
            return job_enqueue(
                check_upload,
                label=f"Check {upload.filename} ({upload.rows} rows)",
                subject=upload_subject(upload),
                key=f"check-{upload_subject(upload)}",
                by=by,
                args={"upload": upload.pk},
            )
    result = _import_staged(upload, by=by, dry_run=True)
    upload.status = WorkbookUpload.Status.PREVIEWED if result.ok else WorkbookUpload.Status.MAPPING
    upload.save(update_fields=["mapping", "result", "status"])
    if not result.ok:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
    return result


def _import_staged(upload: WorkbookUpload, *, by, dry_run: bool, progress=None) -> ImportResult:
    """Run the import of a staged upload: a plan workbook as it is, a tracker under its confirmed mapping."""
    file = io.BytesIO(bytes(upload.content))
    if upload.kind != WorkbookUpload.Kind.TRACKER:
        return import_workbook(file, by=by, dry_run=dry_run, progress=progress)
    result, _ = tracker_import(
        file,
        filename=upload.filename,
        facts=facts_from_json(upload.mapping["facts"]),
        saved=mapping_from_json(upload.mapping["mapping"]),
        by=by,
        dry_run=dry_run,
        progress=progress,
    )
    return result


def upload_subject(upload: WorkbookUpload) -> str:
    return f"upload:{upload.pk}"


def upload_check(*, upload_id: int, by, progress=None) -> tuple[WorkbookUpload, ImportResult]:
    """The background check of a large upload: the import run and rolled back, as `upload_stage` does for a small
    one. Its result is kept with the upload for the preview page; a refused upload keeps only the result."""
    upload = WorkbookUpload.objects.get(pk=upload_id, status=WorkbookUpload.Status.CHECKING)
    result = _import_staged(upload, by=by, dry_run=True, progress=progress)
    upload.result = result.as_json()
    if result.ok:
        upload.status = WorkbookUpload.Status.PREVIEWED
    elif upload.kind == WorkbookUpload.Kind.TRACKER:  # back to its mapping page, file kept, with the problems
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
        upload.status = WorkbookUpload.Status.MAPPING
    else:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
        upload.status, upload.content = WorkbookUpload.Status.REFUSED, b""
    upload.save(update_fields=["result", "status", "content"])
    return upload, result


def upload_confirm_start(*, upload: WorkbookUpload, by) -> Job:
    """Confirm a large upload: its import runs as a background job (`upload_confirm` in the worker)."""
    from workbooks.tasks import import_upload

    with transaction.atomic():
        claimed = WorkbookUpload.objects.filter(pk=upload.pk, status=WorkbookUpload.Status.PREVIEWED).update(
            status=WorkbookUpload.Status.IMPORTING
        )
        if not claimed:  # confirmed a moment ago, in another tab
            raise WorkbookUpload.DoesNotExist
        return job_enqueue(
            import_upload,
            label=f"Import {upload.filename} ({upload.rows} rows)",
            subject=upload_subject(upload),
            key=f"import-{upload_subject(upload)}",
            by=by,
            args={"upload": upload.pk},
        )


@transaction.atomic
def upload_confirm(*, upload: WorkbookUpload, by, progress=None) -> ImportResult:
    """Import the staged workbook for real. It is validated again: the database may have changed since. Imported
    or refused, a small staged upload is removed; a large one (imported by a background job) keeps its row, with
    the outcome and without the file, for its page. Raises WorkbookUpload.DoesNotExist when it is gone already (a
    second confirmation of the same upload)."""
    upload = WorkbookUpload.objects.select_for_update().get(pk=upload.pk)
    result = _import_staged(upload, by=by, dry_run=False, progress=progress)
    upload_id = upload.pk
    if result.applied and upload.kind == WorkbookUpload.Kind.TRACKER:
        tracker_mapping_keep(plan=result.plan, mapping=upload.mapping["mapping"], filename=upload.filename, by=by)
    if upload.in_background:
        upload.result = result.as_json()
        upload.content = b""
        upload.status = WorkbookUpload.Status.IMPORTED if result.applied else WorkbookUpload.Status.REFUSED
        upload.imported_at = timezone.now() if result.applied else None
        upload.save(update_fields=["result", "content", "status", "imported_at"])
    else:
        WorkbookUpload.objects.filter(pk=upload_id).delete()
    if result.applied:
        transaction.on_commit(lambda: log_imported(result, user_id=by.pk, upload_id=upload_id))
    else:
        log_event("import_refused", user_id=by.pk, upload_id=upload_id, stage="confirm", problems=len(result.problems))
    return result


def tracker_mapping_keep(*, plan, mapping: dict, filename: str, by) -> TrackerMapping:
    """Keep the mapping a plan's tracker was imported under, for next term's file of the same shape."""
    kept, _ = TrackerMapping.objects.update_or_create(
        plan=plan,
        defaults={"mapping": mapping, "filename": filename[:255], "updated_by": by, "updated_at": timezone.now()},
    )
    return kept


def log_imported(result: ImportResult, *, user_id: int | None, **fields) -> None:
    """The security event for an applied import: which plan, and how many records it created and changed."""
    log_event(
        "workbook_imported",
        user_id=user_id,
        plan_id=result.plan.pk,
        records_created=sum(result.created.values()),
        records_changed=sum(result.changed.values()),
        **fields,
    )
