"""The scorecard below its heading: the same for every reader, so cached until plan data changes, and built ahead.

Like the board dashboard (governance/dashboard.py), it is opened again and again at board meetings between rounds
of updates, and built it reads every KPI with its milestones and values (60 KPIs, some 2,000 rows, about 70 ms of
CPU). After each write a worker builds each plan's unfiltered scorecard (kpis.tasks.warm_scorecards), so the first
board member to open it after a change reads it rather than waiting for it.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from actions.models import Plan
from kpis import selectors
from kpis.filters import ScorecardFilterForm
from sendplan.page_cache import cached_html


def scorecard_body(plan: Plan, form: ScorecardFilterForm, query: str) -> SafeString:
    """The filters and the KPI tables for `query` (the request's query string, which `form` is bound to). Today's
    date is part of the key: which milestone is current moves with it."""

    def render_body() -> str:
        filters = form.cleaned_data if form.is_valid() else {}
        rows = selectors.scorecard(
            plan,
            area=filters.get("area"),
            category=filters.get("category", ""),
            owner=filters.get("owner"),
            rag=filters.get("rag", ""),
        )
        context = {"plan": plan, "form": form, "rows": rows, "horizons": selectors.horizons(rows)}
        return render_to_string("kpis/_scorecard_body.html", context)

    return cached_html("scorecard", (plan.pk, query, timezone.localdate()), render_body)
