from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from actions.permissions import log_out_of_scope, require_reader
from jobs.models import Job
from jobs.permissions import can_retry_job, can_view_job
from jobs.selectors import job_progress_line
from jobs.services import job_fail_if_lost, job_retry


def _job_for(user, pk: int) -> Job:
    require_reader(user)
    job = get_object_or_404(Job, pk=pk)
    if not can_view_job(user, job):
        log_out_of_scope(user, Job, pk)
        raise Http404("No such job")
    return job_fail_if_lost(job)


def job_state(job: Job) -> dict:
    """What the page's script shows without reloading (static/js/app.js)."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "progress": job.progress,
        "line": job_progress_line(job),
        "steps_done": job.steps_done,
        "steps_total": job.steps_total,
        "error": job.error,
        "result_url": job.result_url,
        "result_label": job.result_label,
        "finished": not job.is_active,
    }


@require_GET
def job_detail(request, pk):
    job = _job_for(request.user, pk)
    context = {"job": job, "line": job_progress_line(job), "can_retry": can_retry_job(request.user, job)}
    return render(request, "jobs/job_detail.html", context)


@require_GET
def job_status(request, pk):
    job = _job_for(request.user, pk)
    response = JsonResponse(job_state(job))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def job_retry_view(request, pk):
    job = _job_for(request.user, pk)
    if not can_retry_job(request.user, job):
        raise PermissionDenied("Only the person who asked for this job can try it again.")
    try:
        job_retry(job, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Trying again.")
    return redirect(job)
