"""Render a plan's termly report for one reporting period to a PDF file, e.g.

    python manage.py render_report rbwm-wsoa-2017 "June 18" --out june-18.pdf

A published report is written exactly as published (the stored bytes). Otherwise the report is rendered now, from
the records as they stood when the period's round closed (or as they stand, while it is open), marked DRAFT.
"""

import hashlib
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from actions.models import Plan, ReportingPeriod
from reports.content import period_closed_at, report_content
from reports.models import PublishedFile, TermlyReport
from reports.rendering import render_pdf
from reports.services import report_content_for


class Command(BaseCommand):
    help = "Render the termly report of PLAN (its slug) for PERIOD (its name) to a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's slug, as in its web address.")
        parser.add_argument("period", help='The reporting period\'s name, e.g. "Spring term 2026".')
        parser.add_argument("--out", required=True, type=Path, help="Where to write the PDF.")

    def handle(self, *args, plan, period, out, **options):
        try:
            plan_row = Plan.objects.get(slug=plan)
        except Plan.DoesNotExist:
            raise CommandError(f"No plan with the slug “{plan}”.") from None
        try:
            period_row = plan_row.periods.get(name=period)
        except ReportingPeriod.DoesNotExist:
            names = ", ".join(f"“{p.name}”" for p in plan_row.periods.order_by("start"))
            raise CommandError(f"{plan_row} has no period “{period}”. Its periods: {names}.") from None

        started = time.perf_counter()
        report = TermlyReport.objects.filter(plan=plan_row, period=period_row).order_by("-number").first()
        if report is not None and report.is_published:
            pdf, what = bytes(PublishedFile.objects.get(report=report).pdf), f"published version {report.number}"
        elif report is not None:
            pdf = render_pdf(report_content_for(report), report, draft=True)
            what = f"version {report.number} ({report.get_status_display().lower()}), marked DRAFT"
        else:
            content = report_content(plan_row, period_row, as_at=period_closed_at(period_row))
            pdf, what = render_pdf(content, draft=True), "no report started yet, so marked DRAFT"
        out.write_bytes(pdf)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Wrote {out} ({len(pdf):,} bytes, {what}) in {seconds:.1f} s. SHA-256 {hashlib.sha256(pdf).hexdigest()}"
        )
