"""Evidence files: added on the progress update form (UpdateEvidencePart) or the Add evidence page, downloaded
through the permission check, removed, marked publishable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.views.decorators.http import require_GET, require_http_methods

from actions.models import ProgressUpdate
from actions.permissions import can_manage_plans
from evidence import selectors
from evidence.forms import EvidencePublishableForm, EvidenceUploadForm, EvidenceVersionForm
from evidence.permissions import (
    closed_to_evidence,
    evidence_remove_refusal,
    get_evidence_for_user,
    get_update_for_user,
    require_evidence_adder,
    require_publishable_marker,
)
from evidence.services import evidence_add, evidence_mark_publishable, evidence_remove, evidence_storage
from sendplan.forms import add_service_errors, form_status, save_form


class UpdateEvidencePart:
    """The evidence files on the progress update form (settings.SENDPLAN_UPDATE_FORM_PARTS, read by
    actions.views.action_update, which has already checked the user may update the action): the files already
    attached to the period's update or draft, and a file input for more, saved with the update, all or nothing."""

    template = "evidence/_update_form_part.html"

    def __init__(self, request, *, action, update: ProgressUpdate | None):
        bound = request.method == "POST"
        self.form = EvidenceUploadForm(request.POST, request.FILES) if bound else EvidenceUploadForm()
        self.files = selectors.update_files(update)
        self.can_manage = can_manage_plans(request.user)
        self.user_id = request.user.pk

    def is_valid(self) -> bool:
        return self.form.is_valid()

    @property
    def errors(self):
        return self.form.errors

    def save(self, *, update: ProgressUpdate, by) -> None:
        if files := self.form.cleaned_data["files"]:
            evidence_add(update=update, files=files, by=by)

    def saved_message(self) -> str:
        count = len(self.form.cleaned_data.get("files") or [])
        return f" {count} evidence file{pluralize(count)} attached." if count else ""


def _refuse_closed(request, update):
    """The page saying why nothing changes now (not an authorisation matter, so not logged as one)."""
    if closed := closed_to_evidence(update):
        return render(request, "403.html", {"exception": closed, "back": update.action}, status=403)
    return None


@require_http_methods(["GET", "POST"])
def add(request, pk):
    """Add files to an update already given (submitted, or a draft, for those who see it) in the open round."""
    update = get_update_for_user(request.user, pk)
    require_evidence_adder(request.user, update)
    if refused := _refuse_closed(request, update):
        return refused
    posted = (request.POST, request.FILES) if request.method == "POST" else ()
    form = EvidenceUploadForm(*posted, required=True)
    if request.method == "POST" and form.is_valid():
        try:
            added = evidence_add(update=update, files=form.cleaned_data["files"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = ", ".join(evidence.original_name for evidence in added)
            messages.success(request, f"Evidence added to the update for {update.period.name}: {names}.")
            return redirect(f"{update.action.get_absolute_url()}#updates")
    context = {"update": update, "action": update.action, "form": form, "files": selectors.update_files(update)}
    return render(request, "evidence/add.html", context, status=form_status(form))


@require_GET
def download(request, pk):
    """The file's bytes, as an attachment with its original name and the content type its checked kind has, to
    those who may read its update. Never shown inline: a browser saves it rather than running it as a page."""
    response = evidence_file_response(get_evidence_for_user(request.user, pk))
    # Readers' browsers may keep it; shared caches and proxies must not, as it is not public.
    response["Cache-Control"] = "private, no-cache"
    return response


def evidence_file_response(evidence) -> FileResponse:
    """An evidence file's bytes as an attachment (never inline: a browser saves it rather than running it as a
    page), with its original name and the content type its checked kind has; for those who may read its update, and
    for the public beside a published report (reports.public_views.public_evidence)."""
    try:
        handle = evidence_storage().open(evidence.file.name, "rb")
    except (FileNotFoundError, OSError):
        # The row outlived its bytes (a storage restored from an older backup): missing, not a server error.
        raise Http404("The file's content is missing from storage") from None
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def remove(request, pk):
    evidence = get_evidence_for_user(request.user, pk)
    if refusal := evidence_remove_refusal(request.user, evidence):
        raise PermissionDenied(refusal)
    if refused := _refuse_closed(request, evidence.update):
        return refused
    posted = request.POST if request.method == "POST" else None
    form = EvidenceVersionForm(posted, initial={"version": evidence.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        expected = form.cleaned_data["version"]
        saving = save_form(form, lambda: evidence_remove(evidence=evidence, by=request.user, expected_version=expected))
        if saving.saved:
            messages.success(
                request, f"{evidence.original_name} removed. The action's history records that it was there."
            )
            return redirect(f"{evidence.update.action.get_absolute_url()}#updates")
        stale = saving.stale
    context = {"evidence": evidence, "action": evidence.update.action, "form": form, "stale": stale}
    return render(request, "evidence/remove.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def publishable(request, pk):
    require_publishable_marker(request.user)
    evidence = get_evidence_for_user(request.user, pk)
    initial = {"publishable": "yes" if evidence.publishable else "no", "version": evidence.version}
    form = EvidencePublishableForm(request.POST if request.method == "POST" else None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        saving = save_form(
            form,
            lambda: evidence_mark_publishable(
                evidence=evidence,
                publishable=form.cleaned_data["publishable"],
                by=request.user,
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saving.saved:
            said = "may be published" if evidence.publishable else "stays internal"
            messages.success(request, f"{evidence.original_name} {said}.")
            return redirect(f"{evidence.update.action.get_absolute_url()}#updates")
        stale = saving.stale
    context = {"evidence": evidence, "action": evidence.update.action, "form": form, "stale": stale}
    return render(request, "evidence/publishable.html", context, status=form_status(form, stale))
