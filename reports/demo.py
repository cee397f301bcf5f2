"""The termly reports of a demo plan file (the `termly_reports` key, see fixtures/demo/SCHEMA.md): started and
submitted by the demo comms officer, approved by the demo chair, published by the comms officer, as the file says."""

from __future__ import annotations

from actions.demo import demo_user, plan_data
from actions.models import Plan
from reports.models import TermlyReport
from reports.services import report_approve, report_create, report_publish, report_submit

# How far along the workflow each demo report goes.
STEPS = [TermlyReport.Status.SUBMITTED, TermlyReport.Status.APPROVED, TermlyReport.Status.PUBLISHED]


def load_demo_reports(plans: list[Plan]) -> None:
    comms, chair = demo_user("comms"), demo_user("chair")
    for plan in plans:
        for spec in plan_data(plan.slug).get("termly_reports", []):
            period = plan.periods.get(name=spec["period"])
            report = report_create(plan=plan, period=period, summary=spec["summary"], by=comms)
            goal = STEPS.index(spec["status"]) if spec["status"] in STEPS else -1
            for step, (service, user) in enumerate(
                [(report_submit, comms), (report_approve, chair), (report_publish, comms)]
            ):
                if step <= goal:
                    report = service(report=report, by=user, expected_version=report.version)
