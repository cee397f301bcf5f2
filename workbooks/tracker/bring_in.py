"""Bringing in an area's own tracker, end to end: read it, map its columns (a saved mapping first, then proposals),
turn it into the plan workbook and import that all or nothing (decision 0024). Used by `manage.py import_plan`
and, once built, the mapping page."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from workbooks import schema
from workbooks.importer import ImportResult, import_workbook
from workbooks.tracker.mapping import KPI_SHEET_WHY, Mapping, holds_kpis, proposals_for, unread_words
from workbooks.tracker.tables import read_tracker
from workbooks.tracker.translate import PlanFacts, tracker_workbook


def is_plan_workbook(content: bytes, filename: str = "") -> bool:
    """A workbook in the app's own format (it has the Plan and Actions sheets), rather than an area's own tracker
    (or a CSV or a Word plan). A file that is not a workbook at all is left to the plan workbook reader, which
    says why."""
    if PurePath(filename).suffix.lower() in (".csv", ".docx"):
        return False
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return PurePath(filename).suffix.lower() != ".xlsm"
    try:
        # Both sheets the contract requires: a tracker may well call its one sheet "Plan".
        return all(any(sheet.matches(title) for title in book.sheetnames) for sheet in (schema.PLAN, schema.ACTIONS))
    finally:
        book.close()


def tracker_proposals(tables, saved: Mapping | None = None) -> Mapping:
    """The mapping to confirm for every table of the file: each heading as `saved` says, else proposed; the sheets
    `saved` leaves out, of those the file has."""
    sheets = {table.sheet for table in tables}
    skip = {sheet for sheet in (saved.skip if saved else []) if sheet in sheets}
    # A sheet of KPIs the saved mapping does not know is proposed left out, saying why (mapping.KPI_SHEET_WHY).
    skip |= {t.sheet for t in tables if holds_kpis(t) and not (saved and t.sheet in saved.sheets)}
    skip = sorted(skip)
    return Mapping(
        sheets={table.sheet: proposals_for(table, saved) for table in tables},
        skip=skip,
        words=dict(saved.words) if saved else {},
    )


def mapping_to_edit(tables, mapping: Mapping) -> Mapping:
    """The mapping with each word it cannot read yet ("On track" in a RAG column) listed under `words` with no
    value (None, null in the file), for the programme manager to give one: an unanswered word refuses the mapping
    saying so, rather than being read as "not rated" unasked."""
    words = {chosen: dict(given) for chosen, given in mapping.words.items()}
    for chosen, unread in unread_words(tables, mapping).items():
        for word in unread:
            words.setdefault(chosen, {}).setdefault(word, None)
    return Mapping(sheets=mapping.sheets, skip=mapping.skip, words=words)


def tracker_mapping(file, *, filename: str = "", saved: Mapping | None = None) -> tuple[list, Mapping, ImportResult]:
    """The tracker's tables to import, the mapping to confirm (each heading as `saved` says, else proposed) and a
    result holding what stops the file being read at all (problems) and the sheets left out (warnings)."""
    read = read_tracker(file, filename=filename)
    result = ImportResult(problems=list(read.problems))
    mapping = tracker_proposals(read.tables, saved)
    tables = [table for table in read.tables if table.sheet not in mapping.skip]
    result.warnings += [f"Sheet “{sheet}” was left out: {why}" for sheet, why in read.skipped]
    result.warnings += read.warnings
    kpi_sheets = {table.sheet for table in read.tables if holds_kpis(table)}
    result.warnings += [
        f"Sheet “{sheet}” was left out: it {KPI_SHEET_WHY}." if sheet in kpi_sheets
        else f"Sheet “{sheet}” was left out, as the mapping says."
        for sheet in mapping.skip
    ]  # fmt: skip
    for sheet in mapping.skip:
        del mapping.sheets[sheet]
    return tables, mapping, result


def tracker_import(
    file,
    *,
    filename: str = "",
    facts: PlanFacts,
    by,
    saved: Mapping | None = None,
    dry_run: bool = True,
    progress=None,
) -> tuple[ImportResult, Mapping]:
    """Import the tracker (a dry run unless told otherwise): the importer's result, with the mapping it used."""
    tables, mapping, read = tracker_mapping(file, filename=filename, saved=saved)
    if read.problems:
        return read, mapping
    workbook = tracker_workbook(tables, mapping.sheets, facts, words=mapping.words)
    result = import_workbook(None, by=by, dry_run=dry_run, workbook=workbook, progress=progress)
    result.warnings = read.warnings + result.warnings
    return result, mapping
