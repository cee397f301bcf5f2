"""Background work for governance: building each plan's board dashboard ahead of its readers."""

from __future__ import annotations

import logging

from django_tasks import task

from actions.models import Plan
from governance.dashboard import dashboard_body, dashboard_filters
from governance.forms import DashboardFilterForm
from governance.selectors import organisations_leading
from sendplan.page_cache import token_is

logger = logging.getLogger(__name__)


@task()
def warm_dashboards(token: str) -> str:
    """Build every plan's unfiltered board dashboard for the data as it is at `token` into the shared page cache
    (sendplan.page_cache), queued after each write to plan data. The first board member to open a dashboard after
    a round of updates then reads it rather than waiting for it to be built. If the data has changed again since,
    the task queued for that change does the work instead."""
    built = 0
    for plan in Plan.objects.order_by("pk"):
        if not token_is(token):
            logger.info("dashboards_not_warmed reason=changed_since built=%d", built)
            return f"built {built}; the data changed again, left to the next"
        dashboard_body(plan)
        dashboard_filters(plan, DashboardFilterForm(None, plan=plan, organisations=organisations_leading(plan)), "")
        built += 1
    logger.info("dashboards_warmed plans=%d", built)
    return f"built {built}"
