"""Reads for the plan set-up pages."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from actions.models import AreaOfWeakness, Officer, Plan


def setup_areas(plan: Plan) -> QuerySet[AreaOfWeakness]:
    """The plan's areas in its own order (the order the move buttons change), each with its owners and how many
    findings, outcomes and actions it has: one query for the areas and one for their owners."""
    return (
        plan.areas.order_by("order", "ref", "pk")
        .annotate(
            finding_count=Count("findings", distinct=True),
            outcome_count=Count("outcomes", distinct=True),
            action_count=Count("actions", distinct=True),
        )
        .prefetch_related(Prefetch("owners", queryset=Officer.objects.select_related("organisation")))
    )


def area_for_setup(pk: int) -> QuerySet[AreaOfWeakness]:
    return AreaOfWeakness.objects.select_related("plan").filter(pk=pk)


def area_statements(area: AreaOfWeakness) -> dict:
    """The area's findings and outcomes in order, and its owners, for the area's set-up page."""
    return {
        "findings": list(area.findings.order_by("order", "pk")),
        "outcomes": list(area.outcomes.select_related("finding").order_by("order", "pk")),
        "owners": list(area.owners.select_related("organisation")),
    }
