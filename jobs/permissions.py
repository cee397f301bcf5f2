"""Who may see a job and try it again: its requester, and whoever its kind names (a report's readers see its
render; an import is its programme manager's alone)."""

from django.utils.module_loading import import_string

from actions.permissions import user_roles
from jobs.models import Job


def _kind(job: Job):
    from jobs.tasks import KINDS

    if job.task_path not in KINDS:
        import_string(job.task_path)  # registers its kind
    return KINDS[job.task_path]


def can_view_job(user, job: Job) -> bool:
    if not user_roles(user):
        return False
    return job.requested_by_id == user.pk or _kind(job).can_view(user, job)


def can_retry_job(user, job: Job) -> bool:
    if not user_roles(user):
        return False
    return job.requested_by_id == user.pk or _kind(job).can_retry(user, job)
