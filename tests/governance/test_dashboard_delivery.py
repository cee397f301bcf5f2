"""The dashboard's delivery roll-up per area: share complete and average percentage complete, from the stage and
percentage the leads reported, read as they stood at the moment asked for (the snapshot the report shares)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.services import progress_update_submit
from actions.snapshot import delivery_of
from governance.dashboard import plan_dashboard
from tests import factories


def report(world, action, **fields):
    action.refresh_from_db()
    defaults = {"rag": "green", "progress": "Moving.", "impact": "Families notice."}
    progress_update_submit(
        action=action, period=world.period, by=world.manager, expected_version=action.version, **defaults | fields
    )


@pytest.fixture
def delivering(world):
    """Area 1: alice's action complete but Green (100%), bob's in progress (40%), the shared one in progress with
    no percentage, the colleague's not recorded. Area 2: one action, not started (0%)."""
    world.area2 = factories.make_area(world.plan, "2", "Joint commissioning")
    world.other = factories.make_action(world.area2, "2.1", [world.dco])
    report(world, world.bob_action, stage="in_progress", percent_complete=40)
    report(world, world.shared_action, stage="in_progress")
    report(world, world.other, rag="white", progress="Not begun.", impact="", stage="not_started", percent_complete=0)
    world.before_complete = timezone.now()
    report(world, world.alice_action, stage="complete", percent_complete=100, completion_date=date(2026, 1, 20))
    return world


def test_each_area_rolls_up_its_stages_share_complete_and_average_percentage(delivering):
    board = plan_dashboard(delivering.plan)
    first, second = (summary.delivery for summary in board.areas)
    assert (first.total, first.complete, first.share_complete) == (4, 1, 25)
    assert (first.with_percent, first.average_percent) == (2, 70)  # 100 and 40; the others gave none
    assert dict(first.by_stage) == {"not_started": 0, "in_progress": 2, "complete": 1, "closed": 0, "": 1}
    assert (second.total, second.complete, second.share_complete, second.average_percent) == (1, 0, 0, 0)
    assert (board.delivery.total, board.delivery.complete, board.delivery.share_complete) == (5, 1, 20)
    assert board.delivery.average_percent == round(140 / 3)


def test_the_roll_up_as_at_an_earlier_moment_is_the_one_that_stood_then(delivering):
    board = plan_dashboard(delivering.plan, as_at=delivering.before_complete)
    first = board.areas[0].delivery
    assert (first.complete, first.with_percent, first.average_percent) == (0, 1, 40)


def test_no_actions_and_no_percentages_roll_up_to_nothing_rather_than_fail():
    empty = delivery_of([])
    assert (empty.total, empty.share_complete, empty.average_percent) == (0, 0, None)
    unreported = delivery_of([Action(stage="in_progress")])
    assert (unreported.share_complete, unreported.average_percent, unreported.with_percent) == (0, None, 0)


def test_the_dashboard_page_shows_the_roll_up_in_the_plans_words(client, delivering):
    delivering.plan.stage_complete_label = "Delivered"
    delivering.plan.save()
    client.force_login(delivering.chair)
    html = client.get(reverse("dashboard", args=[delivering.plan.slug])).content.decode()
    section = html.split('id="delivery"', 1)[1].split('id="movement"', 1)[0]
    assert ">Delivered</th>" in section
    assert ">25%</td>" in section and '70%<span class="govuk-body-s"> of 2</span>' in section
    assert "<strong>20%</strong>" in section
    assert '<span class="app-figure__number">20%</span> complete' in html


def test_the_dashboard_of_a_plan_without_ratings_shows_delivery_and_no_rating_sections(client, world):
    world.plan.publishes_ratings = False
    world.plan.save()
    client.force_login(world.chair)
    html = client.get(reverse("dashboard", args=[world.plan.slug])).content.decode()
    assert 'id="delivery"' in html and "publishes no RAG ratings" in html
    for rating_section in ('id="rag"', 'id="movement"', 'id="reds"', "rated Red</p>"):
        assert rating_section not in html
