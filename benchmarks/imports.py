"""Benchmark: import an N-action plan, as an area's own tracker and as the app's workbook (issue 18).

Each kind is imported into a new plan, then again next term: the same file a term on (a new round's column or
Updates rows, every third rating moved, every tenth action's wording changed). Each import is previewed first (the
dry run the preview page shows) and then confirmed, as the pages do. Seconds and SQL queries for each; the database
is left as it was (everything runs in one transaction rolled back at the end). Figures, not tests.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from django.db import connection, transaction
from django.template.loader import render_to_string
from openpyxl import Workbook

from workbooks.importer import ImportResult, import_workbook
from workbooks.management.commands.bench_import import plan_and_areas
from workbooks.models import WorkbookUpload
from workbooks.tracker.bring_in import tracker_import
from workbooks.tracker.columns import PeriodGuess
from workbooks.tracker.translate import PlanFacts

AREAS = 10
LEADS = ["Head of SEND", "Designated Clinical Officer", "SEND Service Manager", "Head of Inclusion (Jo Bloggs)"]
RAGS = ["Green", "Amber", "Red", "Amber", "Green"]
AUTUMN = PeriodGuess("Autumn term 2024", date(2024, 9, 1), date(2024, 12, 31))
SPRING = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))
FACTS = PlanFacts(local_area="Benchmoor", title="Bench tracker plan", plan_type="WSoA", start_date=date(2024, 9, 1))


@dataclass
class Timing:
    seconds: float
    queries: int


@dataclass
class ImportFigures:
    kind: str  # "tracker" or "workbook"
    actions: int
    first_preview: Timing
    first_import: Timing
    next_preview: Timing
    next_import: Timing
    preview_page: Timing  # the preview page for the new plan's file, from the check's kept result


def _preview_page(result) -> None:
    """The preview page as its view renders it from a background check's kept result (workbooks.views.preview)."""
    shown = ImportResult.from_json(result.as_json())
    upload = SimpleNamespace(pk=1, filename="tracker.xlsx", status=WorkbookUpload.Status.PREVIEWED)
    render_to_string("workbooks/preview.html", {"upload": upload, "result": shown})


def _rag(i: int, term: int) -> str:
    # Next term every third action's rating moves on.
    return RAGS[(i + (1 if term and i % 3 == 0 else 0)) % len(RAGS)]


def _text(i: int, term: int) -> str:
    reworded = " (reworded)" if term and i % 10 == 0 else ""
    return f"Action {i}: improve the timeliness of EHC plans{reworded}"


def bench_tracker(actions: int, term: int = 0) -> bytes:
    """A council's tracker of `actions` rows: a title row, the header, each area's name on its first action. Next
    term (term=1) adds the new round's update column."""
    book = Workbook()
    sheet = book.active
    sheet.title = "WSoA tracker"
    headers = ["Ref", "Area", "Action", "Lead Officer", "Target Date", "RAG Status", "Update Dec 2024"]
    if term:
        headers.append("Update Mar 2025")
    sheet.append(["Benchmoor SEND Written Statement of Action: progress tracker"])
    sheet.append(headers)
    per_area = -(-actions // AREAS)
    for i in range(actions):
        area, n = divmod(i, per_area)
        title = f"Area of weakness {area + 1}: Theme {area + 1}" if n == 0 else None
        row = [
            f"{area + 1}.{n + 1}",
            title,
            _text(i, term),
            LEADS[i % len(LEADS)],
            datetime(2025 + i % 2, 1 + i % 12, 28),
            _rag(i, term),
            f"Autumn progress on action {i}: the work is under way with partners.",
        ]
        if term:
            row.append(f"Spring progress on action {i}: the work continues.")
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def bench_workbook(actions: int, term: int = 0) -> bytes:
    """The app's own workbook of `actions` actions with an update each per period; next term (term=1) adds a period
    and its updates."""
    book = plan_and_areas(slug="bench-workbook-plan", title="Bench workbook plan", start="01/09/2024", areas=AREAS)
    sheet = book.create_sheet("Actions")
    sheet.append(["area", "ref", "action", "leads", "due"])
    for i in range(actions):
        area = i % AREAS + 1
        sheet.append([str(area), f"{area}.{i}", _text(i, term), LEADS[i % len(LEADS)], "March 2026"])
    periods = [AUTUMN, SPRING] if term else [AUTUMN]
    sheet = book.create_sheet("Periods")
    sheet.append(["period", "start", "end", "status"])
    for p in periods:
        sheet.append([p.name, p.start.strftime("%d/%m/%Y"), p.end.strftime("%d/%m/%Y"), "closed"])
    sheet = book.create_sheet("Updates")
    sheet.append(["action", "period", "rag", "progress", "impact"])
    for t, p in enumerate(periods):
        for i in range(actions):
            area = i % AREAS + 1
            sheet.append([f"{area}.{i}", p.name, _rag(i, t), f"{p.name} progress on action {i}.", "Families see it."])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _timed(call) -> tuple[Timing, object]:
    """Seconds and SQL queries of `call()` (counted as they run: Django's query log keeps only the last 9,000)."""
    count = 0

    def counting(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        result = call()
        seconds = time.perf_counter() - started
    return Timing(seconds, count), result


def _tracker(actions: int, term: int, *, saved, dry_run: bool, by):
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": SPRING if term else AUTUMN})
    data = bench_tracker(actions, term)
    return tracker_import(io.BytesIO(data), filename="tracker.xlsx", facts=facts, by=by, saved=saved, dry_run=dry_run)


def _check(result) -> None:
    assert result.ok, [str(p) for p in result.problems[:3]]


def time_tracker_import(actions: int, by=None) -> ImportFigures:
    """Preview and import a new tracker, then next term's; the database is left as it was."""
    with transaction.atomic():
        first_preview, (result, _) = _timed(lambda: _tracker(actions, 0, saved=None, dry_run=True, by=by))
        _check(result)
        preview_page, _ = _timed(lambda: _preview_page(result))
        first_import, (result, mapping) = _timed(lambda: _tracker(actions, 0, saved=None, dry_run=False, by=by))
        _check(result)
        next_preview, (result, _) = _timed(lambda: _tracker(actions, 1, saved=mapping, dry_run=True, by=by))
        _check(result)
        next_import, (result, _) = _timed(lambda: _tracker(actions, 1, saved=mapping, dry_run=False, by=by))
        _check(result)
        transaction.set_rollback(True)
    return ImportFigures("tracker", actions, first_preview, first_import, next_preview, next_import, preview_page)


def time_workbook_import(actions: int, by=None) -> ImportFigures:
    """Preview and import a new plan workbook, then next term's; the database is left as it was."""
    first, second = bench_workbook(actions, 0), bench_workbook(actions, 1)

    def run(data, dry_run):
        return import_workbook(io.BytesIO(data), by=by, dry_run=dry_run)

    with transaction.atomic():
        first_preview, result = _timed(lambda: run(first, True))
        _check(result)
        preview_page, _ = _timed(lambda: _preview_page(result))
        first_import, result = _timed(lambda: run(first, False))
        _check(result)
        next_preview, result = _timed(lambda: run(second, True))
        _check(result)
        next_import, result = _timed(lambda: run(second, False))
        _check(result)
        transaction.set_rollback(True)
    return ImportFigures("workbook", actions, first_preview, first_import, next_preview, next_import, preview_page)


def markdown(figures: list[ImportFigures]) -> list[str]:
    out = [
        "### Import of N actions (issue 18)",
        "",
        "Preview (the dry run), its page (rendered from the kept result) and import, into a new plan and again next "
        "term; seconds and SQL queries.",
        "",
        "| file | actions | preview (s) | preview page (s) | import (s) | next term preview (s) | next term import (s) "
        "| queries: preview | import | next preview | next import |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        timings = (f.first_preview, f.first_import, f.next_preview, f.next_import)
        seconds = (f.first_preview, f.preview_page, f.first_import, f.next_preview, f.next_import)
        out.append(
            f"| {f.kind} | {f.actions} | "
            + " | ".join(f"{t.seconds:.2f}" for t in seconds)
            + " | "
            + " | ".join(f"{t.queries:,}" for t in timings)
            + " |"
        )
    return out + [""]
