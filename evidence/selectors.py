"""Reads of evidence files: an update's files, an action's files by update, and their lines in the History tab."""

from __future__ import annotations

from collections import defaultdict

from actions.locking import FieldChange, history_user_label
from actions.models import Action, ProgressUpdate
from evidence.models import EvidenceFile


def _listed():
    """Files still attached, with who added them, oldest first."""
    return EvidenceFile.objects.filter(removed_at__isnull=True).select_related("uploaded_by__officer")


def update_files(update: ProgressUpdate | None) -> list[EvidenceFile]:
    if update is None or update.pk is None:
        return []
    return list(_listed().filter(update=update))


def action_files_by_update(action: Action) -> dict[int, list[EvidenceFile]]:
    """The files of the action's submitted updates, by update id, in one query (a draft's files are shown on the
    update form, to those who may see the draft)."""
    files = defaultdict(list)
    for evidence in _listed().filter(update__action=action, update__status=ProgressUpdate.Status.SUBMITTED):
        files[evidence.update_id].append(evidence)
    return dict(files)


def action_history(action: Action) -> list[FieldChange]:
    """Files added to, removed from and marked publishable on the action's submitted updates, as History-tab lines
    ("Evidence added: minutes.pdf", by whom, when). One query, whatever the number of files."""
    records = list(
        EvidenceFile.history.filter(update__action_id=action.pk, update__status=ProgressUpdate.Status.SUBMITTED)
        .select_related("history_user__officer", "update__period")
        .order_by("id", "history_date", "history_id")
    )
    changes, previous = [], None
    for record in records:
        before = previous if previous is not None and previous.id == record.id else None
        where = f"update for {record.update.period.name}"
        name = record.original_name
        if before is None:
            changes.append(_line(record, f"Evidence added: {name}", "Evidence file", "(new)", f"{name}, {where}"))
        if record.removed_at and (before is None or not before.removed_at):
            changes.append(_line(record, f"Evidence removed: {name}", "Evidence file", name, "(removed)"))
        if before is not None and before.publishable != record.publishable:
            old, new = ("No", "Yes") if record.publishable else ("Yes", "No")
            changes.append(_line(record, f"Evidence publishable: {name}", "Publishable", old, new))
        previous = record
    return changes


def _line(record, what: str, field: str, old: str, new: str) -> FieldChange:
    return FieldChange(
        object_label=what, field=field, old=old, new=new, who=history_user_label(record), when=record.history_date
    )
