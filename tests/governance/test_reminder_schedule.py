"""The daily reminders as a self-scheduling background job: one run a day at SENDPLAN_REMINDERS_AT, queued once
however often it is asked for, a missed day caught up once, and the next day queued whatever happens to this one."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from actions.models import ProgressUpdate
from governance.models import ReminderDay, ReminderLog
from governance.schedule import reminders_schedule, send_daily_reminders
from tests.jobs import run_queued_jobs

LONDON = ZoneInfo("Europe/London")
# The world's open round wants updates by 15 April 2026; its actions have none yet, so their leads get a digest.
DAY = date(2026, 4, 10)
TASK = "governance.schedule.send_daily_reminders"


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def queued() -> list[tuple[str, datetime]]:
    """The reminder jobs waiting in the queue: (day, run after), in day order."""
    rows = DBTaskResult.objects.filter(task_path=TASK, status="READY").order_by("run_after")
    return [(row.args_kwargs["args"][0], row.run_after) for row in rows]


@pytest.fixture(autouse=True)
def reminders_at_seven(settings):
    settings.SENDPLAN_REMINDERS_AT = "07:00"


@pytest.fixture
def leads_with_email(world):
    world.head_of_send.email = "alice@riverside.example"
    world.head_of_send.save()
    world.dco.email = "bob@riverside.example"
    world.dco.save()
    return world


@pytest.mark.django_db
def test_before_the_time_todays_run_is_queued_for_the_time_and_only_once():
    first = reminders_schedule(now=at(6, 30))
    again = reminders_schedule(now=at(6, 45))
    assert first == again
    assert (first.day, first.status) == (DAY, ReminderDay.Status.SCHEDULED)
    assert queued() == [("2026-04-10", at(7))]


@pytest.mark.django_db
def test_a_missed_time_is_caught_up_once_then_tomorrow_is_queued():
    missed = reminders_schedule(now=at(11))  # the servers were down at 07:00
    assert (missed.day, missed.run_after) == (DAY, at(11))
    following = reminders_schedule(now=at(11, 5))
    assert following.day == DAY + timedelta(days=3)  # 10 April 2026 is a Friday: the next run is on Monday
    assert reminders_schedule(now=at(12)) == following
    assert queued() == [("2026-04-10", at(11)), ("2026-04-13", at(7, day=DAY + timedelta(days=3)))]


@pytest.mark.django_db
def test_a_day_that_already_ran_is_not_caught_up_again():
    ReminderDay.objects.create(day=DAY, run_after=at(7), status=ReminderDay.Status.DONE)
    run = reminders_schedule(now=at(15))
    assert run.day == DAY + timedelta(days=3)
    assert [day for day, _ in queued()] == ["2026-04-13"]


@pytest.mark.django_db
def test_friday_queues_monday_and_a_weekend_start_catches_nothing_up():
    friday = date(2026, 4, 10)
    assert friday.weekday() == 4
    ReminderDay.objects.create(day=friday, run_after=at(7), status=ReminderDay.Status.DONE)
    monday = date(2026, 4, 13)
    assert reminders_schedule(now=at(9, day=friday)).day == monday
    assert reminders_schedule(now=at(10, day=date(2026, 4, 11))).day == monday  # Saturday: no weekend run
    assert queued() == [("2026-04-13", at(7, day=monday))]


@pytest.mark.django_db
def test_off_queues_nothing(settings):
    settings.SENDPLAN_REMINDERS_AT = "off"
    assert reminders_schedule(now=at(11)) is None
    assert not ReminderDay.objects.exists()
    assert queued() == []


@pytest.mark.django_db
def test_the_worker_sends_the_days_reminders_once_and_queues_the_next_day(leads_with_email):
    reminders_schedule(now=at(6))
    ReminderDay.objects.filter(day=DAY).update(run_after=at(6))
    DBTaskResult.objects.filter(task_path=TASK).update(run_after=at(6))  # its time has come

    run_queued_jobs()

    run = ReminderDay.objects.get(day=DAY)
    assert run.status == ReminderDay.Status.DONE
    assert run.summary.startswith("Sent 2 digests and 0 escalations")
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@riverside.example", "bob@riverside.example"]
    assert ReminderLog.objects.filter(sent_on=DAY).count() == 2
    # The next day's run waits for its time; the worker leaves it queued.
    assert ReminderDay.objects.filter(day__gt=DAY).get().status == ReminderDay.Status.SCHEDULED
    assert len(queued()) == 1


@pytest.mark.django_db
def test_a_second_copy_of_the_days_job_sends_nothing(leads_with_email):
    ReminderDay.objects.create(day=DAY, run_after=at(7))
    assert send_daily_reminders.call(DAY.isoformat()).startswith("Sent 2 digests")
    assert send_daily_reminders.call(DAY.isoformat()) == "already run"
    assert len(mail.outbox) == 2


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.mark.django_db
def test_failed_sends_are_shown_on_the_day_and_tomorrow_is_still_queued(leads_with_email, settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    ReminderDay.objects.create(day=DAY, run_after=at(7))
    send_daily_reminders.call(DAY.isoformat())
    run = ReminderDay.objects.get(day=DAY)
    assert run.status == ReminderDay.Status.FAILED
    assert "2 emails failed" in run.summary
    assert not ReminderLog.objects.exists()  # so `send_reminders` can retry them today
    assert ReminderDay.objects.filter(day__gt=DAY, status=ReminderDay.Status.SCHEDULED).exists()


@pytest.mark.django_db
def test_an_update_already_given_leaves_that_lead_out(leads_with_email):
    world = leads_with_email
    for action in (world.bob_action, world.shared_action):
        ProgressUpdate.objects.create(action=action, period=world.period, rag="amber", progress="Going to plan")
    ReminderDay.objects.create(day=DAY, run_after=at(7))
    send_daily_reminders.call(DAY.isoformat())
    assert [message.to for message in mail.outbox] == [["alice@riverside.example"]]


@pytest.mark.django_db
def test_the_command_says_what_is_queued(settings):
    out = StringIO()
    call_command("schedule_reminders", stdout=out)
    run = ReminderDay.objects.get()
    assert f"Reminders for {run.day:%d %b %Y}: scheduled" in out.getvalue()
    settings.SENDPLAN_REMINDERS_AT = "off"
    out = StringIO()
    call_command("schedule_reminders", stdout=out)
    assert "Automatic reminders are off" in out.getvalue()
