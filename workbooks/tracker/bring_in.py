"""Bringing in an area's own tracker, end to end: read it, map its columns (a saved mapping first, then proposals),
turn it into the plan workbook and import that all or nothing (decision 0024). Used by `manage.py import_plan`
and, once built, the mapping page."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from workbooks import schema
from workbooks.importer import ImportResult, import_workbook
from workbooks.tracker.mapping import Mapping, proposals_for
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
    skip = sorted(sheet for sheet in (saved.skip if saved else []) if sheet in sheets)
    return Mapping(
        sheets={table.sheet: proposals_for(table, saved) for table in tables},
        skip=skip,
        words=dict(saved.words) if saved else {},
    )


def tracker_mapping(file, *, filename: str = "", saved: Mapping | None = None) -> tuple[list, Mapping, ImportResult]:
    """The tracker's tables to import, the mapping to confirm (each heading as `saved` says, else proposed) and a
    result holding what stops the file being read at all (problems) and the sheets left out (warnings)."""
    read = read_tracker(file, filename=filename)
    result = ImportResult(problems=list(read.problems))
    mapping = tracker_proposals(read.tables, saved)
    tables = [table for table in read.tables if table.sheet not in mapping.skip]
    result.warnings += [f"Sheet “{sheet}” was left out: {why}" for sheet, why in read.skipped]
    result.warnings += read.warnings
    result.warnings += [f"Sheet “{sheet}” was left out, as the mapping says." for sheet in mapping.skip]
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
