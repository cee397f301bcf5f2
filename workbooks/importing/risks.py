"""The Risks sheet."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from risks.models import Risk
from risks.services import risk_save
from workbooks import schema
from workbooks.importing.values import apply_values, given_values
from workbooks.parsing import parse_band, parse_score


class RiskRows:
    """The plan's risk register."""

    def risks_sheet(self) -> None:
        statuses = {"open": "open", "closed": "closed", "": "open"}
        existing = {r.ref: r for r in self.plan.risks.all()}
        for row in self.workbook.rows(schema.RISKS):
            ref = row.text("ref")
            likelihood = self.parsed(row, "likelihood", parse_score)
            impact = self.parsed(row, "impact", parse_score)
            severity = self.parsed(row, "severity", parse_band)
            owner = self.one_officer(row, "owner")
            status = statuses.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be open or closed.")
            if (
                None in (severity, status)
                or owner is False
                or any(
                    v is None and row.get(c) is not None for v, c in ((likelihood, "likelihood"), (impact, "impact"))
                )
            ):
                continue
            if owner is None:
                self.problem(row, "owner", "needs an owner.")
                continue
            risk = existing.get(ref) or Risk(plan=self.plan, ref=ref)
            values = {
                "area": self.areas.get(row.text("area")) if row.text("area") else None,
                "risk": row.text("risk"),
                "severity": severity,
                "owner": owner,
                "current_likelihood": likelihood,
                "current_impact": impact,
                "mitigation": row.text("mitigation"),
                "progress": row.text("progress"),
                "status": status,
                # The workbook has no column for the reason: keep the recorded one, or say where it came from.
                "closed_reason": (risk.closed_reason or "Closed in an imported register") if status == "closed" else "",
            }
            if row.get("review date"):
                values["next_review"] = self.date_of(row, "review date")
            new = risk.pk is None
            changed = apply_values(risk, values)
            if not new and not changed:
                self.result.count("unchanged", "Risk")
                continue
            try:
                risk_save(risk=risk, by=self.by, expected_version=risk.version)
            except ValidationError as error:
                self.refused(row, error, values=values)
                continue
            self.result.count(
                "created" if new else "changed", "Risk", record=ref, fields=given_values(changed) if new else changed
            )
