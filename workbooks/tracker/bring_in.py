"""Bringing in an area's own tracker, end to end: read it, map its columns (a saved mapping first, then proposals),
turn it into the plan workbook and import that all or nothing (decision 0024). Used by `manage.py import_plan`
and, once built, the mapping page."""

from __future__ import annotations

from workbooks.importer import ImportResult, import_workbook
from workbooks.tracker.mapping import Mapping, proposals_for
from workbooks.tracker.tables import read_tracker
from workbooks.tracker.translate import PlanFacts, tracker_workbook


def tracker_mapping(file, *, filename: str = "", saved: Mapping | None = None) -> tuple[list, Mapping, ImportResult]:
    """The tracker's tables, the mapping to confirm (each heading as `saved` says, else proposed) and a result
    holding what stops the file being read at all (problems) and the sheets left out (warnings)."""
    read = read_tracker(file, filename=filename)
    result = ImportResult(problems=list(read.problems))
    skip = set(saved.skip) if saved else set()
    tables = [table for table in read.tables if table.sheet not in skip]
    result.warnings += [f"Sheet “{sheet}” was left out: {why}" for sheet, why in read.skipped]
    result.warnings += [f"Sheet “{sheet}” was left out, as the mapping says." for sheet in sorted(skip)]
    mapping = Mapping(sheets={table.sheet: proposals_for(table, saved) for table in tables}, skip=sorted(skip))
    return tables, mapping, result


def tracker_import(
    file, *, filename: str = "", facts: PlanFacts, by, saved: Mapping | None = None, dry_run: bool = True
) -> tuple[ImportResult, Mapping]:
    """Import the tracker (a dry run unless told otherwise): the importer's result, with the mapping it used."""
    tables, mapping, read = tracker_mapping(file, filename=filename, saved=saved)
    if read.problems:
        return read, mapping
    result = import_workbook(None, by=by, dry_run=dry_run, workbook=tracker_workbook(tables, mapping.sheets, facts))
    result.warnings = read.warnings + result.warnings
    return result, mapping
