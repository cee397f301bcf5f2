"""Writes for imports: staging an upload for preview, and confirming it."""

from __future__ import annotations

import hashlib
import io

from django.db import transaction
from django.utils import timezone

from accounts.security_log import log_event
from workbooks.importer import ImportResult, import_workbook
from workbooks.models import WorkbookUpload

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def upload_stage(*, filename: str, content: bytes, by) -> tuple[WorkbookUpload, ImportResult]:
    """Keep the upload and preview it: the import is run and rolled back, so nothing else is written."""
    upload = WorkbookUpload.objects.create(
        filename=filename[:255], content=content, sha256=hashlib.sha256(content).hexdigest(), uploaded_by=by
    )
    result = import_workbook(io.BytesIO(content), by=by, dry_run=True)
    if not result.ok:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="preview", problems=len(result.problems))
    return upload, result


@transaction.atomic
def upload_confirm(*, upload: WorkbookUpload, by) -> ImportResult:
    """Import the staged workbook for real. It is validated again: the database may have changed since."""
    upload = WorkbookUpload.objects.select_for_update().get(pk=upload.pk)
    result = import_workbook(io.BytesIO(bytes(upload.content)), by=by, dry_run=False)
    if result.applied:
        upload.status = WorkbookUpload.Status.IMPORTED
        upload.imported_at = timezone.now()
        upload.save(update_fields=["status", "imported_at"])
        transaction.on_commit(lambda: log_imported(result, user_id=by.pk, upload_id=upload.pk))
    else:
        log_event("import_refused", user_id=by.pk, upload_id=upload.pk, stage="confirm", problems=len(result.problems))
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
