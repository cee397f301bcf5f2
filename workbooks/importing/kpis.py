"""The KPIs, Milestones and Measurements sheets."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from kpis.models import Kpi, Measurement
from kpis.services import (
    current_measurement,
    kpi_create,
    measurement_record,
    measurement_restate,
    milestone_add,
    milestone_assess,
)
from workbooks import schema
from workbooks.changes import FieldChange
from workbooks.importing.values import apply_values, given_values
from workbooks.parsing import parse_number, parse_rag
from workbooks.reader import Row

# A target value cell that gives only a direction ("increase in %"), and the polarity it needs.
DIRECTIONS = {"increase": "higher", "decrease": "lower", "reduce": "lower", "reduction": "lower"}


def _same_value(measurement: Measurement, parsed: dict) -> bool:
    """The sheet's row says what the stored value says (its recording date aside)."""
    given = parsed["comparators"]
    return (measurement.value, measurement.value_text, measurement.note, measurement.status) == (
        parsed["value"],
        parsed["value_text"],
        parsed["note"],
        parsed["status"],
    ) and all(getattr(measurement, name) == value for name, value in given.items())


def _value_change(measurement: Measurement | None, parsed: dict) -> FieldChange:
    """A KPI's value for a period, as held (when restated) and as imported, with its unit and status."""

    def said(value, text, status) -> str:
        shown = text or ("" if value is None else format(Decimal(str(value)).normalize(), "f"))
        return f"{shown} ({status})" if shown and status != Measurement.Status.ACTUAL else shown

    old = said(measurement.value, measurement.value_text, measurement.status) if measurement else ""
    return FieldChange("Value", old, said(parsed["value"], parsed["value_text"], parsed["status"]))


class KpiRows:
    """KPIs, their milestones' targets and assessments, and their values as published."""

    def kpis_sheet(self) -> None:
        categories = {schema.normalise(c): c.value for c in Kpi.Category} | {
            schema.normalise(c.label): c.value for c in Kpi.Category
        }
        units = {schema.normalise(u.value): u.value for u in Kpi.Unit} | {"number": "count", "": "descriptive"}
        for order, row in enumerate(self.workbook.rows(schema.KPIS), start=1):
            ref = row.text("ref")
            unit = "percent" if row.text("unit") == "%" else units.get(schema.normalise(row.text("unit")))
            if unit is None:
                self.problem(row, "unit", "is not a unit we know: use %, count, days, rate or descriptive.")
                continue
            category = categories.get(schema.normalise(row.text("category")))
            if category is None:
                self.problem(
                    row, "category", "should be how much did we do / how well did we do it / is anyone better off."
                )
                continue
            polarity = "lower" if schema.normalise(row.text("polarity")).startswith("lower") else "higher"
            baseline_value, baseline_text = None, ""
            if unit != "descriptive" and row.get("baseline") is not None:
                number = self.parsed(row, "baseline", parse_number, unit=unit)
                if number is None:
                    continue
                baseline_value = number.value
            else:
                baseline_text = row.text("baseline")
            owner = self.one_officer(row, "owner")
            if owner is False:
                continue
            area = self.areas.get(row.text("area")) if row.text("area") else None
            values = {
                "area": area,
                "measure": row.text("measure"),
                "category": category,
                "unit": unit,
                "polarity": polarity,
                "baseline_value": baseline_value,
                "baseline_text": baseline_text,
                "baseline_date": self.date_of(row, "baseline date") if row.get("baseline date") else None,
                "baseline_qualifier": row.text("baseline qualifier"),
                "owner": owner,
                "data_source": row.text("data source"),
                "comparator_label": row.text("comparator"),
                "comparator_value": None,
            }
            if row.get("comparator value") is not None:
                comparator = self.parsed(row, "comparator value", parse_number, unit=unit)
                if comparator is None:
                    continue
                values["comparator_value"] = comparator.value
            if row.get("tolerance") is not None:
                tolerance = self.parsed(row, "tolerance", parse_number, unit="")
                if tolerance is None:
                    continue
                values["tolerance"] = tolerance.value
            kpi = self.kpis.get(ref)
            if kpi is None:
                kpi = Kpi(plan=self.plan, ref=ref, order=order, **values)
                try:
                    # Its milestones come from the Milestones sheet; without any there, the usual 3, 6 and 12.
                    listed = any(r.text("kpi") == ref for r in self.workbook.rows(schema.MILESTONES))
                    kpi_create(kpi=kpi, by=self.by, milestones=[] if listed else None)
                except ValidationError as error:
                    self.refused(row, error, values=values)
                    continue
                self.result.count("created", "KPI", record=ref, fields=given_values(apply_values(Kpi(), values)))
            elif not self.save(kpi, "KPI", ref, values, row):
                continue
            self.kpis[ref] = kpi

    def milestone_rows(self):
        """(row, kpi, months) for each readable Milestones row."""
        for row in self.workbook.rows(schema.MILESTONES):
            kpi = self.kpis.get(row.text("kpi"))
            if kpi is None:
                self.problem(row, "kpi", "is not a KPI ref in the KPIs sheet or this plan.")
                continue
            try:
                months = int(str(row.get("months")).strip())
            except (TypeError, ValueError):
                self.problem(row, "months", "must be a whole number of months, like 3, 6 or 12.")
                continue
            yield row, kpi, months

    def milestone_targets(self) -> None:
        """Targets first, so that values recorded next are judged against them."""
        for row, kpi, months in self.milestone_rows():
            direction = DIRECTIONS.get(schema.normalise(row.text("target value")))
            if direction is not None and direction != kpi.polarity:
                self.problem(
                    row, "target value", f"is the wrong way: for this KPI {kpi.get_polarity_display().lower()}."
                )
                continue
            target = None
            if row.get("target value") and direction is None:
                target = self.parsed(row, "target value", parse_number, unit=kpi.unit)
                if target is None:
                    continue
            values = {
                "target_text": row.text("target"),
                "target_value": target.value if target else None,
                "target_benchmark": row.text("benchmark"),
                "target_direction": direction is not None,
            }
            milestone = kpi.milestones.filter(months=months).first()
            if milestone is None:
                milestone = milestone_add(kpi=kpi, months=months, by=self.by, **values)
                self.result.count("created", "Milestone", record=f"{kpi.ref} at {months} months")
            else:
                self.save(milestone, "Milestone", f"{kpi.ref} at {months} months", values, row)

    def milestone_assessments(self) -> None:
        """People's ratings, overrides (with their reasons) and commentary, once the values are in."""
        for row, kpi, months in self.milestone_rows():
            milestone = kpi.milestones.get(months=months)
            rag = self.parsed(row, "rag", parse_rag)
            if rag is None:
                continue
            wanted = (rag or milestone.rag, row.text("override reason"), row.text("commentary"))
            if wanted == (milestone.rag, milestone.override_reason, milestone.commentary):
                continue
            try:
                milestone_assess(
                    milestone=milestone,
                    rag=wanted[0],
                    override_reason=wanted[1],
                    commentary=wanted[2],
                    by=self.by,
                    expected_version=milestone.version,
                )
            except ValidationError as error:
                self.refused(row, error, column="rag")

    def measurements_sheet(self) -> None:
        """Values, with their periods as published, status and comparators. Rows for the same KPI and period
        (date and words) are its values in the order recorded: the last is current, the earlier were restated.
        A period new to the plan gets them all; one the plan already holds is restated only if its last row
        differs from the current value, so that importing the same workbook again changes nothing."""
        rows = [parsed for row in self.workbook.rows(schema.MEASUREMENTS) if (parsed := self.measurement_row(row))]
        last_of_period = {parsed["key"]: index for index, parsed in enumerate(rows)}
        new_periods: set[tuple] = set()
        for index, parsed in enumerate(rows):
            row, kpi, key = parsed.pop("row"), parsed.pop("kpi"), parsed.pop("key")
            existing = current_measurement(kpi, parsed["period_date"], parsed["period_label"])
            # A period the plan held before this import: only its last row counts, and only if it differs.
            held = existing is not None and key not in new_periods
            if held and (last_of_period[key] != index or _same_value(existing, parsed)):
                self.result.count("unchanged", "Measurement")
                continue
            try:
                if existing is None:
                    measurement_record(kpi=kpi, by=self.by, **parsed)
                else:
                    # The row's comparators exactly as written (blank is none), unlike a value typed on the page.
                    del parsed["period_date"], parsed["period_label"]
                    measurement_restate(measurement=existing, by=self.by, expected_version=existing.version, **parsed)
            except ValidationError as error:
                self.refused(row, error, column="value")
                continue
            period = key[2] or f"{key[1]:%b %Y}"
            if existing is None:
                new_periods.add(key)
                self.result.count(
                    "created", "Measurement", record=f"{kpi.ref} for {period}", fields=[_value_change(None, parsed)]
                )
            else:
                self.result.count(
                    "changed", "Measurement", record=f"{kpi.ref} for {period}", fields=[_value_change(existing, parsed)]
                )

    def measurement_row(self, row: Row) -> dict | None:
        """A Measurements row read into measurement_record's arguments (with the row, its KPI and its period key),
        or None, with the problems recorded, when a cell cannot be read."""
        kpi = self.kpis.get(row.text("kpi"))
        if kpi is None:
            self.problem(row, "kpi", "is not a KPI ref in the KPIs sheet or this plan.")
            return None
        period_date = self.date_of(row, "date")
        if period_date is None:
            if row.get("date") is None:
                self.problem(row, "date", "needs the date the value describes.")
            return None
        value_text, number = "", None
        if kpi.is_numeric:
            number = self.parsed(row, "value", parse_number, unit=kpi.unit)
            if number is None:
                return None
        else:
            value_text = row.text("value")
        status = Measurement.Status.PROJECTED if number and number.projected else Measurement.Status.ACTUAL
        if row.get("status"):
            status = {s.value: s.value for s in Measurement.Status}.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be actual, provisional or projected.")
                return None
        comparators = {}
        for name, column in (
            ("england_value", "england"),
            ("neighbours_value", "statistical neighbours"),
            ("region_value", "region"),
        ):
            comparators[name] = None
            if row.get(column) is not None:
                comparator = self.parsed(row, column, parse_number, unit=kpi.unit)
                if comparator is None:
                    return None
                comparators[name] = comparator.value
        recorded_at = None
        if row.get("recorded on"):
            recorded_on = self.date_of(row, "recorded on")
            if recorded_on is None:
                return None
            recorded_at = timezone.make_aware(datetime.combine(recorded_on, time(12)))
        period_label = " ".join(row.text("period label").split())
        return {
            "row": row,
            "kpi": kpi,
            "key": (kpi.pk, period_date, period_label),
            "period_date": period_date,
            "period_label": period_label,
            "value": number.value if number else None,
            "value_text": value_text,
            "note": row.text("note"),
            "status": status,
            "comparators": comparators,
            "recorded_at": recorded_at,
        }
