"""Upgrading a database that holds the demo plans' KPIs to KPIs as published (kpis 0002): every value survives as
the current value of its period, with no period label, comparators or restatement, and the app then restates them
as it would any other."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE_KPIS = ("kpis", "0001_initial")
DEMO = [Path(settings.BASE_DIR) / "fixtures" / "demo" / name for name in ("oxfordshire.json", "rbwm.json")]


def _decimal(value):
    return None if value is None else Decimal(str(value))


@pytest.mark.upgrade
@pytest.mark.django_db(transaction=True)
def test_the_demo_kpis_survive_the_upgrade_as_current_values():
    executor = MigrationExecutor(connection)
    # Every app at its latest migration except kpis, which goes back to before this change.
    before = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "kpis"] + [BEFORE_KPIS]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Plan, Kpi = old.get_model("actions", "Plan"), old.get_model("kpis", "Kpi")
    Milestone, Measurement = old.get_model("kpis", "Milestone"), old.get_model("kpis", "Measurement")
    expected = {}
    for path in DEMO:
        data = json.loads(path.read_text())
        plan = Plan.objects.create(
            slug=data["plan"]["slug"],
            local_area=data["plan"]["local_area"],
            plan_type=data["plan"]["plan_type"],
            title=data["plan"]["title"],
            start_date=date.fromisoformat(data["plan"]["start_date"]),
        )
        for order, spec in enumerate(data["kpis"]):
            kpi = Kpi.objects.create(
                plan=plan,
                ref=spec["ref"],
                measure=spec["measure"],
                category=spec["category"],
                unit=spec["unit"],
                polarity=spec.get("polarity", "higher"),
                baseline_value=_decimal(spec.get("baseline_value")),
                baseline_text=spec.get("baseline_text", ""),
                comparator_label=spec.get("comparator_label", ""),
                comparator_value=_decimal(spec.get("comparator_value")),
                order=order,
            )
            for item in spec["milestones"]:
                Milestone.objects.create(
                    kpi=kpi,
                    months=item["months"],
                    due_date=date(2021, 1, 1),
                    target_text=item.get("target_text", ""),
                    target_value=_decimal(item.get("target_value")),
                )
            # Before this change a period held one value: the demo's restatement is what the new app adds.
            values = [item for item in spec.get("measurements", []) if not item.get("recorded_on")]
            for item in values:
                Measurement.objects.create(
                    kpi=kpi,
                    period_date=date.fromisoformat(item["date"]),
                    value=_decimal(item.get("value")),
                    value_text=item.get("text", ""),
                    status=item.get("status", "actual"),
                )
            expected[(plan.slug, kpi.ref)] = [(date.fromisoformat(i["date"]), _decimal(i["value"])) for i in values]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from kpis.models import Kpi as NewKpi
    from kpis.models import Measurement as NewMeasurement
    from kpis.services import measurement_record

    upgraded = {
        (kpi.plan.slug, kpi.ref): [(m.period_date, m.value) for m in kpi.measurements.current()]
        for kpi in NewKpi.objects.select_related("plan")
    }
    assert upgraded == expected
    assert sum(map(len, expected.values())) == 141  # every value of the demo plans before restatements
    assert not NewMeasurement.objects.exclude(period_label="").exists()
    assert not NewMeasurement.objects.filter(restated_at__isnull=False).exists()
    assert not NewMeasurement.objects.exclude(england_value=None).exists()
    assert NewKpi.objects.get(ref="2.K9").comparator_label == "England 2019"

    # An upgraded value is restated like any other: both kept, the new one current.
    kpi = NewKpi.objects.get(plan__slug="oxfordshire-app-2020", ref="2.K10")
    restated = measurement_record(
        kpi=kpi, period_date=date(2020, 12, 31), value=Decimal("55.8"), status="actual", by=None
    )
    december = NewMeasurement.objects.filter(kpi=kpi, period_date=date(2020, 12, 31))
    assert sorted((m.value, m.restated_at is None) for m in december) == [
        (Decimal("54.6"), False),
        (Decimal("55.8"), True),
    ]
    assert restated.restated_at is None
