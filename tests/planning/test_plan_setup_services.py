"""The set-up services: reporting periods made from a cadence, a new plan in one go (and not twice), the web
address, areas with their findings and outcomes, and the rules for reporting periods."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from actions.locking import StaleEditError
from actions.models import Finding, Organisation, Outcome, Plan, ProgressUpdate, RagDefinition
from planning.services import (
    STANDARD_RAG_KEY,
    Cadence,
    area_add,
    area_move,
    cadence_periods,
    period_add,
    period_change,
    period_remove,
    plan_header_change,
    plan_slug,
    plan_start,
    rag_key_change,
    statement_add,
    statement_remove,
)
from tests import factories


def spans(cadence, start, until, ends=()):
    return [
        (s.name, s.start, s.end) for s in cadence_periods(cadence=cadence, start=start, until=until, quarter_ends=ends)
    ]


def test_termly_periods_are_school_terms():
    assert spans(Cadence.TERMLY, date(2025, 9, 1), date(2026, 8, 31)) == [
        ("Autumn term 2025", date(2025, 9, 1), date(2025, 12, 31)),
        ("Spring term 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Summer term 2026", date(2026, 4, 1), date(2026, 8, 31)),
    ]


def test_a_plan_starting_mid_term_reports_on_the_rest_of_that_term():
    got = spans(Cadence.TERMLY, date(2025, 10, 15), date(2026, 5, 31))
    assert got == [
        ("Autumn term 2025", date(2025, 10, 15), date(2025, 12, 31)),
        ("Spring term 2026", date(2026, 1, 1), date(2026, 3, 31)),
        ("Summer term 2026", date(2026, 4, 1), date(2026, 5, 31)),
    ]


def test_quarterly_periods_end_in_the_chosen_months():
    got = spans(Cadence.QUARTERLY, date(2026, 5, 1), date(2027, 3, 31), (3, 6, 9, 12))
    assert [name for name, _, _ in got] == [
        "Quarter ending June 2026",
        "Quarter ending September 2026",
        "Quarter ending December 2026",
        "Quarter ending March 2027",
    ]
    assert got[0][1:] == (date(2026, 5, 1), date(2026, 6, 30))
    assert got[1][1:] == (date(2026, 7, 1), date(2026, 9, 30))
    # Quarters ending January, April, July, October: November and December fall in the one ending January.
    other = spans(Cadence.QUARTERLY, date(2025, 11, 10), date(2026, 4, 30), (1, 4, 7, 10))
    assert other == [
        ("Quarter ending January 2026", date(2025, 11, 10), date(2026, 1, 31)),
        ("Quarter ending April 2026", date(2026, 2, 1), date(2026, 4, 30)),
    ]


def test_monthly_periods_are_named_by_month():
    got = spans(Cadence.MONTHLY, date(2026, 1, 20), date(2026, 3, 31))
    assert got == [
        ("January 2026", date(2026, 1, 20), date(2026, 1, 31)),
        ("February 2026", date(2026, 2, 1), date(2026, 2, 28)),
        ("March 2026", date(2026, 3, 1), date(2026, 3, 31)),
    ]


def start(world, **extra):
    fields = {
        "plan_type": Plan.PlanType.PAP,
        "local_area": "Riverside",
        "title": "Priority Action Plan",
        "start_date": date(2025, 9, 1),
        "rag_key": list(STANDARD_RAG_KEY),
        "by": world.manager,
    }
    return plan_start(**(fields | extra))


def test_a_new_plan_gets_its_key_partners_and_two_years_of_terms(world):
    plan = start(world, partners=[world.council], new_partners=[("Riverside Parent Carer Forum", "pcf")])
    assert plan.slug == "riverside-priority-action-plan"
    assert plan.publishes_ratings
    assert list(plan.rag_key.values_list("code", "definition")) == [(c, d) for c, _, d in STANDARD_RAG_KEY]
    assert {o.name for o in plan.partner_organisations.all()} == {"Riverside Council", "Riverside Parent Carer Forum"}
    periods = list(plan.periods.order_by("start"))
    assert len(periods) == 6
    assert (periods[0].name, periods[-1].name, periods[-1].end) == (
        "Autumn term 2025",
        "Summer term 2027",
        date(2027, 8, 31),
    )
    assert {record.history_user for record in plan.history.all()} == {world.manager}


def test_the_same_plan_submitted_twice_is_made_once(world):
    start(world)
    with pytest.raises(ValidationError, match="already been started"):
        start(world, title="priority action plan ")
    assert Plan.objects.filter(local_area="Riverside", title="Priority Action Plan").count() == 1


def test_web_addresses_are_unique_and_never_new(world):
    first = start(world)
    second = start(world, start_date=date(2027, 9, 1))
    assert second.slug == f"{first.slug}-2"
    assert plan_slug("", "New") == "new-2"
    assert plan_slug("", "!!!") == "plan"


def test_no_public_ratings_makes_no_key_and_a_new_organisation_is_not_doubled(world):
    plan = start(world, rag_key=None, new_partners=[("riverside council", "council")])
    assert not plan.publishes_ratings
    assert not plan.rag_key.exists()
    assert list(plan.partner_organisations.all()) == [world.council]
    assert Organisation.objects.filter(name__iexact="riverside council").count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": " "}, "title"),
        ({"start_date": None}, "start_date"),
        ({"inspection_start": date(2025, 3, 10), "inspection_end": date(2025, 3, 1)}, "inspection_end"),
        ({"periods_until": date(2025, 8, 1)}, "periods_until"),
        ({"periods_until": date(2045, 8, 1)}, "periods_until"),
        ({"cadence": Cadence.QUARTERLY, "quarter_ends": (3, 5)}, "quarter_ends"),
        ({"new_partners": [("Someone", "")]}, "new_partners"),
        ({"rag_key": [("blue", "Blue", "")]}, "blue_definition"),
        ({"rag_key": [("blue", "", "")]}, "blue_label"),
    ],
)
def test_a_new_plan_is_refused_with_the_reason_by_field(world, extra, field):
    with pytest.raises(ValidationError) as refused:
        start(world, **extra)
    assert field in refused.value.message_dict
    assert not Plan.objects.filter(title="Priority Action Plan").exists()


def test_a_stale_header_edit_is_refused_with_who_changed_what(world):
    plan = world.plan
    header = {
        "plan_type": plan.plan_type,
        "local_area": plan.local_area,
        "start_date": plan.start_date,
        "inspection_start": None,
        "inspection_end": None,
        "inspection_label": "",
        "report_published": None,
        "published": plan.published,
        "partners": [world.council],
    }
    plan_header_change(plan=plan, title="Revised WSoA", **header, by=world.manager, expected_version=1)
    with pytest.raises(StaleEditError) as stale:
        plan_header_change(
            plan=Plan.objects.get(pk=plan.pk), title="Mine", **header, by=world.alice, expected_version=1
        )
    assert "Title" in stale.value.message
    assert Plan.objects.get(pk=plan.pk).title == "Revised WSoA"


def test_the_rag_key_is_reworded_and_a_rating_left_out(world):
    lines = [(c, label, d) for c, label, d in STANDARD_RAG_KEY if c != "white"] + [("white", "", "")]
    rag_key_change(plan=world.plan, publishes_ratings=True, lines=lines, by=world.manager, expected_version=1)
    key = dict(RagDefinition.objects.filter(plan=world.plan).values_list("code", "definition"))
    assert "white" not in key and key["blue"] == "Completed and embedded"


def test_areas_are_added_last_and_move(world):
    second = area_add(plan=world.plan, ref="2", title="Joint commissioning", kind="weakness", by=world.manager)
    assert second.order == world.area.order + 1
    area_move(area=second, up=True, by=world.manager, expected_version=second.version)
    assert list(world.plan.areas.order_by("order").values_list("ref", flat=True)) == ["2", "1"]
    with pytest.raises(ValidationError, match="already has the reference 2"):
        area_add(plan=world.plan, ref="2", title="Another", kind="weakness", by=world.manager)


def test_an_owner_from_outside_the_plans_organisations_is_refused(world):
    stranger = factories.make_officer("Head of SEND", "Zed", factories.make_organisation("Elsewhere Council"))
    with pytest.raises(ValidationError) as refused:
        area_add(plan=world.plan, ref="2", title="X", kind="weakness", owners=[stranger], by=world.manager)
    assert "owners" in refused.value.message_dict


def test_removing_an_outcome_keeps_its_actions_ungrouped_in_history(world):
    outcome = statement_add(area=world.area, model=Outcome, ref="a", text="Plans on time", by=world.manager)
    finding = statement_add(area=world.area, model=Finding, ref="1.1", text="Plans are late", by=world.manager)
    world.alice_action.outcome = outcome
    world.alice_action.save()
    statement_remove(record=outcome, by=world.manager, expected_version=outcome.version)
    world.alice_action.refresh_from_db()
    assert world.alice_action.outcome is None
    assert world.alice_action.history.first().history_user == world.manager
    with pytest.raises(StaleEditError):
        statement_remove(record=finding, by=world.manager, expected_version=finding.version + 1)


def test_period_rules(world):
    plan = world.plan  # Autumn 2025 (Sep-Dec) and Spring 2026 (Jan-Apr)
    with pytest.raises(ValidationError, match="overlap Spring 2026"):
        period_add(plan=plan, name="Summer 2026", start=date(2026, 4, 1), end=date(2026, 8, 31), by=world.manager)
    with pytest.raises(ValidationError, match="must end after it starts"):
        period_add(plan=plan, name="Summer 2026", start=date(2026, 8, 31), end=date(2026, 5, 1), by=world.manager)
    summer = period_add(plan=plan, name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31), by=world.manager)
    with pytest.raises(ValidationError, match="already has a period called"):
        period_change(
            period=summer,
            name="autumn 2025",
            start=summer.start,
            end=summer.end,
            update_deadline=None,
            by=world.manager,
            expected_version=summer.version,
        )
    with pytest.raises(StaleEditError):
        period_change(
            period=summer,
            name="Summer",
            start=summer.start,
            end=summer.end,
            update_deadline=None,
            by=world.manager,
            expected_version=summer.version + 3,
        )
    period_remove(period=summer, by=world.manager, expected_version=summer.version)
    assert not plan.periods.filter(name="Summer 2026").exists()


def test_a_period_with_updates_is_not_removed(world):
    closed = world.closed_period
    ProgressUpdate.objects.create(action=world.alice_action, period=closed, rag="amber", progress="Panel running")
    with pytest.raises(ValidationError, match="1 progress update"):
        period_remove(period=closed, by=world.manager, expected_version=closed.version)
    assert type(closed).objects.filter(pk=closed.pk).exists()
