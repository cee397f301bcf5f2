from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import Plan
from actions.permissions import Role, log_out_of_scope, require_reader, user_roles
from jobs.models import Job
from jobs.selectors import latest_job
from workbooks import exporter
from workbooks.forms import UploadForm
from workbooks.importer import ImportResult
from workbooks.models import WorkbookUpload
from workbooks.services import upload_confirm, upload_confirm_start, upload_stage, upload_subject

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_programme_manager(user) -> None:
    require_reader(user)
    if Role.PROGRAMME_MANAGER not in user_roles(user):
        raise PermissionDenied("Only the programme manager imports plans.")


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def upload(request):
    _require_programme_manager(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["workbook"]
        staged, outcome = upload_stage(filename=file.name, content=file.read(), by=request.user)
        if isinstance(outcome, Job):  # a large workbook: checked in the background, its page leads to the preview
            return redirect(outcome)
        return render(
            request, "workbooks/preview.html", {"upload": staged, "result": outcome}, status=200 if outcome.ok else 400
        )
    return render(request, "workbooks/upload.html", {"form": form}, status=400 if form.errors else 200)


def _own_upload(request, pk: int, **status) -> WorkbookUpload:
    """A staged upload is its uploader's alone."""
    _require_programme_manager(request.user)
    staged = get_object_or_404(WorkbookUpload.objects.defer("content"), pk=pk, **status)
    if staged.uploaded_by_id != request.user.pk:
        log_out_of_scope(request.user, WorkbookUpload, pk)
        raise Http404("No such upload")
    return staged


@require_GET
def preview(request, pk):
    """The check of a large workbook, made by a background job: what confirming will do, or its problems."""
    staged = _own_upload(request, pk)
    working = staged.status in (WorkbookUpload.Status.CHECKING, WorkbookUpload.Status.IMPORTING)
    if working or staged.result is None:  # a job is on it (or a small upload, previewed in its own request)
        job = latest_job(upload_subject(staged))
        if job is None:
            raise Http404("No such preview")
        return redirect(job)
    result = ImportResult.from_json(staged.result)
    if staged.status == WorkbookUpload.Status.IMPORTED:
        messages.success(request, f"{staged.filename} was imported.")
        return redirect(result.plan)
    context = {"upload": staged, "result": result}
    return render(request, "workbooks/preview.html", context, status=200 if result.ok else 400)


@require_POST
def confirm(request, pk):
    staged = _own_upload(request, pk, status=WorkbookUpload.Status.PREVIEWED)
    if staged.in_background:
        try:
            return redirect(upload_confirm_start(upload=staged, by=request.user))
        except WorkbookUpload.DoesNotExist:  # confirmed a moment ago, in another tab
            raise Http404("No such upload") from None
    try:
        result = upload_confirm(upload=staged, by=request.user)
    except WorkbookUpload.DoesNotExist:  # confirmed a moment ago, in another tab
        raise Http404("No such upload") from None
    if not result.applied:
        return render(request, "workbooks/preview.html", {"upload": staged, "result": result}, status=400)
    messages.success(
        request,
        f"Imported {staged.filename}: {sum(result.created.values())} records created, "
        f"{sum(result.changed.values())} changed.",
    )
    return redirect(result.plan)


@require_GET
def template(request):
    require_reader(request.user)
    return _download(exporter.blank_template(), "sendplan-plan-template.xlsx", XLSX)


@require_GET
def export(request, slug, fmt):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        return _download(exporter.export_workbook(plan), f"{plan.slug}-{stamp}.xlsx", XLSX)
    if fmt == "json":
        return _download(exporter.export_json(plan), f"{plan.slug}-{stamp}.json", "application/json")
    if fmt != "csv":
        raise Http404("Export formats are xlsx, json and csv")
    return _download(exporter.export_actions_csv(plan), f"{plan.slug}-actions-{stamp}.csv", "text/csv; charset=utf-8")
