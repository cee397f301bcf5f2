"""Background work for KPIs: building each plan's scorecard ahead of its readers."""

from __future__ import annotations

from django_tasks import task

from kpis.filters import ScorecardFilterForm
from kpis.scorecard import scorecard_body
from sendplan.page_cache import build_for_each_plan


@task()
def warm_scorecards(token: str) -> str:
    """Build every plan's unfiltered scorecard for the data as it is at `token` into the shared page cache, queued
    after each write to plan data (settings.SENDPLAN_PAGE_WARMERS)."""
    return build_for_each_plan(
        token, "scorecards", lambda plan: scorecard_body(plan, ScorecardFilterForm(None, plan=plan), "")
    )
