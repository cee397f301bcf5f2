"""Every benchmark in one run (`make bench`): pages, termly report, workbook import, load. See docs/benchmarks.md.

Each plan size is measured on a database of its own: the database is emptied (flush) and the bench plan seeded
again, since My actions and the action list span every plan, and a second plan's history would make the first
size's tables bigger. The load test, then the saturation test (no think time), run last, against the largest plan.
"""

import logging
import os
import platform
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from actions.models import Plan
from benchmarks.doc import Run, markdown, write_into
from benchmarks.imports import time_tracker_import, time_workbook_import
from benchmarks.load import THINK_TIME, run_load
from benchmarks.pages import measure_pages
from benchmarks.report import measure_report
from benchmarks.seed import seed_bench
from workbooks.management.commands.bench_import import time_import

PARTS = ["import", "pages", "report", "load", "saturation"]
# Saturation (issue 16): 20 people clicking with no pause, against the same 2 workers: the most pages it gives.
SATURATION_PEOPLE = 20


class Command(BaseCommand):
    help = (
        "Run the benchmarks on an EMPTY database (it is flushed between sizes): page queries and server times, "
        "the termly report, the workbook import and a load test. Prints Markdown tables."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, nargs="+", default=[50, 500], help="plan sizes, smallest first")
        parser.add_argument("--parts", default=",".join(PARTS), help=f"comma-separated, of {', '.join(PARTS)}")
        parser.add_argument("--runs", type=int, default=15, help="timed requests per page (after 2 warm-ups)")
        parser.add_argument("--report-runs", type=int, default=2, help="runs of each report timing (fastest kept)")
        parser.add_argument("--people", type=int, default=50, help="simulated people in the load test")
        parser.add_argument("--seconds", type=int, default=60, help="length of the load test's measured window")
        parser.add_argument("--spawn-rate", type=float, default=1, help="people starting (signing in) per second")
        parser.add_argument(
            "--think", type=float, nargs=2, default=list(THINK_TIME), metavar=("MIN", "MAX"), help="seconds per page"
        )
        parser.add_argument(
            "--saturation-people", type=int, default=SATURATION_PEOPLE, help="people in the saturation test"
        )
        parser.add_argument(
            "--import-actions",
            type=int,
            nargs="*",
            default=[],
            help="also preview and import trackers and workbooks of these many actions, new and next term (issue 18)",
        )
        parser.add_argument("--write", metavar="FILE", help="also write the tables into FILE between its markers")

    def handle(self, *args, **options):
        parts = [p.strip() for p in options["parts"].split(",") if p.strip()]
        unknown = set(parts) - set(PARTS)
        if unknown:
            raise CommandError(f"Unknown part(s): {', '.join(sorted(unknown))}. Choose from {', '.join(PARTS)}.")
        sizes = sorted(options["actions"])
        if Plan.objects.exists():
            raise CommandError("bench needs an empty database: it seeds plans and flushes between sizes.")
        # WeasyPrint reports its progress page by page at INFO: hundreds of lines per report.
        logging.getLogger("weasyprint").setLevel(logging.WARNING)
        run = Run(machine=_machine(), sizes=sizes, load_before=_load_average())

        if "import" in parts:
            for n in sizes:
                first, again = time_import(n)
                run.imports.append((n, first, again))
                self.stdout.write(f"import: {n} actions in {first:.2f} s, again in {again:.2f} s")
        for n in options["import_actions"]:
            for timer in (time_tracker_import, time_workbook_import):
                figures = timer(n)
                run.import_figures.append(figures)
                self.stdout.write(
                    f"import: {figures.kind} of {n} actions: preview {figures.first_preview.seconds:.2f} s "
                    f"(its page {figures.preview_page.seconds:.2f} s) "
                    f"({figures.first_preview.queries} queries), import {figures.first_import.seconds:.2f} s "
                    f"({figures.first_import.queries} queries), next term {figures.next_import.seconds:.2f} s "
                    f"({figures.next_import.queries} queries)"
                )
        bench = None
        for i, n in enumerate(sizes):
            last_and_loaded = i == len(sizes) - 1 and {"load", "saturation"} & set(parts)
            if not {"pages", "report"} & set(parts) and not last_and_loaded:
                continue
            if bench is not None:
                call_command("flush", interactive=False, verbosity=0)
            started = time.perf_counter()
            try:
                bench = seed_bench(actions=n)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            run.seeded_s[n] = time.perf_counter() - started
            _analyze()
            self.stdout.write(f"seeded {n} actions in {run.seeded_s[n]:.1f} s")
            if "pages" in parts:
                run.pages[n] = measure_pages(bench, runs=options["runs"])
                for t in run.pages[n]:
                    self.stdout.write(
                        f"pages: {n} actions, {t.label}: {t.queries} queries, {t.median_ms:.0f} ms "
                        f"(CPU {t.cpu_median_ms:.0f} ms)"
                    )
            if "report" in parts:
                report = measure_report(bench, actions=n, runs=options["report_runs"])
                run.reports.append(report)
                self.stdout.write(
                    f"report: {n} actions, publish {report.total_s:.2f} s, WeasyPrint {report.weasyprint_s:.2f} s "
                    f"({report.pages_per_s:.1f} pages/s)"
                )
        if "load" in parts:
            run.load = run_load(
                bench,
                people=options["people"],
                seconds=options["seconds"],
                spawn_rate=options["spawn_rate"],
                think=tuple(options["think"]),
                log=self.stdout.write,
            )
        if "saturation" in parts:
            run.saturation = run_load(
                bench,
                people=options["saturation_people"],
                seconds=options["seconds"],
                # Sign-ins are a second of CPU each: spawned faster, they still queue for the 2 workers.
                spawn_rate=max(options["spawn_rate"], 2),
                think=(0, 0),
                log=self.stdout.write,
            )
        run.load_after = _load_average()

        text = markdown(run)
        self.stdout.write("")
        self.stdout.write(text)
        if options["write"]:
            path = Path(options["write"])
            write_into(path if path.is_absolute() else Path(settings.BASE_DIR) / path, text)
            self.stdout.write(f"Written into {options['write']}.")


def _analyze() -> None:
    """Fresh planner statistics for the new rows, as autovacuum would gather within a minute of a bulk load."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    database = connection.vendor
    if database == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    stamp = timezone.now().strftime("%Y-%m-%d %H:%M UTC")
    return f"{stamp}; {os.cpu_count()} cores ({cpu}); {database}; Python {platform.python_version()}."


def _load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"
