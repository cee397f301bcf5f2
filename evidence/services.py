"""Every write to evidence files: adding them to a progress update, removing them, marking them publishable."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from actions.locking import save_versioned
from actions.models import ProgressUpdate
from evidence.files import check_evidence_file, extension_of, safe_original_name, storage_name
from evidence.models import EvidenceFile
from evidence.permissions import closed_to_evidence

# At most this many files in one go: a round's evidence is a few documents, and each is read and stored in the
# request.
MAX_FILES_AT_ONCE = 10


def evidence_storage():
    """The storage the bytes go to: STORAGES["default"] (a folder by default, a bucket in production)."""
    return storages["default"]


@transaction.atomic
def evidence_add(*, update: ProgressUpdate, files: list, by) -> list[EvidenceFile]:
    """Check and store `files` (uploaded files) against `update`, all or none: one file refused refuses them all,
    with a ValidationError naming each refused file, and nothing is kept.

    The checks are evidence.files'; the update must be in the open round of an open action. The bytes are stored
    under a made-up name; the name the uploader gave is kept to show and to download with."""
    if refusal := closed_to_evidence(update):
        raise ValidationError(refusal)
    if len(files) > MAX_FILES_AT_ONCE:
        raise ValidationError(f"Attach up to {MAX_FILES_AT_ONCE} files at a time.")
    problems, kinds = [], []
    for upload in files:
        try:
            kinds.append(check_evidence_file(upload))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError(problems)
    storage = evidence_storage()
    stored: list[str] = []
    try:
        added = []
        for upload, kind in zip(files, kinds, strict=True):
            name = safe_original_name(upload.name)
            upload.seek(0)
            stored.append(storage.save(storage_name(extension_of(name)), upload))
            evidence = EvidenceFile(
                update=update,
                file=stored[-1],
                original_name=name,
                content_type=kind.content_type,
                size=upload.size,
                uploaded_by=by,
                uploaded_at=timezone.now(),
            )
            save_versioned(evidence, expected_version=evidence.version, by=by)
            added.append(evidence)
    except BaseException:
        # The rows go with the transaction; the bytes already stored would otherwise stay, listed nowhere.
        for name in stored:
            storage.delete(name)
        raise
    return added


@transaction.atomic
def evidence_remove(*, evidence: EvidenceFile, by, expected_version: int) -> EvidenceFile:
    """Take `evidence` off its update while the round is open. The row and the bytes are kept (the history says
    what was there and who removed it), but the file is no longer listed or served to anyone."""
    if refusal := closed_to_evidence(evidence.update):
        raise ValidationError(refusal)
    if evidence.is_removed:
        raise ValidationError(f"{evidence.original_name} has already been removed.")
    evidence.removed_at = timezone.now()
    evidence.removed_by = by
    save_versioned(evidence, expected_version=expected_version, by=by)
    return evidence


@transaction.atomic
def evidence_mark_publishable(*, evidence: EvidenceFile, publishable: bool, by, expected_version: int) -> EvidenceFile:
    """Record whether a programme manager has agreed `evidence` may be published. Recorded and shown only: no page
    publishes files yet (docs/evidence.md)."""
    evidence.publishable = publishable
    save_versioned(evidence, expected_version=expected_version, by=by)
    return evidence
