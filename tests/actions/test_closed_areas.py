"""Closing an area of weakness (a date and a reason) takes its actions out of monitoring from that date: not asked
for in reporting rounds, not reminded about or escalated, not "needs update" or overdue on My actions and the
action list. They keep their status, updates and history. Programme managers close (and reopen) areas in the app."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, AreaOfWeakness, ProgressUpdate
from actions.selectors import action_rows, my_actions
from actions.services import area_close, area_reopen
from governance.models import Challenge
from governance.reminders import reminders_due
from governance.selectors import round_actions, round_page
from tests import factories

TODAY = timezone.localdate()
# The world's open round (Spring 2026) wants updates by 15 April 2026.
AFTER_DEADLINE = date(2026, 4, 16)


def close(world, area, on, reason="The board agreed the weakness is addressed."):
    area.refresh_from_db()
    return area_close(area=area, closed_on=on, reason=reason, by=world.manager, expected_version=area.version)


@pytest.fixture
def second_area(world):
    """Area 2 of the world's plan with Alice's overdue action 2.1 (no update in the open round) and its owner."""
    area = factories.make_area(world.plan, "2", "Joint commissioning")
    area.owners.set([world.council_colleague])
    action = factories.make_action(area, "2.1", [world.head_of_send], due_date=date(2026, 1, 31))
    world.head_of_send.email = "alice@riverside.example"
    world.head_of_send.save()
    return area, action


def test_an_action_is_monitored_until_the_day_its_area_closed(world, second_area):
    area, action = second_area
    close(world, area, date(2026, 3, 31))
    assert action in Action.objects.monitored(on=date(2026, 3, 30))
    assert action not in Action.objects.monitored(on=date(2026, 3, 31))
    action = Action.objects.select_related("area").get(pk=action.pk)
    assert (action.is_monitored(date(2026, 3, 30)), action.is_monitored(date(2026, 3, 31))) == (True, False)
    assert action.is_overdue_on(date(2026, 3, 30)) and not action.is_overdue_on(date(2026, 4, 1))
    # The dashboard's as-at view passes the area as it stood then: open, so the action was overdue.
    assert action.is_overdue_on(date(2026, 4, 1), area=AreaOfWeakness(pk=area.pk, closed_on=None))


def test_closing_keeps_the_actions_their_status_updates_and_history(world, second_area):
    area, action = second_area
    ProgressUpdate.objects.create(action=action, period=world.closed_period, rag="red", recovery_note="Later")
    history_rows = action.history.count()
    close(world, area, TODAY)
    action.refresh_from_db()
    assert action.status == Action.Status.OPEN
    assert action.updates.count() == 1 and action.history.count() == history_rows
    area.refresh_from_db()
    assert (area.closed_on, area.closed_reason) == (TODAY, "The board agreed the weakness is addressed.")
    assert area.history.first().history_user == world.manager


def test_my_actions_and_the_action_list_stop_counting_a_closed_areas_actions(client, world, second_area):
    area, action = second_area
    before = my_actions(world.alice)
    assert (before.needing_update, before.overdue) == (3, 1)  # 1.1, 1.3 and 2.1 need updates; 2.1 is overdue
    close(world, area, TODAY)
    after = my_actions(world.alice)
    assert (after.needing_update, after.overdue) == (2, 0)
    rows = {a.ref: (a.overdue, a.needs_update) for a in action_rows(Action.objects.filter(area__plan=world.plan))}
    assert rows["2.1"] == (False, False)
    client.force_login(world.chair)
    listed = reverse("action-list")
    assert "2.1" not in refs(client.get(f"{listed}?overdue=yes"))
    assert "2.1" not in refs(client.get(f"{listed}?needs_update=yes"))
    assert "2.1" in refs(client.get(listed))  # still listed, with its history


def refs(response) -> set[str]:
    return set(re.findall(r'<td class="govuk-table__cell">(\d+\.\d+)</td>', response.content.decode()))


def test_the_open_round_stops_asking_for_them_but_a_past_round_keeps_them(world, second_area):
    area, action = second_area
    assert action in round_actions(world.period)
    close(world, area, TODAY)
    assert action not in round_actions(world.period)
    assert round_page(world.period).overall.total == 4
    # The autumn round ended (31 Dec 2025) before the area closed: it asked about 2.1 then, and still says so.
    assert action in round_actions(world.closed_period)


def test_an_action_updated_in_the_round_before_the_area_closed_still_counts_as_done(world, second_area):
    area, action = second_area
    ProgressUpdate.objects.create(action=action, period=world.period, rag="amber", progress="Done this term")
    close(world, area, TODAY)
    assert action in round_actions(world.period)


def test_no_reminder_escalation_or_overdue_digest_after_the_closing_date(world, second_area):
    area, action = second_area
    Challenge.objects.create(action=action, challenged_rag="green", text="Not Green.", status="open")
    due = reminders_due(AFTER_DEADLINE)
    alice = next(d for d in due.digests if d.officer == world.head_of_send)
    assert "2.1" in [i.action.ref for i in alice.updates_due]
    assert "2.1" in [a.ref for a in alice.overdue_actions]
    assert [c.action.ref for c in alice.challenges] == ["2.1"]
    assert world.council_colleague in [e.officer for e in due.escalations]

    close(world, area, date(2026, 4, 16))
    assert reminders_due(date(2026, 4, 15)).digests  # the day before: still monitored
    due = reminders_due(AFTER_DEADLINE)
    alice = next(d for d in due.digests if d.officer == world.head_of_send)
    assert "2.1" not in [i.action.ref for i in alice.updates_due]
    assert "2.1" not in [a.ref for a in alice.overdue_actions]
    assert alice.challenges == []
    assert world.council_colleague not in [e.officer for e in due.escalations]


def test_the_closing_rules(world, second_area):
    area, _ = second_area
    cases = [
        (None, "Done", "closed_on", "Enter the date the area was closed."),
        (TODAY + timedelta(days=1), "Done", "closed_on", "must be today or in the past"),
        (date(2025, 8, 31), "Done", "closed_on", "on or after the plan started (1 September 2025)"),
        (TODAY, "  ", "reason", "Say why the area is closed"),
    ]
    for on, reason, field, message in cases:
        with pytest.raises(ValidationError) as raised:
            area_close(area=area, closed_on=on, reason=reason, by=world.manager, expected_version=area.version)
        assert message in raised.value.message_dict[field][0]
    with pytest.raises(ValidationError):
        area_reopen(area=area, by=world.manager, expected_version=area.version)


def test_a_manager_closes_an_area_from_its_page_and_can_reopen_it(client, world, second_area):
    area, action = second_area
    url = reverse("area-close", args=[area.pk])
    client.force_login(world.manager)
    assert f'href="/areas/{area.pk}/close/"' in client.get(area.get_absolute_url()).content.decode()
    refused = client.post(url, {"closed_on_0": "", "reason": "Addressed", "version": area.version})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Enter the date the area was closed." in page and "Addressed</textarea>" in page
    data = {
        "closed_on_0": str(TODAY.day),
        "closed_on_1": str(TODAY.month),
        "closed_on_2": str(TODAY.year),
        "reason": "Agreed by the board: timeliness at 68%.",
        "version": area.version,
    }
    assert client.post(url, data).status_code == 302
    area.refresh_from_db()
    assert (area.closed_on, area.closed_reason) == (TODAY, "Agreed by the board: timeliness at 68%.")
    shown = client.get(area.get_absolute_url()).content.decode()
    assert "Agreed by the board: timeliness at 68%." in shown and "no longer monitored" in shown
    assert "no longer monitored" in client.get(action.get_absolute_url()).content.decode()
    # A second manager's form, loaded before the closure, is refused rather than overwriting it.
    assert client.post(url, {**data, "reason": "Other"}).status_code == 409
    assert client.post(url, {"reopen": "1", "version": area.version}).status_code == 302
    area.refresh_from_db()
    assert (area.closed_on, area.closed_reason) == (None, "")
    assert AreaOfWeakness.history.filter(id=area.pk, closed_on=TODAY).exists()


@pytest.mark.parametrize("name", ["alice", "chair", "pcf", "nobody"])
def test_only_programme_managers_may_close_an_area(client, world, second_area, name):
    area, _ = second_area
    client.force_login(world.user(name))
    url = reverse("area-close", args=[area.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reopen": "1", "version": area.version}).status_code == 403
    assert "Close this area" not in client.get(area.get_absolute_url()).content.decode()
    area.refresh_from_db()
    assert area.closed_on is None


def test_a_missing_area_is_404_and_junk_input_never_500(client, world, second_area):
    area, _ = second_area
    client.force_login(world.manager)
    assert client.get(reverse("area-close", args=[999999])).status_code == 404
    url = reverse("area-close", args=[area.pk])
    junk = {"closed_on_0": "31", "closed_on_1": "2", "closed_on_2": "2026", "reason": "x", "version": "abc"}
    assert client.post(url, junk).status_code == 400
    close(world, area, TODAY)
    area.refresh_from_db()
    assert client.post(url, {"reopen": "1", "version": "junk"}).status_code == 409  # as a form loaded long ago
    assert client.post(url, {"reopen": "1", "version": area.version}).status_code == 302
    reopen_open = client.post(url, {"reopen": "1", "version": area.version + 1}, follow=True)
    assert "This area is not closed." in reopen_open.content.decode()
