"""One reading of a plan at a moment (actions.snapshot): the board's dashboard and the termly report show the same
figures for the same plan, period and moment, whatever the RAG key became afterwards; closed areas show as closed;
the dashboard's as-at date refuses the future and says when the plan had not started."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AreaOfWeakness, ReportingPeriod
from actions.snapshot import previous_period
from governance.dashboard import plan_dashboard
from reports.content import report_content
from reports.rendering import render_body
from sendplan.timezones import end_of_day
from tests import factories
from tests.governance.test_dashboard import at, backdate_setup, story  # noqa: F401 (story is a fixture)

# After the Spring ratings, before the challenge to alice's Green was answered; the Spring round is open.
MOMENT = end_of_day(date(2026, 2, 20))


def dashboard_figures(board) -> dict:
    return {
        "period": board.period.pk,
        "previous": board.previous and board.previous.pk,
        "areas": [(summary.area.pk, summary.counts, summary.total) for summary in board.areas],
        "totals": board.totals,
        "actions": board.action_count,
        "improved": [(m.action.ref, m.before, m.after) for m in board.improved],
        "worsened": [(m.action.ref, m.before, m.after) for m in board.worsened],
        "unchanged": len(board.unchanged),
        "newly_rated": len(board.newly_rated),
    }


def report_figures(content) -> dict:
    return {
        "period": content.period.pk,
        "previous": content.previous and content.previous.pk,
        "areas": [(area.pk, counts, total) for area, counts, total in content.area_counts],
        "totals": content.totals,
        "actions": content.action_count,
        "improved": [(m.line.action.ref, m.before, m.line.rag) for m in content.improved],
        "worsened": [(m.line.action.ref, m.before, m.line.rag) for m in content.worsened],
        "unchanged": content.unchanged,
        "newly_rated": content.newly_rated,
    }


def test_the_dashboard_and_the_report_give_the_same_figures_for_the_same_moment(story):  # noqa: F811
    board = dashboard_figures(plan_dashboard(story.plan, as_at=MOMENT))
    report = report_figures(report_content(story.plan, story.period, as_at=MOMENT))
    assert board == report
    assert board["previous"] == story.closed_period.pk
    assert board["improved"] == [("1.1", "amber", "green")] and board["worsened"] == [("1.3", "amber", "red")]
    assert [(code, label) for code, label, _ in board["totals"]][-2:] == [("white", "White"), ("", "Not rated")]


def test_a_later_change_to_the_rag_key_changes_neither_for_that_moment(story):  # noqa: F811
    before = dashboard_figures(plan_dashboard(story.plan, as_at=MOMENT))
    # After the moment the plan rewords Amber and drops White (nothing was rated White).
    amber = story.plan.rag_key.get(code="amber")
    amber.label = "Some concerns"
    amber.save()
    story.plan.rag_key.get(code="white").delete()

    board = dashboard_figures(plan_dashboard(story.plan, as_at=MOMENT))
    report = report_figures(report_content(story.plan, story.period, as_at=MOMENT))
    assert board == report == before
    assert ("white", "White", 0) in board["totals"] and ("amber", "Amber", 2) in board["totals"]

    # Now, both read the key as it is: the new word, and no White column.
    board_now = dashboard_figures(plan_dashboard(story.plan))
    report_now = report_figures(report_content(story.plan, story.period))
    assert board_now["totals"] == report_now["totals"]
    assert [code for code, _, _ in board_now["totals"]] == ["blue", "green", "amber", "red", ""]
    assert ("amber", "Some concerns", 3) in board_now["totals"]


def test_the_dashboard_page_labels_its_columns_with_the_key_as_it_stood(client, story):  # noqa: F811
    amber = story.plan.rag_key.get(code="amber")
    amber.label = "Some concerns"
    amber.save()
    client.force_login(story.chair)
    url = reverse("dashboard", args=[story.plan.slug])
    past = client.get(url, {"as_at_0": "20", "as_at_1": "2", "as_at_2": "2026"}).content.decode()
    assert ">Amber</strong>" in past and "Some concerns" not in past
    assert ">Some concerns</strong>" in client.get(url).content.decode()


def test_the_previous_period_is_the_latest_earlier_one_whose_round_had_opened():
    def period(name, start, status):
        return ReportingPeriod(name=name, start=start, end=start + timedelta(days=80), status=status)

    autumn = period("Autumn", date(2025, 9, 1), "closed")
    skipped = period("Winter (never run)", date(2025, 12, 1), "planned")
    spring = period("Spring", date(2026, 1, 1), "open")
    assert previous_period([autumn, skipped, spring], spring) is autumn
    assert previous_period([autumn, skipped, spring], autumn) is None
    assert previous_period([autumn, spring], None) is None


def test_the_monitoring_rule_stops_on_the_closing_day():
    area = AreaOfWeakness(closed_on=date(2026, 3, 1))
    assert not area.is_closed_on(date(2026, 2, 28))
    assert area.is_closed_on(date(2026, 3, 1))
    assert not AreaOfWeakness().is_closed_on(date(2030, 1, 1))


def close_area(area, on: date, reason: str, recorded):
    area.closed_on, area.closed_reason = on, reason
    area._history_date = recorded
    area.save()


def test_a_closed_area_shows_closed_and_its_actions_are_not_chased(client, story):  # noqa: F811
    other = factories.make_area(story.plan, "2", "Joint commissioning")
    factories.make_action(other, "2.1", [story.dco], due_date=date(2026, 1, 15))
    story.bob_action.due_date = date(2026, 2, 1)
    story.bob_action.save()
    backdate_setup(AreaOfWeakness, Action)  # the second area and the due date were there from the start
    close_area(story.area, date(2026, 3, 1), "Inspectors found the timeliness target met.", at(date(2026, 3, 2)))

    board = plan_dashboard(story.plan)
    closed, still_open = board.areas
    assert closed.closed and not still_open.closed
    assert closed.total == 4  # its actions and ratings still count
    assert [a.ref for a in board.overdue] == ["2.1"]  # 1.2 is past due, but its area is closed
    # The round awaits 2.1 only: 1.4 (not updated) is no longer asked; 1.1-1.3 were updated before the closing.
    assert (board.round.done, board.round.total, [a.ref for a in board.round.missing]) == (3, 4, ["2.1"])

    client.force_login(story.chair)
    page = client.get(reverse("dashboard", args=[story.plan.slug])).content.decode()
    assert 'Closed</strong><span class="govuk-body-s"> on 1 March 2026: Inspectors found the timeliness' in page

    # As at a day before the closing, the area was open and all its actions were chased.
    before = plan_dashboard(story.plan, as_at=end_of_day(date(2026, 2, 28)))
    assert not before.areas[0].closed
    assert [a.ref for a in before.overdue] == ["2.1", "1.2"]
    assert sorted(a.ref for a in before.round.missing) == ["1.4", "2.1"]

    content = report_content(story.plan, story.period)
    assert content.areas[0].area.closed_reason == "Inspectors found the timeliness target met."
    assert "This area was closed on 1 March 2026: Inspectors found the timeliness" in render_body(content, draft=True)


def test_an_area_recorded_with_a_closing_date_to_come_is_open_until_then_in_both(story):  # noqa: F811
    # Imported with its closing date already filled in, before that date came.
    close_area(story.area, date(2026, 3, 1), "Target met (CAMHS waits).", at(date(2025, 9, 2)))

    assert not plan_dashboard(story.plan, as_at=MOMENT).areas[0].closed
    content = report_content(story.plan, story.period, as_at=MOMENT)
    assert not content.areas[0].closed
    body = render_body(content, draft=True)
    assert "This area was closed" not in body and "CAMHS" not in dict(content.glossary)

    assert plan_dashboard(story.plan).areas[0].closed
    assert report_content(story.plan, story.period).areas[0].closed


def test_the_as_at_date_refuses_the_future(client, story):  # noqa: F811
    client.force_login(story.chair)
    url = reverse("dashboard", args=[story.plan.slug])
    response = client.get(url, {"as_at_0": "1", "as_at_1": "1", "as_at_2": "2030"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "As at must be today or in the past" in page
    assert "Past position" not in page
    tomorrow = timezone.localdate() + timedelta(days=1)
    day = {"as_at_0": tomorrow.day, "as_at_1": tomorrow.month, "as_at_2": tomorrow.year}
    assert client.get(url, day).status_code == 400
    today = timezone.localdate()
    assert client.get(url, {"as_at_0": today.day, "as_at_1": today.month, "as_at_2": today.year}).status_code == 200


def test_an_as_at_date_before_the_plan_started_says_so(client, story):  # noqa: F811
    client.force_login(story.chair)
    url = reverse("dashboard", args=[story.plan.slug])
    page = client.get(url, {"as_at_0": "1", "as_at_1": "8", "as_at_2": "2025"}).content.decode()
    assert "The plan had not started on 1 August 2025: it started on 1 September 2025" in page
    assert "updated this round" not in page and "100%" not in page
    # Its first day is shown as usual.
    first = client.get(url, {"as_at_0": "1", "as_at_1": "9", "as_at_2": "2025"}).content.decode()
    assert "had not started" not in first and "updated this round" in first
