"""The KPI part of a demo plan file (the `kpis` key, see fixtures/demo/SCHEMA.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from actions.demo import DemoPlanContext
from kpis.models import Kpi
from kpis.services import kpi_create, measurement_record, milestone_assess, milestone_set_target


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _recorded_at(period_date: date) -> datetime:
    # Values arrive about ten days after the month they describe.
    return timezone.make_aware(datetime.combine(period_date + timedelta(days=10), time(11, 0)))


def _set_published_targets(kpi: Kpi, specs: list[dict], *, by, at: datetime) -> None:
    """Benchmark labels and directional targets, on the milestones kpi_create made (before any value is judged)."""
    for item in specs:
        if item.get("target_benchmark") or item.get("target_direction"):
            milestone = kpi.milestones.get(months=item["months"])
            milestone_set_target(
                milestone=milestone,
                target_text=milestone.target_text,
                target_value=None if item.get("target_direction") else milestone.target_value,
                target_benchmark=item.get("target_benchmark", ""),
                target_direction=item.get("target_direction", False),
                by=by,
                expected_version=milestone.version,
                at=at,
            )


def load_plan_kpis(context: DemoPlanContext) -> list[Kpi]:
    kpis = []
    for order, spec in enumerate(context.data.get("kpis", []), start=1):
        owner = context.officers.get(spec.get("owner") or "")
        by = owner.user if owner else None
        kpi = kpi_create(
            kpi=Kpi(
                plan=context.plan,
                area=context.areas.get(spec.get("area") or ""),
                ref=spec["ref"],
                measure=spec["measure"],
                category=spec["category"],
                unit=spec["unit"],
                polarity=spec.get("polarity", "higher"),
                baseline_value=_decimal(spec.get("baseline_value")),
                baseline_text=spec.get("baseline_text", ""),
                baseline_date=_date(spec.get("baseline_date")),
                baseline_qualifier=spec.get("baseline_qualifier", ""),
                data_source=spec.get("data_source", ""),
                owner=owner,
                comparator_label=spec.get("comparator_label", ""),
                comparator_value=_decimal(spec.get("comparator_value")),
                tolerance=_decimal(spec.get("tolerance")) or Decimal(0),
                order=order,
            ),
            by=by,
            milestones=[
                (m["months"], m.get("target_text", ""), _decimal(m.get("target_value")))
                for m in spec.get("milestones", [])
            ]
            or None,
            at=context.created,
        )
        _set_published_targets(kpi, spec.get("milestones", []), by=by, at=context.created)
        for item in spec.get("measurements", []):
            # A second item for a period restates the first (both kept), on its own `recorded_on` date.
            period_date = _date(item["date"])
            recorded_on = _date(item.get("recorded_on"))
            measurement_record(
                kpi=kpi,
                period_date=period_date,
                period_label=item.get("period_label", ""),
                value=_decimal(item.get("value")),
                value_text=item.get("text", ""),
                note=item.get("note", ""),
                status=item.get("status", "actual"),
                comparators={
                    "england_value": _decimal(item.get("england")),
                    "neighbours_value": _decimal(item.get("neighbours")),
                    "region_value": _decimal(item.get("region")),
                },
                by=by,
                at=_recorded_at(recorded_on - timedelta(days=10) if recorded_on else period_date),
            )
        # People's ratings (descriptive KPIs, overrides) and commentary come after the numbers, as in life.
        for item in spec.get("milestones", []):
            if not (item.get("rag") or item.get("commentary")):
                continue
            milestone = kpi.milestones.get(months=item["months"])
            milestone_assess(
                milestone=milestone,
                rag=item.get("rag") or milestone.rag,
                override_reason=item.get("override_reason", ""),
                commentary=item.get("commentary", ""),
                by=by,
                expected_version=milestone.version,
            )
        kpis.append(kpi)
    return kpis
