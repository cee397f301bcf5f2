"""Background work for governance: building each plan's board dashboard ahead of its readers."""

from __future__ import annotations

from django_tasks import task

from actions.models import Plan
from governance.dashboard import dashboard_body, dashboard_filters
from governance.forms import DashboardFilterForm
from governance.selectors import organisations_leading
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
