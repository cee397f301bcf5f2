"""The board chair's dashboard: its figures, the as-at view against a known past state, and its query budget."""

from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AreaOfWeakness, Officer, Plan, ProgressUpdate, Rag, ReportingPeriod
from actions.services import progress_update_submit
from governance.dashboard import plan_dashboard
from governance.services import challenge_raise, challenge_respond
from kpis.models import Kpi, Milestone
from sendplan.timezones import end_of_day
from tests import factories


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


SET_UP = at(date(2025, 9, 1), 9)
AUTUMN_RATED = at(date(2025, 12, 10))
SPRING_RATED = at(date(2026, 1, 20))
CHALLENGED = at(date(2026, 2, 15))
ACCEPTED = at(date(2026, 3, 1))


def backdate_setup(*models) -> None:
    """The fixtures were created just now; say they were set up on 1 September 2025, before the story begins."""
    for model in models:
        model.history.update(history_date=SET_UP)


def rate_in(period, action, rag, by, when, **fields):
    fields.setdefault("progress", f"{action.ref} in {period.name}")
    if rag in (Rag.GREEN, Rag.BLUE):
        fields.setdefault("impact", "Families notice.")
    if rag == Rag.RED:
        fields.setdefault("recovery_note", "More caseworkers from April.")
    if period.status != ReportingPeriod.Status.OPEN:
        # A closed term's updates, written as they were at the time.
        update = ProgressUpdate(action=action, period=period, rag=rag, submitted_by=by, submitted_at=when, **fields)
        update._history_date = when
        update.save()
        Action.objects.filter(pk=action.pk).update(current_rag=rag)
        return update
    action.refresh_from_db()
    return progress_update_submit(
        action=action, period=period, rag=rag, by=by, expected_version=action.version, submitted_at=when, **fields
    )


@pytest.fixture
def story(world):
    """Autumn: all four actions Amber. Spring (open round): alice's Green, bob's Amber, the shared one Red, the
    colleague's not yet updated. A board member challenges alice's Green; on 1 March alice accepts: Amber."""
    backdate_setup(Action, AreaOfWeakness, ReportingPeriod, Plan, Officer)
    for action in (world.alice_action, world.bob_action, world.shared_action, world.colleague_action):
        rate_in(world.closed_period, action, Rag.AMBER, world.alice, AUTUMN_RATED)
    rate_in(world.period, world.alice_action, Rag.GREEN, world.alice, SPRING_RATED)
    rate_in(world.period, world.bob_action, Rag.AMBER, world.bob, SPRING_RATED)
    rate_in(world.period, world.shared_action, Rag.RED, world.alice, SPRING_RATED)
    challenge = challenge_raise(action=world.alice_action, text="No impact data yet.", by=world.member, at=CHALLENGED)
    challenge_respond(
        challenge=challenge,
        resolution="accepted",
        new_rag=Rag.AMBER,
        response="Agreed.",
        by=world.alice,
        expected_version=challenge.version,
        at=ACCEPTED,
    )
    return world


def counts(board) -> dict[str, int]:
    return {code or "unrated": n for code, _, n in board.totals}


def refs(moves) -> list[str]:
    return sorted(move.action.ref for move in moves)


def test_as_at_shows_the_position_before_the_challenge_was_answered(story):
    board = plan_dashboard(story.plan, as_at=end_of_day(date(2026, 2, 20)))
    assert (board.period.name, board.previous.name) == ("Spring 2026", "Autumn 2025")
    assert counts(board) == {"blue": 0, "green": 1, "amber": 2, "red": 1, "white": 0, "unrated": 0}
    assert refs(board.improved) == ["1.1"]
    assert refs(board.worsened) == ["1.3"]
    assert refs(board.unchanged) == ["1.2", "1.4"]
    assert [red.action.ref for red in board.reds] == ["1.3"]
    assert [red.update.recovery_note for red in board.reds] == ["More caseworkers from April."]
    assert (board.round.done, board.round.total, [a.ref for a in board.round.missing]) == (3, 4, ["1.4"])
    assert [c.action_at.ref for c in board.open_challenges] == ["1.1"]
    assert board.resolved_challenges == 0


def test_now_shows_the_accepted_challenge_and_matches_the_live_tables(story):
    board = plan_dashboard(story.plan)
    assert counts(board) == {"blue": 0, "green": 0, "amber": 3, "red": 1, "white": 0, "unrated": 0}
    assert refs(board.improved) == []
    assert refs(board.unchanged) == ["1.1", "1.2", "1.4"]
    assert (len(board.open_challenges), board.resolved_challenges) == (0, 1)
    live = Counter(Action.objects.filter(area__plan=story.plan).values_list("current_rag", flat=True))
    assert {code: n for code, n in counts(board).items() if n} == {code: n for code, n in live.items()}


def test_as_at_the_end_of_autumn_shows_the_autumn_ratings_and_no_round_open(story):
    board = plan_dashboard(story.plan, as_at=end_of_day(date(2025, 12, 31)))
    assert board.period.name == "Autumn 2025"
    assert board.previous is None
    assert counts(board)["amber"] == 4
    assert board.round is None
    assert board.open_challenges == []


def test_as_at_before_the_plan_existed_is_empty(story):
    board = plan_dashboard(story.plan, as_at=end_of_day(date(2025, 8, 1)))
    assert not board.started  # the page says the plan had not started
    assert board.action_count == 0
    assert board.period is None


def test_regenerating_a_past_dashboard_after_later_edits_gives_the_same_figures(story):
    before = plan_dashboard(story.plan, as_at=end_of_day(date(2026, 2, 20)))
    rate_in(story.period, story.colleague_action, Rag.RED, story.alice, timezone.now())
    Action.objects.filter(pk=story.bob_action.pk).update(due_date=date(2020, 1, 1))  # no history: not an edit
    after = plan_dashboard(story.plan, as_at=end_of_day(date(2026, 2, 20)))
    assert counts(after) == counts(before)
    assert refs(after.worsened) == refs(before.worsened)
    assert (after.round.done, after.round.total) == (before.round.done, before.round.total)


def test_filters_narrow_to_an_area_and_an_organisation(story):
    icb = story.dco.organisation
    board = plan_dashboard(story.plan, organisation=icb)
    assert board.action_count == 2  # bob leads 1.2 and, with alice, 1.3
    other_area = factories.make_area(story.plan, "2", "Joint commissioning")
    assert plan_dashboard(story.plan, area=other_area).action_count == 0


def test_overdue_counts_open_actions_past_due_at_the_date(story):
    Action.objects.filter(pk=story.bob_action.pk).update(due_date=date(2026, 2, 1))
    story.bob_action.refresh_from_db()
    story.bob_action.save()  # a history row carrying the due date
    board = plan_dashboard(story.plan)
    assert [a.ref for a in board.overdue] == ["1.2"]


def test_kpi_milestones_missed_and_due_and_flags(kpi_world):
    world = kpi_world.world
    rate_in(world.period, world.alice_action, Rag.GREEN, world.alice, timezone.now())
    three = kpi_world.timeliness.milestones.get(months=3)
    Milestone.objects.filter(pk=three.pk).update(suggested_rag=Rag.RED, rag=Rag.RED)
    backdate_setup(Kpi, Milestone, Action, AreaOfWeakness, ReportingPeriod)
    three.refresh_from_db()
    three._history_date = at(three.due_date)
    three.save()  # a history row with the Red rating, on its due date
    as_at = end_of_day(three.due_date + timedelta(days=10))
    board = plan_dashboard(world.plan, as_at=as_at)
    assert [(line.kpi.ref, line.milestone.months) for line in board.milestones_missed] == [("1.K1", 3)]
    assert (board.milestones_due and board.milestones_due[0].milestone.months) == 6
    flagged = plan_dashboard(world.plan)
    assert [flag.action.ref for flag in flagged.flags] == ["1.1"]


def test_the_page_shows_every_section_and_refuses_a_bad_date(client, story, risk_world):
    client.force_login(story.chair)
    url = reverse("dashboard", args=[story.plan.slug])
    page = client.get(url).content.decode()
    for heading in (
        "Ratings by area of weakness",
        "Movement since Autumn 2025",
        "Rated Red, with recovery notes",
        "Overdue actions",
        "KPI milestones",
        "Top risks by current score",
        "Reporting round",
        "Challenges",
        "Co-production",
    ):
        assert heading in page, heading
    assert "<svg" in page and "RAG ratings of actions in each area" in page
    past = client.get(url, {"as_at_0": "20", "as_at_1": "2", "as_at_2": "2026"}).content.decode()
    assert "As the data stood at the end of 20 February 2026" in past
    bad = client.get(url, {"as_at_0": "31", "as_at_1": "2", "as_at_2": "2026"})
    assert bad.status_code == 400
    assert "As at must be a real date" in bad.content.decode()


def test_dashboard_index_lists_plans_or_goes_straight_to_the_only_one(client, world):
    client.force_login(world.member)
    response = client.get(reverse("dashboard-index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard", args=[world.plan.slug])
    factories.make_plan("second-plan", open_period=False)
    assert b"second-plan" in client.get(reverse("dashboard-index")).content


def test_a_rating_the_key_has_since_dropped_is_still_counted(story):
    story.plan.rag_key.filter(code=Rag.AMBER).delete()
    board = plan_dashboard(story.plan)
    assert counts(board)["amber"] == 3
    assert sum(n for _, _, n in board.totals) == board.action_count == 4


def test_a_green_that_fell_from_blue_is_still_flagged_beside_a_red_kpi(story):
    # Autumn Blue (written as at the time), Spring Green: "worsened", and still a rating the KPI does not support.
    ProgressUpdate.objects.filter(action=story.bob_action, period=story.closed_period).update(
        rag=Rag.BLUE, impact="Done", completion_date=date(2025, 12, 1)
    )
    ProgressUpdate.history.filter(action_id=story.bob_action.pk, period_id=story.closed_period.pk).update(
        rag=Rag.BLUE, impact="Done", completion_date=date(2025, 12, 1)
    )
    rate_in(story.period, story.bob_action, Rag.GREEN, story.bob, timezone.now())
    kpi = Kpi.objects.create(
        plan=story.plan, area=story.area, ref="K1", measure="Timeliness", category="how_well", unit="percent"
    )
    Milestone.objects.create(kpi=kpi, months=3, due_date=date(2025, 12, 1), rag=Rag.RED, suggested_rag=Rag.RED)
    board = plan_dashboard(story.plan)
    assert "1.2" in refs(board.worsened)
    assert [flag.action.ref for flag in board.flags] == ["1.2"]
