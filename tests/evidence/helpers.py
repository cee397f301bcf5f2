from actions.models import ProgressUpdate
from actions.services import progress_update_save_draft, progress_update_submit
from evidence.models import EvidenceFile
from evidence.services import evidence_add
from tests.evidence.files import pdf


def submitted_update(world, action=None, *, by=None) -> ProgressUpdate:
    action = action or world.alice_action
    action.refresh_from_db()
    return progress_update_submit(
        action=action,
        period=world.period,
        rag="amber",
        progress="Panel dates agreed with schools.",
        by=by or world.alice,
        expected_version=action.version,
    )


def draft_update(world, action=None, *, by=None) -> ProgressUpdate:
    action = action or world.alice_action
    action.refresh_from_db()
    return progress_update_save_draft(
        action=action,
        period=world.period,
        rag="",
        progress="Half written",
        by=by or world.alice,
        expected_version=action.version,
    )


def attached(update, *, by, name: str = "SEND panel minutes.pdf") -> EvidenceFile:
    (evidence,) = evidence_add(update=update, files=[pdf(name)], by=by)
    return evidence
