"""The KPI part of a demo plan file (the `kpis` key, see fixtures/demo/SCHEMA.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from actions.demo import DemoPlanContext
from kpis.models import Kpi
from kpis.services import kpi_create, measurement_record, milestone_assess


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _recorded_at(period_date: date) -> datetime:
    # Values arrive about ten days after the month they describe.
    return timezone.make_aware(datetime.combine(period_date + timedelta(days=10), time(11, 0)))


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
        for item in spec.get("measurements", []):
            period_date = _date(item["date"])
            measurement_record(
                kpi=kpi,
                period_date=period_date,
                value=_decimal(item.get("value")),
                value_text=item.get("text", ""),
                note=item.get("note", ""),
                status=item.get("status", "actual"),
                by=by,
                at=_recorded_at(period_date),
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
