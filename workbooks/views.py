import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.models import Plan, Stage
from actions.permissions import Role, log_out_of_scope, require_reader, user_roles
from jobs.models import Job
from jobs.selectors import latest_job
from workbooks import exporter
from workbooks.forms import TrackerMappingForm, UploadForm
from workbooks.importer import ImportResult
from workbooks.models import WorkbookUpload
from workbooks.parsing import stage_words
from workbooks.selectors import tracker_mapping_for
from workbooks.services import (
    tracker_map,
    tracker_stage,
    upload_confirm,
    upload_confirm_start,
    upload_stage,
    upload_subject,
)
from workbooks.tracker.bring_in import is_plan_workbook, tracker_proposals
from workbooks.tracker.columns import period_named_in
from workbooks.tracker.mapping import facts_from_json, mapping_from_json, unread_words
from workbooks.tracker.tables import read_tracker
from workbooks.tracker.translate import PlanFacts

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
        content = file.read()
        if not is_plan_workbook(content, file.name):  # an area's own tracker: its columns are mapped first
            staged, read = tracker_stage(filename=file.name, content=content, by=request.user)
            if read.ok:
                return redirect("workbook-mapping", staged.pk)
            return render(request, "workbooks/preview.html", {"upload": staged, "result": read}, status=400)
        staged, outcome = upload_stage(filename=file.name, content=content, by=request.user)
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


@require_http_methods(["GET", "POST"])
def mapping(request, pk):
    """An area's own tracker: what each column holds, which plan it is for and the round it reports, proposed from
    its headings (or as the plan's kept mapping says) for the programme manager to confirm; then the preview."""
    staged = _own_upload(request, pk, kind=WorkbookUpload.Kind.TRACKER, status__in=_MAPPABLE)
    content = WorkbookUpload.objects.values_list("content", flat=True).get(pk=staged.pk)
    read = read_tracker(io.BytesIO(bytes(content)), filename=staged.filename)
    kept, saved = None, None
    if staged.mapping:  # mapped before: back from its preview, or refused
        saved = mapping_from_json(staged.mapping["mapping"])
    elif matched := tracker_mapping_for(read.tables):  # next term's file of a plan's tracker
        kept, saved = matched
    tables, proposed = read.tables, tracker_proposals(read.tables, saved)
    plans = Plan.objects.order_by("local_area", "title")
    data = request.POST if request.method == "POST" else None
    initial = _mapping_initial(staged, kept)
    asked = unread_words(tables, proposed, stage_words=_stage_words(plans, initial.get("plan")))

    def page_form(words_asked):
        return TrackerMappingForm(
            data, tables=tables, mapping=proposed, plans=plans, initial=initial, words_asked=words_asked
        )

    form = page_form(asked)
    if request.method == "POST" and form.is_valid():
        # The words to ask about follow the columns as confirmed: a column changed to a stage may hold words the
        # app cannot read, which the page then asks about before anything is checked.
        confirmed = form.mapping()
        still = unread_words(tables, confirmed, stage_words=_stage_words(plans, form.cleaned_data["plan"]))
        if still:
            fields = [*asked, *(chosen for chosen in still if chosen not in asked)]
            form = page_form({chosen: _merged(asked.get(chosen, []), still.get(chosen, [])) for chosen in fields})
            form.is_valid()  # the new questions are unanswered: their errors show
        else:
            outcome = tracker_map(upload=staged, mapping=confirmed, facts=_facts(form), by=request.user)
            if isinstance(outcome, Job):  # a large tracker: checked in the background; its page leads to the preview
                return redirect(outcome)
            context = {"upload": staged, "result": outcome}
            return render(request, "workbooks/preview.html", context, status=200 if outcome.ok else 400)
    context = {"upload": staged, "form": form, "kept": kept, "skipped": read.skipped}
    return render(request, "workbooks/mapping.html", context, status=400 if form.errors else 200)


def _merged(first: list[str], then: list[str]) -> list[str]:
    return first + [word for word in then if word not in first]


def _stage_words(plans, chosen) -> dict[str, str] | None:
    """An existing plan's own stage words ("Under way"), which the importer reads as they are."""
    plan = next((plan for plan in plans if str(plan.pk) == str(chosen)), None)
    return stage_words({code: plan.stage_label(code) for code in Stage.values}) if plan else None


_MAPPABLE = (WorkbookUpload.Status.MAPPING, WorkbookUpload.Status.PREVIEWED)


def _mapping_initial(staged: WorkbookUpload, kept) -> dict:
    """The plan and round as last confirmed for this upload, else the plan whose kept mapping fits the file."""
    if staged.mapping:
        facts = facts_from_json(staged.mapping["facts"])
        plan = Plan.objects.filter(slug=facts.slug).first() if facts.slug else None
        initial = {"current_period": facts.current_period.name if facts.current_period else ""}
        if plan:
            return initial | {"plan": str(plan.pk)}
        return initial | {
            "plan": TrackerMappingForm.NEW,
            "local_area": facts.local_area,
            "title": facts.title,
            "plan_type": facts.plan_type,
            "start_date": facts.start_date,
            "inspection_date": facts.inspection_date,
            "published_date": facts.published_date,
        }
    return {"plan": str(kept.plan_id)} if kept else {}


def _facts(form: TrackerMappingForm) -> PlanFacts:
    """The plan's facts: an existing plan's own, or those given for a new one; the round the file reports."""
    data = form.cleaned_data
    period = period_named_in(data["current_period"]) if data.get("current_period") else None
    plan = form.chosen_plan()
    if plan is not None:
        return PlanFacts(
            local_area=plan.local_area,
            title=plan.title,
            plan_type=plan.plan_type,
            start_date=plan.start_date,
            slug=plan.slug,
            current_period=period,
        )
    return PlanFacts(
        local_area=data["local_area"],
        title=data["title"],
        plan_type=data["plan_type"],
        start_date=data["start_date"],
        inspection_date=data.get("inspection_date"),
        published_date=data.get("published_date"),
        current_period=period,
    )


@require_GET
def preview(request, pk):
    """The check of a large workbook, made by a background job: what confirming will do, or its problems."""
    staged = _own_upload(request, pk)
    if staged.status == WorkbookUpload.Status.MAPPING and staged.result is None:
        return redirect("workbook-mapping", staged.pk)
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
