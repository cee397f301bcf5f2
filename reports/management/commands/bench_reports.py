"""Benchmark: assemble and render the termly report of an N-action plan. Prints a table; not a test."""

import io
import re
import subprocess
import time
from datetime import date

from django.core.management.base import BaseCommand
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from actions.models import Action, Plan, ProgressUpdate, Rag, ReportingPeriod
from reports.content import report_content
from reports.rendering import render_body, render_pdf
from workbooks.importer import import_workbook
from workbooks.management.commands.bench_import import bench_workbook

RATINGS = [Rag.GREEN, Rag.AMBER, Rag.BLUE, Rag.RED, Rag.GREEN, Rag.AMBER]
# About the length of a real lead's termly narrative (seed 002: two to four sentences each).
PROGRESS = (
    "The working group met twice this term and agreed the new process with schools and health partners. "
    "Training for SENCOs took place in every locality, with 46 settings attending."
)
IMPACT = "Families tell us they understand who to contact; complaints about communication fell from 14 to 6."


def bench_plan(actions: int) -> tuple[Plan, ReportingPeriod]:
    result = import_workbook(io.BytesIO(bench_workbook(actions)), by=None, dry_run=False)
    assert result.ok, result.problems[:3]
    plan = Plan.objects.get(slug="bench-plan")
    period = ReportingPeriod.objects.create(
        plan=plan, name="Bench term", start=date(2019, 9, 1), end=date(2019, 12, 31), status="closed"
    )
    updates = []
    for i, action in enumerate(Action.objects.filter(area__plan=plan)):
        rag = RATINGS[i % len(RATINGS)]
        updates.append(
            ProgressUpdate(
                action=action,
                period=period,
                rag=rag,
                progress=PROGRESS,
                impact=IMPACT,
                recovery_note="Extra caseworkers from January." if rag == Rag.RED else "",
                completion_date=date(2019, 12, 1) if rag == Rag.BLUE else None,
            )
        )
    bulk_create_with_history(updates, ProgressUpdate)
    return plan, period


class Command(BaseCommand):
    help = "Time assembling and rendering (HTML, PDF/UA) the termly report of N-action plans."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, nargs="+", default=[50, 500])

    def handle(self, *args, **options):
        self.stdout.write("| actions | assemble (s) | HTML page (s) | PDF/UA (s) | PDF pages | PDF size (KB) |")
        self.stdout.write("|---:|---:|---:|---:|---:|---:|")
        for n in options["actions"]:
            with transaction.atomic():
                plan, period = bench_plan(n)
                started = time.perf_counter()
                content = report_content(plan, period)
                assembled = time.perf_counter()
                render_body(content, draft=False)
                html = time.perf_counter()
                pdf = render_pdf(content, draft=False)
                done = time.perf_counter()
                transaction.set_rollback(True)  # leave the database as it was
            info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, text=False, check=True).stdout
            pages = re.search(rb"Pages:\s+(\d+)", info).group(1).decode()
            self.stdout.write(
                f"| {n} | {assembled - started:.2f} | {html - assembled:.2f} | {done - html:.2f} | {pages} "
                f"| {len(pdf) // 1024} |"
            )
