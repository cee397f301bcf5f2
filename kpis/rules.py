"""The arithmetic of KPIs: milestone dates, suggested RAG, direction of travel. Pure functions, no queries."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal

from actions.models import Rag

DEFAULT_HORIZONS = (3, 6, 12)


def months_after(start: date, months: int) -> date:
    """The same day `months` later, clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def unit_value_error(unit: str, value: Decimal | None) -> str:
    """Why `value` cannot be a value in `unit` ("" when it can): a percentage is 0 to 100, a count a whole number
    of 0 or more, days and rates 0 or more. A KPI value of 150% is a typing mistake, never a fact to report."""
    if value is None:
        return ""
    shown = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
    if unit == "percent" and not 0 <= value <= 100:
        return f"A percentage must be between 0 and 100, for example 54.5. You entered {shown}."
    if unit == "count" and (value < 0 or value != int(value)):
        return f"A count must be a whole number, 0 or more, for example 12. You entered {shown}."
    if unit == "days" and value < 0:
        return f"A number of days must be 0 or more. You entered {shown}."
    if unit == "rate" and value < 0:
        return f"A rate must be 0 or more. You entered {shown}."
    return ""


def suggest_rag(*, value: Decimal | None, target: Decimal | None, higher_is_better: bool, tolerance: Decimal) -> str:
    """Green when the value meets the target, Amber within `tolerance` of it, Red beyond; '' when not measurable."""
    if value is None or target is None:
        return ""
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= tolerance:
        return Rag.AMBER
    return Rag.RED


def suggest_rag_by_direction(
    *, previous: Decimal | None, latest: Decimal | None, higher_is_better: bool, tolerance: Decimal
) -> str:
    """For a target that is only a direction ("increase in %"): Green when the latest value moved the right way
    since the one before, Amber when it did not move or slipped back by no more than `tolerance`, Red when it moved
    the wrong way by more; '' without two values to compare."""
    if previous is None or latest is None:
        return ""
    gain = (latest - previous) if higher_is_better else (previous - latest)
    if gain > 0:
        return Rag.GREEN
    if -gain <= tolerance:
        return Rag.AMBER
    return Rag.RED


class Direction:
    IMPROVING = "improving"
    WORSENING = "worsening"
    NO_CHANGE = "no change"
    UNKNOWN = ""

    ARROWS = {IMPROVING: "↑", WORSENING: "↓", NO_CHANGE: "→", UNKNOWN: ""}


def direction_of_travel(previous: Decimal | None, latest: Decimal | None, *, higher_is_better: bool) -> str:
    if previous is None or latest is None:
        return Direction.UNKNOWN
    if latest == previous:
        return Direction.NO_CHANGE
    went_up = latest > previous
    return Direction.IMPROVING if went_up == higher_is_better else Direction.WORSENING


def is_passed(due_date: date, latest_period: date | None) -> bool:
    """A milestone is judged on its own date once values reach it; before that it is the one ahead."""
    return latest_period is not None and latest_period >= due_date


def on_trajectory(*, start: date, start_value: Decimal, due: date, target: Decimal, on: date) -> Decimal:
    """Where a KPI should be on `on` to reach `target` by `due`, moving in a straight line from where it stood
    (the baseline, or the previous milestone's target). A value judged against this is "on track"."""
    total = (due - start).days
    if total <= 0:
        return target
    fraction = Decimal(min(max((on - start).days, 0), total)) / Decimal(total)
    return start_value + (target - start_value) * fraction
