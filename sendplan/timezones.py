"""Dates as moments: "as at 31 March" means the end of that day in the local area's time zone."""

from datetime import date, datetime, time

from django.utils import timezone


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))
