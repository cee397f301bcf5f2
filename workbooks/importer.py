"""Import a plan workbook: all or nothing, with a preview that is the real import rolled back.

`import_workbook(file, by=user, dry_run=True)` reads and validates every sheet, then applies the whole workbook
inside one transaction by the rules the app's services keep, collecting what it created, changed and left alone.
With problems, or on a dry run, the transaction is rolled back: the preview shows exactly what confirming will do,
and one bad cell imports nothing.

This module holds what every sheet shares (problems, parsing a cell, saving a record, the order of the sheets);
each kind of record is read by its own module in workbooks/importing/ (plan and areas, people, actions with their
periods and updates, KPIs, risks), mixed into `_Importer`. Actions and updates are written together at the end
(workbooks/batch.py, decision 0028). Reading a file and finding its header and columns is workbooks/reader.py and
workbooks/tracker/.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from actions.locking import save_versioned
from actions.models import Action, AreaOfWeakness, Officer, Organisation, Outcome, Plan, ReportingPeriod
from kpis.models import Kpi
from workbooks import schema
from workbooks.batch import ActionWrites
from workbooks.importing.actions import ActionRows
from workbooks.importing.kpis import KpiRows
from workbooks.importing.people import PeopleRows
from workbooks.importing.plan import PlanRows
from workbooks.importing.result import OTHER_CHANGES, ImportResult
from workbooks.importing.risks import RiskRows
from workbooks.importing.values import apply_values, given_values
from workbooks.own_fields import OwnFieldsImport
from workbooks.parsing import ParseError, parse_due
from workbooks.reader import Problem, Row, Workbook, read_workbook

__all__ = ["ImportResult", "OTHER_CHANGES", "import_workbook", "workbook_rows"]

# Each sheet's rows name one record each: (sheet, the columns that name it, what to call it in a problem).
UNIQUE_ROWS = (
    (schema.AREAS, ("ref",), "area"),
    (schema.ACTIONS, ("ref",), "action"),
    (schema.PERIODS, ("period",), "period"),
    (schema.UPDATES, ("action", "period"), "update of action {} for {}"),
    (schema.KPIS, ("ref",), "KPI"),
    (schema.RISKS, ("ref",), "risk"),
)


class _Abort(Exception):
    """Raised inside the transaction to roll it back (problems found, or a dry run)."""


class _Importer(PeopleRows, PlanRows, ActionRows, KpiRows, RiskRows):
    """One import: the helpers every sheet uses, and the order the sheets are read in (run). Each kind of record
    is read by its own module (workbooks/importing/)."""

    def __init__(self, workbook, *, by, result: ImportResult):
        self.workbook = workbook
        self.by = by
        self.result = result
        self.plan: Plan | None = None
        self.areas: dict[str, AreaOfWeakness] = {}
        self.actions: dict[str, Action] = {}
        self.kpis: dict[str, Kpi] = {}
        self.action_rows: dict[str, Row] = {}
        self.organisations: dict[str, Organisation] = {}
        self.placeholder_cells: set[tuple[str, int, str]] = set()  # (sheet, row, column) holding only "TBC"s
        self.stage_words: dict[str, str] = {}  # the plan's own words for the stages -> their codes
        self.own_fields = OwnFieldsImport(self)  # the Fields sheet and the value columns it defines
        self.officers: dict[tuple[str, str, str], Officer] = {}  # each lead as written, read once
        self.periods: dict[str, ReportingPeriod] = {}  # the plan's periods by name, casefolded
        self.outcomes: dict[int, list[Outcome]] = {}  # each area's outcomes, read once
        self.writes: ActionWrites | None = None  # the actions and updates, written together (plan_sheet makes it)
        # Each action row's own-field values, waiting for the action to be written.
        self.own_field_values: list[tuple[Row, Action, dict[int, str]]] = []

    # --- helpers -----------------------------------------------------------------------------------------
    def problem(self, row: Row, column: str, reason: str, value=None) -> None:
        problem = row.problem(column, reason, value)
        if problem not in self.result.problems:  # a cell read twice (e.g. a rating) is reported once
            self.result.problems.append(problem)

    def refused(self, row: Row, error: ValidationError, *, column: str = "", values=None, rename=None) -> None:
        """A service refused the row: each message becomes a problem on the column it is about."""
        for name, messages in error.message_dict.items():
            target = column or (rename or {}).get(name, name)
            shown = (values or {}).get(name) if values else row.get(target)
            self.problem(row, target, " ".join(messages), "" if shown is None else shown)

    def parsed(self, row: Row, column: str, parser, **kwargs):
        """Parse one cell; a value we cannot read is a problem, never a guess."""
        try:
            return parser(row.get(column), **kwargs)
        except ParseError as error:
            self.problem(row, column, str(error))
            return None

    def save(self, instance, label: str, ref: str, values: dict, row: Row) -> bool:
        """Create or update `instance` with `values` through the locking save; record what happened."""
        new = instance.pk is None
        changed = apply_values(instance, values)
        if not new and not changed:
            self.result.count("unchanged", label)
            return True
        try:
            save_versioned(instance, expected_version=instance.version, by=self.by)
        except ValidationError as error:
            self.refused(row, error, values=values)
            return False
        self.result.count(
            "created" if new else "changed", label, record=ref, fields=given_values(changed) if new else changed
        )
        return True

    def date_of(self, row: Row, column: str) -> date | None:
        due = self.parsed(row, column, parse_due)
        if due is None:
            return None
        if due.kind not in ("day", "month", "none"):
            self.problem(row, column, "needs a date, like 31/03/2020 or March 2020.")
            return None
        return due.date

    def repeated_rows(self) -> None:
        """Two rows naming the same record would silently leave only the second: refuse them, naming both. A row
        that repeats another exactly (pasted twice) says nothing new: it is read once, with a warning."""
        for sheet, columns, label in UNIQUE_ROWS:
            first: dict[tuple, Row] = {}
            kept: list[Row] = []
            for row in self.workbook.rows(sheet):
                key = tuple(row.text(c).casefold() if c == "period" else row.text(c) for c in columns)
                earlier = first.get(key) if all(key) else None
                if earlier is None:
                    if all(key):
                        first[key] = row
                    kept.append(row)
                    continue
                shown = label.format(*(row.text(c) for c in columns)) if "{}" in label else f"{label} {key[0]}"
                where = (
                    f"row {earlier.number}" if earlier.sheet == row.sheet else f"{earlier.sheet} row {earlier.number}"
                )
                if (row.cells, row.extra) == (earlier.cells, earlier.extra):
                    self.result.warnings.append(
                        f"{row.sheet} row {row.number}, column {row.headers.get(columns[0], columns[0])}: repeats "
                        f"the {shown} of {where} exactly, so it was read once: delete one of the rows."
                    )
                    continue
                self.problem(row, columns[0], f"repeats the {shown} of {where}: keep one of the rows.")
                kept.append(row)
            if sheet.name in self.workbook.sheets:
                self.workbook.sheets[sheet.name] = kept

    # --- sheets ------------------------------------------------------------------------------------------

    def run(self, progress: Progress | None = None) -> None:
        plan_read = self.plan_sheet()
        self.repeated_rows()
        if not plan_read:
            return
        steps = [
            ("areas", self.areas_sheet),
            ("actions", self.actions_sheet),
            ("reporting periods", self.periods_sheet),
            ("progress updates", self.updates_sheet),
            ("post holders", self.post_holders_sheet),
            ("current ratings", self.current_ratings),
            ("action states", self.action_states),
            ("writing actions and updates", self.write_actions),
            ("KPIs", self.kpis_sheet),
            ("KPI milestones", self.milestone_targets),
            ("KPI measurements", self.measurements_sheet),
            ("milestone assessments", self.milestone_assessments),
            ("risks", self.risks_sheet),
            ("partner organisations", self.partner_organisations),
        ]
        for done, (what, step) in enumerate(steps):
            if progress is not None:
                progress(what, done, len(steps))
            step()


# Told what the import is doing as it goes (a background job shows it): the part, steps done, steps in all.
Progress = Callable[[str, int, int], None]


def workbook_rows(workbook: Workbook) -> int:
    """How many data rows a read workbook holds in all: what decides whether it is imported in the background."""
    return sum(len(rows) for rows in workbook.sheets.values())


def import_workbook(
    file, *, by, dry_run: bool = True, progress: Progress | None = None, workbook: Workbook | None = None
) -> ImportResult:
    """Validate and apply a workbook in one transaction; roll back on any problem or on a dry run. `workbook` is
    the file already read (read_workbook), when the caller has read it to decide where to import it."""
    workbook = workbook or read_workbook(file)
    result = ImportResult(problems=list(workbook.problems), warnings=list(workbook.warnings))
    if result.problems:
        return result
    try:
        with transaction.atomic():
            _Importer(workbook, by=by, result=result).run(progress)
            if result.problems or dry_run:
                raise _Abort
    except _Abort:
        pass
    except ValidationError as error:
        # A rule a service checked that no row-level check caught first: still a refusal, never a crash.
        result.problems.append(Problem("(workbook)", None, "", "", f"could not be saved as a whole: {error}"))
    except DatabaseError as error:
        # The services validate first, so this is a rule only the database knew: refuse, never half-import.
        result.problems.append(Problem("(workbook)", None, "", "", f"could not be saved as a whole: {error}"))
    else:
        result.applied = True
    return result
