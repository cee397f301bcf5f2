"""Background work for governance: building each plan's board dashboard ahead of its readers, and rendering a
meeting's board pack (a job: WeasyPrint takes seconds, so no web request runs it, as for termly reports; decision
0014)."""

from __future__ import annotations

from django_tasks import task

from actions.models import Plan
from boards.models import Meeting
from boards.permissions import can_produce_pack, can_read_pack
from governance.dashboard import dashboard_body, dashboard_filters
from governance.forms import DashboardFilterForm
from governance.selectors import organisations_leading
from governance.services import board_pack_produce
from jobs.tasks import JobRefused, JobResult, job_task
from sendplan.page_cache import build_for_each_plan


@task()
def warm_dashboards(token: str) -> str:
    """Build every plan's unfiltered board dashboard for the data as it is at `token` into the shared page cache
    (sendplan.page_cache), queued after each write to plan data. The first board member to open a dashboard after
    a round of updates then reads it rather than waiting for it to be built. If the data has changed again since,
    the task queued for that change does the work instead."""
    return build_for_each_plan(token, "dashboards", _build_dashboard)


def _build_dashboard(plan: Plan) -> None:
    dashboard_body(plan)
    dashboard_filters(plan, DashboardFilterForm(None, plan=plan, organisations=organisations_leading(plan)), "")


def _meeting(job) -> Meeting | None:
    return Meeting.objects.select_related("board").filter(pk=job.args.get("meeting")).first()


def _reader(user, job) -> bool:
    meeting = _meeting(job)
    return meeting is not None and can_read_pack(user, meeting.board)


def _producer(user, job) -> bool:
    meeting = _meeting(job)
    return meeting is not None and can_produce_pack(user, meeting.board)


@job_task(can_view=_reader, can_retry=_producer)
def render_board_pack(job, progress) -> JobResult:
    meeting = _meeting(job)
    if meeting is None:
        raise JobRefused("The meeting was deleted, so there is no pack to produce.")
    pack = board_pack_produce(meeting=meeting, by=job.requested_by, progress=progress)
    return JobResult(url=pack.get_absolute_url(), label="Open the board pack")
