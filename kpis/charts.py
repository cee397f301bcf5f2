"""Small server-rendered SVG trend charts: they work in the browser and inside WeasyPrint PDFs alike."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

WIDTH, HEIGHT, PAD = 220, 70, 6


@dataclass
class Point:
    x: float
    y: float
    label: str
    projected: bool


@dataclass
class TrendChart:
    title: str
    actual_path: str
    projected_path: str
    points: list[Point]
    target_y: float | None
    target_label: str
    width: int = WIDTH
    height: int = HEIGHT


def _scale(values: list[Decimal]):
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)

    def y(value: Decimal) -> float:
        return round(float(HEIGHT - PAD - (value - low) / span * (HEIGHT - 2 * PAD)), 1)

    return y


def _period(measurement) -> str:
    return measurement.period_label or f"{measurement.period_date:%B %Y}"


def trend_chart(kpi, measurements, milestones) -> TrendChart:
    """A line of the KPI's current values (projected ones dashed) with the current target as a dashed level.
    `measurements` are current values only (restated ones are listed beside the chart, not drawn)."""
    values = [m for m in measurements if m.value is not None]
    target = next((m for m in milestones if m.target_value is not None and m.due_date >= values[-1].period_date), None)
    target = target or next((m for m in reversed(milestones) if m.target_value is not None), None)
    scale_values = [m.value for m in values] + ([target.target_value] if target else [])
    y = _scale(scale_values)
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    points = [
        Point(
            x=round(PAD + i * step, 1),
            y=y(m.value),
            label=f"{m.period}: {kpi.format_value(m.value)}",
            projected=m.status == "projected",
        )
        for i, m in enumerate(values)
    ]
    actual = [p for p in points if not p.projected]
    projected = actual[-1:] + [p for p in points if p.projected] if actual else []
    first, last = values[0], values[-1]
    title = (
        f"Trend of {kpi.measure}: {kpi.format_value(first.value)} in {_period(first)}, "
        f"{kpi.format_value(last.value)} in {_period(last)}"
    )
    if target:
        title += f"; target {kpi.format_value(target.target_value)} by {target.due_date:%B %Y}"
    return TrendChart(
        title=title,
        actual_path=" ".join(f"{p.x},{p.y}" for p in actual),
        projected_path=" ".join(f"{p.x},{p.y}" for p in projected) if len(projected) > 1 else "",
        points=points,
        target_y=y(target.target_value) if target else None,
        target_label=f"Target {kpi.format_value(target.target_value)}" if target else "",
    )
