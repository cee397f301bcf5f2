"""Writes for imports: staging an upload for preview, confirming it, and removing staged uploads."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.security_log import log_event
from workbooks.importer import ImportResult, import_workbook
from workbooks.models import WorkbookUpload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A staged upload is a whole workbook (up to 10 MB) of plan data: it is kept only until it is confirmed or refused,
# and one that is never confirmed is removed after this long.
STAGED_UPLOAD_LIFETIME = timedelta(days=1)


def uploads_purge_stale(*, now: datetime | None = None) -> int:
    """Remove the staged uploads older than STAGED_UPLOAD_LIFETIME (previews nobody confirmed); return how many."""
    cutoff = (now or timezone.now()) - STAGED_UPLOAD_LIFETIME
    deleted, _ = WorkbookUpload.objects.filter(uploaded_at__lt=cutoff).delete()
    return deleted


def upload_stage(*, filename: str, content: bytes, by) -> tuple[WorkbookUpload, ImportResult]:
    """Keep the upload and preview it: the import is run and rolled back, so nothing else is written. A refused
    upload is not kept (the returned one keeps its id for the log and its name for the page)."""
    uploads_purge_stale()
    upload = WorkbookUpload.objects.create(
        filename=filename[:255], content=content, sha256=hashlib.sha256(content).hexdigest(), uploaded_by=by
    )
    result = import_workbook(io.BytesIO(content), by=by, dry_run=True)
    if not result.ok:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
        WorkbookUpload.objects.filter(pk=upload.pk).delete()
    return upload, result


@transaction.atomic
def upload_confirm(*, upload: WorkbookUpload, by) -> ImportResult:
    """Import the staged workbook for real. It is validated again: the database may have changed since. Imported
    or refused, the staged upload is removed. Raises WorkbookUpload.DoesNotExist when it is gone already (a second
    confirmation of the same upload)."""
    upload = WorkbookUpload.objects.select_for_update().get(pk=upload.pk)
    result = import_workbook(io.BytesIO(bytes(upload.content)), by=by, dry_run=False)
    upload_id = upload.pk
    WorkbookUpload.objects.filter(pk=upload_id).delete()
    if result.applied:
        transaction.on_commit(lambda: log_imported(result, user_id=by.pk, upload_id=upload_id))
    else:
        log_event("import_refused", user_id=by.pk, upload_id=upload_id, stage="confirm", problems=len(result.problems))
    return result


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
