"""Assembling a termly report costs the same number of queries for 50 actions as for 500 (6 periods of updates,
KPIs, risks, comments): one per table read from history. Its own module, because the module-scoped plans stay in
the database while its tests run."""

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from actions.models import Action
from governance.models import CoproductionComment
from planfields.services import own_values_save, plan_field_add
from reports.content import report_content
from tests.governance.test_dashboard_query_budget import build_plan

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("report_query_budget")


@pytest.fixture(scope="module", params=[50, 500], ids=lambda n: f"{n}-actions")
def big_plan(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        plan = build_plan(request.param)
        for action in Action.objects.filter(area__plan=plan)[:: max(1, request.param // 10)]:
            CoproductionComment.objects.create(action=action, text="Parents said", response="We did", publishable=True)
        own_fields(plan)
        yield plan
        transaction.set_rollback(True)


def own_fields(plan):
    """The plan's own fields, public and not, with a value for every area and action: the report reads them in
    two queries whatever their number."""
    by = User.objects.get(username="charlie")
    fields = {
        applies_to: [
            plan_field_add(plan=plan, applies_to=applies_to, label=f"{label} {n}", kind=kind, public=n != 1, by=by)
            for n in range(3)
        ]
        for applies_to, label, kind in [("area", "Success criteria", "long"), ("action", "Directorate", "short")]
    }
    for record, owned in [
        *((area, fields["area"]) for area in plan.areas.all()),
        *((action, fields["action"]) for action in Action.objects.filter(area__plan=plan).select_related("area")),
    ]:
        own_values_save(record=record, texts={f.pk: f"{f.label} of {record.ref}" for f in owned}, versions={}, by=by)


# Plan, periods, areas, actions, findings, outcomes, RAG key, leads from history and (the plan's history was
# written in bulk, which records no leads) leads now, officers, organisations, updates, KPIs, milestones,
# measurements, open risks, risk bands, risk positions at the previous period's end, comments; the plan's own
# fields as they stood, and their values.
REPORT_QUERIES = 21


def test_report_assembly_query_count_is_flat(db, big_plan, django_assert_num_queries):
    period = big_plan.periods.get(name="Period 5")
    with django_assert_num_queries(REPORT_QUERIES):
        content = report_content(big_plan, period)
    assert content.action_count == Action.objects.filter(area__plan=big_plan).count()
    assert len(content.you_said) == 10
    # Public fields only (two of the three), on every action and area.
    assert all([own.label for own in line.own_fields] == ["Directorate 0", "Directorate 2"] for line in _lines(content))
    assert all(
        [own.label for own in section.own_fields] == ["Success criteria 0", "Success criteria 2"]
        for section in content.areas
    )


def _lines(content):
    return [line for section in content.areas for group in section.groups for line in group.lines]
