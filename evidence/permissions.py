"""Who may see, add, remove and mark evidence files. A file is as readable as its update: every role reads a
submitted update's files, a draft's only those who may update its action (for everyone else the draft does not
exist, so neither do its files: 404). A removed file does not exist for anyone."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.models import Action, ProgressUpdate, ReportingPeriod
from actions.permissions import (
    action_write_refusal,
    can_manage_plans,
    can_write_action,
    require_reader,
)
from evidence.models import EvidenceFile


def update_is_visible(user, update: ProgressUpdate) -> bool:
    return not update.is_draft or can_write_action(user, update.action)


def get_update_for_user(user, pk: int) -> ProgressUpdate:
    """The update, if the user may see it (404 otherwise, as for a missing one)."""
    require_reader(user)
    update = ProgressUpdate.objects.select_related("action__area__plan", "period").filter(pk=pk).first()
    if update is None or not update_is_visible(user, update):
        raise Http404("No such progress update")
    return update


def get_evidence_for_user(user, pk: int) -> EvidenceFile:
    """The file, if it is not removed and the user may see its update (404 otherwise, as for a missing one)."""
    require_reader(user)
    evidence = (
        EvidenceFile.objects.select_related("update__action__area__plan", "update__period", "uploaded_by__officer")
        .filter(pk=pk, removed_at__isnull=True)
        .first()
    )
    if evidence is None or not update_is_visible(user, evidence.update):
        raise Http404("No such evidence file")
    return evidence


def closed_to_evidence(update: ProgressUpdate) -> str:
    """Why files can no longer be added to or removed from `update`, or '' if they can: only while its round is
    open and its action is open, as for the update itself."""
    action = update.action
    if action.status != Action.Status.OPEN:
        return f"Action {action.ref} is {action.get_status_display().lower()}, so its evidence can no longer change."
    if update.period.status != ReportingPeriod.Status.OPEN:
        return (
            f"The round for {update.period.name} is closed, so its evidence can no longer change. "
            "The files stay with the update."
        )
    return ""


def require_evidence_adder(user, update: ProgressUpdate) -> None:
    """Those who may update the action add its files (403 saying why for anyone else: every role reads it)."""
    if refusal := action_write_refusal(user, update.action):
        raise PermissionDenied(refusal)


def evidence_remove_refusal(user, evidence: EvidenceFile) -> str:
    """Why `user` may not remove `evidence`, or '' if they may: its uploader or a programme manager."""
    if can_manage_plans(user) or (user.pk is not None and evidence.uploaded_by_id == user.pk):
        return ""
    return "Only the person who added this file or the programme manager can remove it."


def require_publishable_marker(user) -> None:
    require_reader(user)
    if not can_manage_plans(user):
        raise PermissionDenied("Only the programme manager can mark evidence as publishable.")
