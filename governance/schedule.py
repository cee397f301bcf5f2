"""The daily reminders as a background job that schedules itself: each day's run queues the next day's before it
sends, at SENDPLAN_REMINDERS_AT local time on weekdays (officers' working days; nobody wants a digest on a
Saturday), so no cron is needed and any worker may run it.

Exactly once a day, however many workers share the queue: a run is queued only by the transaction that creates
its day's ReminderDay row (the day is unique), and the job sends only if it finds its row still scheduled. The
emails themselves are idempotent too (reminders_send keeps one of each kind per officer per day).

Catch-up: `reminders_schedule()` runs when the workers start (`make serve`, `make demo`). If today's time has
passed and today has no run (the servers were down at 07:00), today's is queued at once: once, for today only,
since a digest says what is waiting now and yesterday's would repeat it.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from governance.models import ReminderDay
from governance.reminders import reminders_send

logger = logging.getLogger(__name__)


def reminders_time() -> time | None:
    """The local time the daily reminders go out, or None when they are left to the command."""
    if settings.SENDPLAN_REMINDERS_AT == "off":
        return None
    return time.fromisoformat(settings.SENDPLAN_REMINDERS_AT)


def _slot(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def reminders_schedule(*, now: datetime | None = None) -> ReminderDay | None:
    """Make sure the next daily run is queued; return it (None when automatic reminders are off)."""
    at = reminders_time()
    if at is None:
        return None
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if _working_day(today):
        if now < _slot(today, at):
            return _queue(today, run_after=_slot(today, at))
        if not ReminderDay.objects.filter(day=today).exists():
            return _queue(today, run_after=now)  # missed today's time: catch up, once
    following = today + timedelta(days=1)
    while not _working_day(following):
        following += timedelta(days=1)
    return _queue(following, run_after=_slot(following, at))


def _working_day(day: date) -> bool:
    return day.weekday() < 5  # Monday to Friday


def _queue(day: date, *, run_after: datetime) -> ReminderDay:
    with transaction.atomic():
        run, created = ReminderDay.objects.get_or_create(day=day, defaults={"run_after": run_after})
        if created:
            # The queue row is written in this transaction too: no day row without its job, nor the reverse.
            send_daily_reminders.using(run_after=run_after).enqueue(day.isoformat())
            logger.info("reminders_scheduled day=%s run_after=%s", day.isoformat(), run_after.isoformat())
    return run


@task()
def send_daily_reminders(day: str) -> str:
    """The job: send the day's reminders (if no other run has), after queueing the next day's."""
    on = date.fromisoformat(day)
    with transaction.atomic():
        run = ReminderDay.objects.select_for_update().filter(day=on).first()
        if run is None or run.status != ReminderDay.Status.SCHEDULED:
            logger.info("reminders_skipped day=%s reason=already_run", day)
            return "already run"
        run.status = ReminderDay.Status.RUNNING
        run.started_at = timezone.now()
        run.save(update_fields=["status", "started_at"])
    # Queue tomorrow first: whatever happens while sending, the chain of days goes on.
    reminders_schedule()
    try:
        result = reminders_send(today=on)
    except Exception as error:
        run.status = ReminderDay.Status.FAILED
        run.summary = f"The reminders could not be built: {error}"
        raise
    else:
        run.status = ReminderDay.Status.FAILED if result.failed else ReminderDay.Status.DONE
        run.summary = result.summary
        return result.summary
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "summary", "finished_at"])
        logger.info("reminders_run day=%s status=%s summary=%r", day, run.status, run.summary)
