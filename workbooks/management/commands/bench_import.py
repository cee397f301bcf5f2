"""Benchmark: import an N-action workbook (and re-import it unchanged). Prints a table; not a test."""

import io
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from openpyxl import Workbook

from actions.models import Plan
from workbooks.importer import import_workbook

LEADS = [
    "Head of SEND (Jo Bloggs)",
    "Designated Clinical Officer (DCO) (Sam Patel)",
    "Service Leader, CYPDS;",
    "Head of Commissioning (Lee Wong) & SENDIASS Manager (Ann Rees)",
]
DUES = ["March 2020", "Sept 19", "Immediate", "ongoing", "Apr 19 - Jul 19", "31/03/2021", "Termly, beginning Dec 2017"]


def plan_and_areas(*, slug: str, title: str, start: str, areas: int) -> Workbook:
    """A bench workbook's Plan and Areas sheets (Benchshire's plan of `areas` areas of weakness), for the benchmark
    to add its Actions and other sheets to."""
    book = Workbook()
    book.remove(book.active)
    plan = book.create_sheet("Plan")
    for row in [
        ["field", "value"],
        ["slug", slug],
        ["local area", "Benchshire"],
        ["title", title],
        ["type", "WSoA"],
        ["start date", start],
    ]:
        plan.append(row)
    sheet = book.create_sheet("Areas")
    sheet.append(["ref", "title", "findings"])
    for a in range(1, areas + 1):
        sheet.append([str(a), f"Area of weakness {a}", f"Inspectors found weakness {a}."])
    return book


def bench_workbook(actions: int, areas: int = 10) -> bytes:
    book = plan_and_areas(slug="bench-plan", title="Bench plan", start="01/09/2019", areas=areas)
    sheet = book.create_sheet("Actions")
    sheet.append(["area", "ref", "action", "leads", "due"])
    for i in range(actions):
        area = i % areas + 1
        sheet.append([str(area), f"{area}.{i}", f"Action {i}: improve the EHCP timeline", LEADS[i % 4], DUES[i % 7]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def time_import(actions: int) -> tuple[float, float]:
    """Seconds to import an N-action workbook into the database, then to import it again unchanged. Leaves the
    database as it was."""
    content = bench_workbook(actions)
    with transaction.atomic():
        started = time.perf_counter()
        first = import_workbook(io.BytesIO(content), by=None, dry_run=False)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        import_workbook(io.BytesIO(content), by=None, dry_run=False)
        again_s = time.perf_counter() - started
        assert first.ok, first.problems[:3]
        transaction.set_rollback(True)  # leave the database as it was
    assert not Plan.objects.filter(slug="bench-plan").exists()
    return first_s, again_s


class Command(BaseCommand):
    help = "Time the import of an N-action workbook (first import, then the same workbook again)."

    def add_arguments(self, parser):
        parser.add_argument("--actions", type=int, nargs="+", default=[50, 500])

    def handle(self, *args, **options):
        self.stdout.write("| actions | first import (s) | re-import, unchanged (s) |")
        self.stdout.write("|---:|---:|---:|")
        for n in options["actions"]:
            first_s, again_s = time_import(n)
            self.stdout.write(f"| {n} | {first_s:.2f} | {again_s:.2f} |")
