from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions.locking import StaleEditError
from actions.models import Plan
from actions.permissions import require_reader
from reports import selectors
from reports.forms import ReportCorrectForm, ReportCreateForm, ReportEditForm, ReportReturnForm, ReportStepForm
from reports.models import PublishedFile, RenderedPdf, TermlyReport
from reports.permissions import (
    can_approve,
    can_prepare,
    can_write_summary,
    require_approver,
    require_preparer,
    require_summary_writer,
)
from reports.rendering import render_body
from reports.services import (
    report_approve,
    report_content_for,
    report_correct,
    report_create,
    report_edit,
    report_pdf_preview,
    report_publish_start,
    report_return,
    report_submit,
)
from sendplan.forms import add_service_errors, form_status


def _report(pk: int) -> TermlyReport:
    return get_object_or_404(selectors.report_queryset(), pk=pk)


def _pdf_response(pdf: bytes, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"attachment" if download else "inline"}; filename="{filename}"'
    return response


@require_GET
def report_index(request):
    require_reader(request.user)
    return render(request, "reports/report_index.html", {"plans": selectors.report_index()})


@require_GET
def report_list(request, slug):
    require_reader(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    context = {"plan": plan, "reports": selectors.plan_reports(plan), "can_prepare": can_prepare(request.user)}
    return render(request, "reports/report_list.html", context)


@require_http_methods(["GET", "POST"])
def report_new(request, slug):
    require_preparer(request.user)
    plan = get_object_or_404(Plan, slug=slug)
    form = ReportCreateForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            report = report_create(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Draft report for {report.period.name} started. Preview it, then submit it.")
            return redirect(report)
    return render(request, "reports/report_new.html", {"plan": plan, "form": form}, status=form_status(form))


@require_GET
def report_detail(request, pk):
    require_reader(request.user)
    report = _report(pk)
    user = request.user
    context = {
        "report": report,
        "plan": report.plan,
        "step_form": ReportStepForm(initial={"version": report.version}),
        "can_prepare": can_prepare(user),
        "can_approve": can_approve(user),
        "can_write_summary": can_write_summary(user),
        "history": selectors.report_history(report),
        "publish_job": selectors.report_publish_job(report),
    }
    return render(request, "reports/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit_view(request, pk):
    require_summary_writer(request.user)
    report = _report(pk)
    initial = {"version": report.version, "summary": report.summary, "correction_note": report.correction_note}
    form = ReportEditForm(request.POST or None, initial=initial, is_correction=bool(report.corrects_id))
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_edit(
                report=report,
                summary=data["summary"],
                correction_note=data.get("correction_note"),
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report saved.")
            return redirect(report)
    context = {"report": report, "plan": report.plan, "form": form, "stale": stale}
    return render(request, "reports/report_edit.html", context, status=form_status(form, stale))


@require_GET
def report_preview(request, pk):
    """The report as readers will see it: the stored page once published, else built now and marked draft."""
    require_reader(request.user)
    report = _report(pk)
    if report.is_published:
        body = PublishedFile.objects.only("html").get(report=report).html
    else:
        body = render_body(report_content_for(report), report, draft=True)
    context = {"report": report, "plan": report.plan, "body": mark_safe(body)}  # Our own template's output.
    return render(request, "reports/report_preview.html", context)


@require_GET
def report_pdf(request, pk):
    """The published PDF; for a draft, its preview if this content was rendered before, else the page of the job
    rendering it (WeasyPrint takes seconds to minutes: never inside a request)."""
    require_reader(request.user)
    report = _report(pk)
    if report.is_published:
        pdf = bytes(PublishedFile.objects.only("pdf").get(report=report).pdf)
        return _pdf_response(pdf, report.filename, download=False)
    preview = report_pdf_preview(report=report, by=request.user)
    if isinstance(preview, RenderedPdf):
        return _pdf_response(bytes(preview.pdf), f"DRAFT-{report.filename}", download=False)
    return redirect(preview)


@require_GET
def report_pdf_rendered(request, pk, key):
    """A rendered preview by its content's key: where a preview job's "Open the PDF preview" leads."""
    require_reader(request.user)
    report = _report(pk)
    rendered = get_object_or_404(RenderedPdf.objects.only("pdf"), report=report, key=key, pdf__isnull=False)
    return _pdf_response(bytes(rendered.pdf), f"DRAFT-{report.filename}", download=False)


def _step(request, pk, service, *, done: str, **kwargs):
    """Submit, approve or publish: one POST, a message, back to the report."""
    report = _report(pk)
    form = ReportStepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("The form was incomplete; reload the page and try again.")
        service(report=report, by=request.user, expected_version=form.cleaned_data["version"], **kwargs)
    except StaleEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("report-detail", pk=report.pk)


@require_POST
def report_submit_view(request, pk):
    require_preparer(request.user)
    return _step(request, pk, report_submit, done="Report submitted. The board chair has been asked to approve it.")


@require_POST
def report_approve_view(request, pk):
    require_approver(request.user)
    return _step(request, pk, report_approve, done="Report approved. The comms officer can now publish it.")


@require_POST
def report_publish_view(request, pk):
    """Queue the publication and show its progress; the report page shows it too, and its outcome."""
    require_preparer(request.user)
    report = _report(pk)
    form = ReportStepForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("The form was incomplete; reload the page and try again.")
        job = report_publish_start(report=report, by=request.user, expected_version=form.cleaned_data["version"])
    except StaleEditError as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        return redirect(job)
    return redirect(report)


@require_http_methods(["GET", "POST"])
def report_return_view(request, pk):
    require_approver(request.user)
    report = _report(pk)
    form = ReportReturnForm(request.POST or None, initial={"version": report.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report_return(report=report, note=data["note"], by=request.user, expected_version=data["version"])
        except StaleEditError as error:
            stale = error
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Report sent back to the comms officer with your comments.")
            return redirect(report)
    context = {"report": report, "plan": report.plan, "form": form, "stale": stale}
    return render(request, "reports/report_return.html", context, status=form_status(form, stale))


@require_http_methods(["GET", "POST"])
def report_correct_view(request, pk):
    require_preparer(request.user)
    report = _report(pk)
    form = ReportCorrectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            correction = report_correct(report=report, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Version {correction.number} started as a draft. The published version is unchanged."
            )
            return redirect(correction)
    context = {"report": report, "plan": report.plan, "form": form}
    return render(request, "reports/report_correct.html", context, status=form_status(form))


# The public Local Offer pages: no login, published reports only.


@login_not_required
@require_GET
def public_index(request):
    return render(request, "reports/public_index.html", {"plans": selectors.public_plans(), "public": True})


@login_not_required
@require_GET
def public_plan(request, slug):
    # A plan with nothing published yet has no Local Offer page.
    published = Plan.objects.filter(termly_reports__status=TermlyReport.Status.PUBLISHED).distinct()
    plan = get_object_or_404(published, slug=slug)
    context = {
        "plan": plan,
        "reports": selectors.public_reports(plan),
        "chair_updates": selectors.public_chair_updates(plan),
        "public": True,
    }
    return render(request, "reports/public_plan.html", context)


@login_not_required
@require_GET
def public_report(request, slug, pk):
    report = selectors.get_public_report(slug, pk)
    later = selectors.public_reports(report.plan)
    replaced_by = next((entry.replaced_by for entry in later if entry.report.pk == report.pk), None)
    context = {
        "report": report,
        "plan": report.plan,
        "body": mark_safe(report.published_file.html),  # Stored at publication from our own templates.
        "replaced_by": replaced_by,
        "public": True,
    }
    return render(request, "reports/public_report.html", context)


@login_not_required
@require_GET
def public_report_pdf(request, slug, pk):
    report = selectors.get_public_report(slug, pk)
    pdf = bytes(PublishedFile.objects.only("pdf").get(report=report).pdf)
    return _pdf_response(pdf, report.filename, download=True)
