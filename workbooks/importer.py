"""Import a plan workbook: all or nothing, with a preview that is the real import rolled back.

`import_workbook(file, by=user, dry_run=True)` reads and validates every sheet, then applies the whole workbook
inside one transaction through the same services the app uses, collecting what it created, changed and left
alone. With problems, or on a dry run, the transaction is rolled back: the preview shows exactly what
confirming will do, and one bad cell imports nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify

from actions.locking import readable_value, save_versioned
from actions.models import (
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Stage,
)
from actions.selectors import plan_organisation_ids
from actions.services import (
    UNCHANGED,
    narrative_missing,
    post_holder_record,
)
from kpis.models import Kpi, Measurement
from kpis.services import (
    current_measurement,
    kpi_create,
    measurement_record,
    measurement_restate,
    milestone_add,
    milestone_assess,
)
from risks.models import Risk
from risks.services import risk_save
from workbooks import schema
from workbooks.batch import ActionWrites, StaleImport
from workbooks.changes import FieldChange, LeadsRead, OfficerRead, RecordChange
from workbooks.own_fields import OwnFieldsImport
from workbooks.parsing import (
    Lead,
    ParseError,
    is_placeholder_lead,
    organisation_lead,
    parse_area_kind,
    parse_band,
    parse_due,
    parse_leads,
    parse_number,
    parse_percent_complete,
    parse_rag,
    parse_score,
    parse_stage,
    stage_words,
)
from workbooks.reader import Problem, Row, Workbook, read_workbook

PLAN_TYPES = {
    "wsoa": Plan.PlanType.WSOA,
    "writtenstatementofaction": Plan.PlanType.WSOA,
    "app": Plan.PlanType.APP,
    "acceleratedprogressplan": Plan.PlanType.APP,
    "pap": Plan.PlanType.PAP,
    "priorityactionplan": Plan.PlanType.PAP,
    "improvementplan": Plan.PlanType.IMPROVEMENT,
    "improvement": Plan.PlanType.IMPROVEMENT,
    "strategicactionplan": Plan.PlanType.IMPROVEMENT,
}


# Where the preview lists changes kept as lines of words, by a result checked before changes had fields.
OTHER_CHANGES = "Other changes"


@dataclass
class ImportResult:
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    changes: list[RecordChange] = field(default_factory=list)  # every record created or changed, field by field
    applied: bool = False
    leads_read: list[LeadsRead] = field(default_factory=list)  # each action's leads cell and who it was read as
    # (record type, record) of each record created, so "is it new?" is asked of a set, not of every change.
    _created: set[tuple[str, str]] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> list[tuple[str, int, int, int]]:
        """(record type, created, changed, unchanged) for the preview table."""
        labels = sorted(set(self.created) | set(self.changed) | set(self.unchanged))
        return [(label, self.created[label], self.changed[label], self.unchanged[label]) for label in labels]

    def count(
        self, kind: str, label: str, line: str = "", *, record: str = "", fields: list[FieldChange] | tuple = ()
    ) -> None:
        """Count a record created, changed or left as it is; a created or changed one is listed with its fields
        (`record` names it; `line` says in words what no field says)."""
        getattr(self, kind)[label] += 1
        if kind != "unchanged" and (line or record or fields):
            self.changes.append(RecordChange(kind, label, record, tuple(fields), line))
            if kind == "created":
                self._created.add((label, record))

    def read_leads(self, row: Row, officers: list[Officer] | None) -> None:
        """Keep an action's leads cell as written and the officers it was read as, for the preview."""
        if officers is None:  # the cell could not be read: its problem says why
            return
        # The officers come with their organisation (_Importer.officer reads it with them): no query per action.
        named = [(o, o.organisation.name if o.organisation_id else "") for o in officers]
        read = tuple(
            OfficerRead(
                o.post_title,
                o.person_name,
                organisation,
                new=self.created_here("Officer", str(o)),
                new_organisation=self.created_here("Organisation", organisation),
            )
            for o, organisation in named
        )
        self.leads_read.append(LeadsRead(row.sheet, row.number, row.text("ref"), row.text("leads"), read))

    def created_here(self, label: str, record: str) -> bool:
        """This import creates the record: its later changes are part of its creation, not changes."""
        return (label, record) in self._created

    @property
    def changes_by_type(self) -> list[tuple[str, list[RecordChange], list[RecordChange]]]:
        """(record type, created, changed) for the preview, types in the summary's order; changes kept as lines
        of words (a result from before changes had fields) come last, under "Other changes"."""
        types = dict.fromkeys(c.record_type or OTHER_CHANGES for c in self.changes)
        return [
            (
                label,
                [c for c in self.changes if (c.record_type or OTHER_CHANGES) == label and c.kind != "changed"],
                [c for c in self.changes if (c.record_type or OTHER_CHANGES) == label and c.kind == "changed"],
            )
            for label in sorted(types, key=lambda t: (t == OTHER_CHANGES, t))
        ]

    def as_json(self) -> dict:
        """The result as JSON, kept with a staged upload when its check ran as a background job."""
        return {
            "plan": self.plan.pk if self.plan and self.plan.pk else None,
            # A new plan's preview was rolled back: its words are kept to name it on the page.
            "plan_words": [self.plan.local_area, self.plan.title] if self.plan else None,
            "problems": [[p.sheet, p.row, p.column, p.value, p.reason] for p in self.problems],
            "warnings": self.warnings,
            "created": dict(self.created),
            "changed": dict(self.changed),
            "unchanged": dict(self.unchanged),
            "changes": [change.as_json() for change in self.changes],
            "applied": self.applied,
            "leads_read": [read.as_json() for read in self.leads_read],
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        """The kept result back. A new plan's preview was rolled back: its plan is an unsaved one, for its name."""
        plan = Plan.objects.filter(pk=data["plan"]).first() if data["plan"] else None
        if plan is None and data.get("plan_words"):
            plan = Plan(local_area=data["plan_words"][0], title=data["plan_words"][1])  # unsaved: named only
        return cls(
            plan=plan,
            problems=[Problem(*problem) for problem in data["problems"]],
            warnings=data["warnings"],
            created=Counter(data["created"]),
            changed=Counter(data["changed"]),
            unchanged=Counter(data["unchanged"]),
            changes=[RecordChange.from_json(change) for change in data["changes"]],
            applied=data["applied"],
            leads_read=[LeadsRead.from_json(read) for read in data.get("leads_read", [])],  # none kept before
        )


# Each sheet's rows name one record each: (sheet, the columns that name it, what to call it in a problem).
UNIQUE_ROWS = (
    (schema.AREAS, ("ref",), "area"),
    (schema.ACTIONS, ("ref",), "action"),
    (schema.PERIODS, ("period",), "period"),
    (schema.UPDATES, ("action", "period"), "update of action {} for {}"),
    (schema.KPIS, ("ref",), "KPI"),
    (schema.RISKS, ("ref",), "risk"),
)

# "Post (Person)": the person is the last bracket, so a post may carry its own ("Designated Clinical Officer (DCO)").
_POST_PERSON = re.compile(r"^(?P<post>.+?)\s*(?:\((?P<person>[^()]*)\))?$")


class _Abort(Exception):
    """Raised inside the transaction to roll it back (problems found, or a dry run)."""


# A target value cell that gives only a direction ("increase in %"), and the polarity it needs.
DIRECTIONS = {"increase": "higher", "decrease": "lower", "reduce": "lower", "reduction": "lower"}


def _same_value(measurement: Measurement, parsed: dict) -> bool:
    """The sheet's row says what the stored value says (its recording date aside)."""
    given = parsed["comparators"]
    return (measurement.value, measurement.value_text, measurement.note, measurement.status) == (
        parsed["value"],
        parsed["value_text"],
        parsed["note"],
        parsed["status"],
    ) and all(getattr(measurement, name) == value for name, value in given.items())


def _diff(instance, values: dict) -> list[FieldChange]:
    """Set `values` on `instance`; return the fields that changed, each with its old and new value as people read
    them (for a new record, the values it is given)."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:  # compare ids: a new row has no related object to read yet
            current, wanted = getattr(instance, field.attname), value.pk if value is not None else None
            old = getattr(instance, name) if current is not None else None  # read before it is replaced
        else:
            current, wanted = getattr(instance, name), value
            old = current
        if current != wanted:
            setattr(instance, name, value)
            changed.append(FieldChange(_field_label(field), _readable(field, old), _readable(field, value)))
    return changed


def _field_label(field) -> str:
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def _readable(field, value) -> str:
    """A value as the preview shows it: an officer by post and organisation ("Head of SEND (A Name), Northgate
    Council"), so that a post read into the wrong organisation shows; others as the history pages show them."""
    if isinstance(value, Officer):
        return f"{value}, {value.organisation}" if value.organisation_id else str(value)
    return "" if value in (None, "") else readable_value(field, value)


def _update_fields(existing: dict | None, **given) -> list[FieldChange]:
    """A progress update's rating, progress and impact as it was for the period (if it was) and as imported."""
    fields = []
    for name, new in given.items():
        field = ProgressUpdate._meta.get_field(name)
        old = existing[name] if existing else ""
        if old != new:
            fields.append(FieldChange(_field_label(field), _readable(field, old), _readable(field, new)))
    return fields


def _value_change(measurement: Measurement | None, parsed: dict) -> FieldChange:
    """A KPI's value for a period, as held (when restated) and as imported, with its unit and status."""

    def said(value, text, status) -> str:
        shown = text or ("" if value is None else format(Decimal(str(value)).normalize(), "f"))
        return f"{shown} ({status})" if shown and status != Measurement.Status.ACTUAL else shown

    old = said(measurement.value, measurement.value_text, measurement.status) if measurement else ""
    return FieldChange("Value", old, said(parsed["value"], parsed["value_text"], parsed["status"]))


def _given(fields: list[FieldChange]) -> list[FieldChange]:
    """A new record's values worth listing: those it is given, not left blank."""
    return [change for change in fields if change.new not in ("", "No")]


# The kind of an organisation named with a post but not yet known, read from how its name ends.
_ORGANISATION_KINDS = (
    ("icb", Organisation.Kind.ICB),
    ("ccg", Organisation.Kind.ICB),
    ("nhs trust", Organisation.Kind.NHS_TRUST),
    ("foundation trust", Organisation.Kind.NHS_TRUST),
    ("council", Organisation.Kind.COUNCIL),
)


# The columns of a progress update's fields, where a refusal names its field (the period's refusal is its rating's).
UPDATE_COLUMNS = {
    "period": "rag",
    "completion_date": "completion date",
    "recovery_note": "recovery note",
    "percent_complete": "percent complete",
}

# The people of an action as the preview names them.
PEOPLE_LABELS = {"leads": "Leads", "accountable_officers": "Accountable officers", "partners": "Partners"}


def _names(records: list) -> str:
    """Officers (with their organisation) or organisations, as the preview lists them."""
    return "; ".join(
        sorted(_readable(None, record) if isinstance(record, Officer) else str(record) for record in records)
    )


# What a rating brought in as history lacks, in the preview's words (narrative_warning).
LACKING = {"progress": "the progress behind it", "impact": "its impact", "recovery_note": "how it will recover"}


class _Importer:
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
        changed = _diff(instance, values)
        if not new and not changed:
            self.result.count("unchanged", label)
            return True
        try:
            save_versioned(instance, expected_version=instance.version, by=self.by)
        except ValidationError as error:
            self.refused(row, error, values=values)
            return False
        self.result.count(
            "created" if new else "changed", label, record=ref, fields=_given(changed) if new else changed
        )
        return True

    def delivery(self, row: Row) -> dict | None:
        """The row's stage and percentage complete, for the columns the sheet has (a missing column leaves the
        action's as they are); None when a cell cannot be read (the problem is recorded)."""
        values: dict = {}
        try:
            if "stage" in row.cells:
                values["stage"] = parse_stage(row.get("stage"), words=self.stage_words)
        except ParseError as error:
            self.problem(row, "stage", str(error))
        try:
            if "percent complete" in row.cells:
                values["percent_complete"] = parse_percent_complete(row.get("percent complete"))
        except ParseError as error:
            self.problem(row, "percent complete", str(error))
            return None
        return values if "stage" not in row.cells or "stage" in values else None

    def date_of(self, row: Row, column: str) -> date | None:
        due = self.parsed(row, column, parse_due)
        if due is None:
            return None
        if due.kind not in ("day", "month", "none"):
            self.problem(row, column, "needs a date, like 31/03/2020 or March 2020.")
            return None
        return due.date

    def officer(self, post: str, person: str = "", organisation: str = "") -> Officer:
        """An existing officer with this post (and name, and organisation when the cell names one), or a new one in
        the organisation named with the post ("Head of Inclusion (CFC)"), else in the matching organisation."""
        key = (post.casefold(), person.casefold(), organisation.casefold())
        if key not in self.officers:
            self.officers[key] = self._officer(post, person, organisation)
        return self.officers[key]

    def _officer(self, post: str, person: str, organisation: str) -> Officer:
        named = self.post_organisation(organisation) if organisation else None
        match = Officer.objects.filter(post_title__iexact=post).select_related("organisation")
        if named is not None:
            match = match.filter(organisation=named)
        if person:
            match = match.filter(person_name__iexact=person)
        found = match.order_by("pk").first()
        if found is None and person:
            # "Head Teachers (representatives)" may be a post whose title ends in brackets, with no person.
            found = (
                Officer.objects.filter(post_title__iexact=f"{post} ({person})", person_name="")
                .select_related("organisation")
                .first()
            )
        if found:
            return found
        organisation = named or self.organisations.get(schema.normalise(post)) or self.home_organisation()
        officer = Officer(post_title=post, person_name=person, organisation=organisation)
        save_versioned(officer, expected_version=1, by=self.by)
        self.result.count(
            "created", "Officer", record=str(officer), fields=[FieldChange("Organisation", "", str(organisation))]
        )
        return officer

    def organisation(self, name: str, kind: str = Organisation.Kind.OTHER) -> Organisation:
        """An organisation by name or short name, or a new one (of kind "other" unless said) for the programme
        manager to sort under Manage."""
        name = name.strip()
        found = self.organisations.get(schema.normalise(name)) or Organisation.objects.filter(name=name).first()
        if found is None:
            found = Organisation(name=name, kind=kind)
            save_versioned(found, expected_version=1, by=self.by)
            self.result.count(
                "created", "Organisation", record=name, fields=[FieldChange("Kind", "", Organisation.Kind(kind).label)]
            )
        self.organisations[schema.normalise(name)] = found
        return found

    def post_organisation(self, name: str) -> Organisation:
        """The organisation a post is written with, matched on name or short name; one the plan does not know yet
        is added (its kind read from its name) and the preview warns, as for a new partner."""
        known = self.organisations.get(schema.normalise(name)) or Organisation.objects.filter(name=name).first()
        if known is not None:
            return known
        kind = next(
            (kind for ending, kind in _ORGANISATION_KINDS if name.casefold().endswith(ending)), Organisation.Kind.OTHER
        )
        self.result.warnings.append(
            f"“{name}”, named with a post, is not an organisation this plan knows: it was added as a new "
            f"{Organisation.Kind(kind).label} organisation. Check its name and kind under Manage."
        )
        return self.organisation(name, kind=kind)

    def home_organisation(self) -> Organisation:
        """Where new officers go when the workbook does not say: the local area's own organisation."""
        return self.organisation(self.plan.local_area, kind=Organisation.Kind.COUNCIL)

    def one_officer(self, row: Row, column: str) -> Officer | None | bool:
        """The single officer a cell names (an owner, an update's author); False when it cannot be read."""
        if not row.get(column):
            return None
        officers = self.leads(row, column)
        if officers is None:
            return False
        if len(officers) > 1:
            self.problem(
                row,
                column,
                "names more than one person: give one owner (write a post with commas or "
                "“and” in it followed by a semicolon).",
            )
            return False
        return officers[0] if officers else None

    def leads(self, row: Row, column: str) -> list[Officer] | None:
        text = row.text(column)
        # The plan's organisations as they spell themselves, so that "PaCiP" alone leads as "PaCiP lead".
        names = {name for o in self.organisations.values() for name in (o.name, o.short_name) if name}
        if ";" in text or "\n" in text:
            # Leads listed one per line or with semicolons (as export writes them) keep any commas inside a post
            # title ("Service Leader, CYPDS"): each part is one lead, "Post (Person)".
            parsed = []
            for part in (p.strip() for p in re.split(r"[;\n]", text) if p.strip()):
                match = _POST_PERSON.match(part)
                if match is None:
                    self.problem(row, column, f"“{part}” is not a lead we can read: write each as Post (Person).")
                    return None
                post, person = match["post"].strip(), (match["person"] or "").strip()
                if schema.normalise(person) in self.organisations:  # "Head of Inclusion (CFC)": its organisation
                    parsed.append(Lead(post, "", person))
                elif person and (named := organisation_lead(person, names)):  # "DCO (ICB)": the ICB's DCO
                    parsed.append(Lead(post, "", named.organisation))
                elif not person and (organisation := organisation_lead(post, names)):
                    parsed.append(organisation)  # "ICB" alone: the ICB's lead, not a person called ICB
                else:
                    parsed.append(Lead(post, person))
        else:
            parsed = self.parsed(row, column, parse_leads, organisations=names)
        if parsed is None:
            return None
        known = [lead for lead in parsed if lead.person or not is_placeholder_lead(lead.post)]
        if len(known) < len(parsed):
            if not known:
                self.placeholder_cells.add((row.sheet, row.number, column))
            self.result.warnings.append(
                f"{row.sheet} row {row.number}, column {row.headers.get(column, column)}: "
                f"“{', '.join(lead.post for lead in parsed if lead not in known)}” is a placeholder, not a person, "
                "so no one was recorded for it: add them under Manage when they are known."
            )
        return [self.officer(lead.post, lead.person, lead.organisation) for lead in known]

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
    def plan_sheet(self) -> bool:
        fields = {schema.normalise(row.text("field")): row for row in self.workbook.rows(schema.PLAN)}
        values: dict = {}

        def text(key: str, label: str, required: bool = True) -> str:
            row = fields.get(schema.normalise(key))
            value = row.text("value") if row else ""
            if required and not value:
                self.result.problems.append(
                    Problem("Plan", row.number if row else None, "value", "", f"needs the {label}.")
                )
            return value

        values["local_area"] = text("local area", "local area")
        values["title"] = text("title", "plan's title")
        type_text = text("type", "plan type (WSoA, APP, PAP or improvement plan)")
        if type_text:
            plan_type = PLAN_TYPES.get(schema.normalise(type_text))
            if plan_type is None:
                self.problem(
                    fields["type"], "value", "is not a plan type we know: use WSoA, APP, PAP or improvement plan."
                )
            values["plan_type"] = plan_type
        for key, name in (
            ("inspection date", "inspection_start"),
            ("published date", "published"),
            ("start date", "start_date"),
        ):
            row = fields.get(schema.normalise(key))
            if row is None and name != "start_date":
                continue  # a workbook without the row (a tracker's facts name none) leaves the plan's date as it is
            values[name] = self.date_of(row, "value") if row else None
            if name == "inspection_start" and row and isinstance(row.get("value"), str):
                values["inspection_label"] = row.text("value")  # as written, e.g. "October 2019"
        for key, attribute in schema.PLAN_TEXT_FIELDS.items():
            if row := fields.get(schema.normalise(key)):
                values[attribute] = row.text("value")
        ratings_row = fields.get(schema.normalise(schema.RATINGS_FIELD))
        if ratings_row is not None:
            answer = schema.normalise(ratings_row.text("value"))
            if answer in ("yes", "y", "true", ""):
                values["publishes_ratings"] = True
            elif answer in ("no", "n", "false"):
                values["publishes_ratings"] = False
            else:
                self.problem(ratings_row, "value", "should be yes or no: does the plan publish RAG ratings?")
        for key, code in zip(schema.STAGE_FIELDS, Stage.values, strict=True):
            if schema.normalise(key) in fields:  # a workbook without the row leaves the plan's word as it is
                values[f"stage_{code}_label"] = text(key, key, required=False)
        if values.get("start_date") is None and not any(p.sheet == "Plan" for p in self.result.problems):
            row = fields.get("startdate")
            self.result.problems.append(
                Problem(
                    "Plan", row.number if row else None, "value", "", "needs the start date (milestones count from it)."
                )
            )
        if self.result.problems:
            return False
        slug = text("slug", "slug", required=False) or slugify(
            f"{values['local_area']} {values['plan_type']} {values['start_date']:%Y}"
        )
        plan = Plan.objects.filter(slug=slug).first() or Plan(slug=slug)
        anchor = fields.get("title") or next(iter(fields.values()))
        if not self.save(plan, "Plan", slug, values, anchor):
            return False
        self.plan = plan
        self.result.plan = plan
        self.stage_words = stage_words({code: plan.stage_label(code) for code in Stage.values})
        organisations = list(Organisation.objects.all())
        self.organisations = {schema.normalise(o.short_name or o.name): o for o in organisations}
        self.organisations |= {schema.normalise(o.name): o for o in organisations}
        self.areas = {a.ref: a for a in plan.areas.all()}
        areas = {area.pk: area for area in self.areas.values()}
        self.actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
        for action in self.actions.values():
            action.area = areas[action.area_id]  # which knows its plan: no query per action for the rules
        self.periods = {p.name.casefold(): p for p in plan.periods.all()}
        self.writes = ActionWrites(plan=plan, actions=self.actions, periods=list(self.periods.values()), by=self.by)
        self.kpis = {k.ref: k for k in plan.kpis.all()}
        return True

    def areas_sheet(self) -> None:
        # The Fields sheet first: it says which extra columns of the Areas and Actions sheets hold values.
        self.own_fields.fields_sheet()
        together: list[tuple[Row, AreaOfWeakness, bool]] = []  # (row, area, created by this import)
        for order, row in enumerate(self.workbook.rows(schema.AREAS), start=1):
            ref = row.text("ref")
            area = self.areas.get(ref) or AreaOfWeakness(plan=self.plan, ref=ref, order=order)
            values = {"title": row.text("title"), "general_outcomes": row.text("outcomes")}
            if "closed" in row.cells:
                values["closed_on"] = self.date_of(row, "closed")
            if "kind" in row.cells:
                values["kind"] = self.parsed(row, "kind", parse_area_kind) or area.kind
            created = area.pk is None
            if self.save(area, "Area of weakness", ref, values, row):
                self.areas[ref] = area
                if "reported with" in row.cells:
                    together.append((row, area, created))
                self.own_fields.values(row, area, "area")
                findings = row.text("findings")
                existing = "\n\n".join(area.findings.values_list("text", flat=True))
                if findings and findings != existing:
                    if existing:
                        self.result.warnings.append(
                            f"Areas row {row.number}: the findings of area {ref} differ from those recorded; "
                            "they were left as they are (change them under Manage)."
                        )
                    else:
                        save_versioned(Finding(area=area, text=findings, order=1), expected_version=1, by=self.by)
                owners = self.leads(row, "owner") if row.get("owner") else None
                if owners is not None:
                    area.owners.set(owners)
        # Linked once every area of the sheet exists (a row may name an area on a later row); links taken away
        # first, so a workbook that swaps which area of a pair leads is not refused as a chain.
        for row, area, created in sorted(together, key=lambda each: bool(each[0].text("reported with"))):
            self.reported_with(row, area, created=created)

    def reported_with(self, row: Row, area: AreaOfWeakness, *, created: bool) -> None:
        ref = row.text("reported with")
        other = self.areas.get(ref) if ref else None
        if ref and other is None:
            self.problem(row, "reported with", f"there is no area {ref} in this plan", ref)
            return
        changed = _diff(area, {"reported_with": other})
        if not changed:
            return
        try:
            save_versioned(area, expected_version=area.version, by=self.by)
        except ValidationError as error:
            self.refused(row, error, column="reported with")
            return
        if not created:  # an area created by this import was counted once, as created
            self.result.count("changed", "Area of weakness", record=area.ref, fields=changed)

    def actions_sheet(self) -> None:
        for order, row in enumerate(self.workbook.rows(schema.ACTIONS), start=1):
            ref, area_ref = row.text("ref"), row.text("area")
            area = self.areas.get(area_ref)
            if area is None:
                self.problem(row, "area", "is not an area of this plan: add it to the Areas sheet or correct the ref.")
                continue
            action = self.actions.get(ref)
            if action is not None and action.area_id != area.pk:
                self.problem(row, "ref", f"is already an action of area {action.area.ref}: action refs must be unique.")
                continue
            action = action or Action(area=area, ref=ref, order=order)
            leads = self.leads(row, "leads")
            self.result.read_leads(row, leads)
            self.parsed(row, "rag", parse_rag)  # read now so a bad rating is reported with the other problems
            if "due on" in row.headers:
                # A sheet with exact due dates (as export writes it): the date column says when, and the wording is
                # kept as written, whatever it says; an empty date means none was set.
                due_date, due_label = self.date_of(row, "due on") if row.get("due on") else None, row.text("due")
                if row.get("due on") and due_date is None:
                    continue
            else:
                due = self.parsed(row, "due", parse_due)
                if due is None:
                    continue
                due_label, due_date = due.label, due.date
                if due.note:  # a term or year read as its last day: say what was assumed, where
                    self.result.warnings.append(
                        f"{row.sheet} row {row.number}, column {row.headers.get('due', 'due')}: "
                        f"“{due.label}” {due.note}."
                    )
                if due.kind == "immediate":
                    due_date = self.plan.start_date
                elif due.kind == "publication":
                    due_date = self.plan.published
            if leads is None:
                continue
            if not leads and (row.sheet, row.number, "leads") not in self.placeholder_cells:
                self.problem(row, "leads", "needs at least one lead (responsible officer).")
                continue
            values = {"text": row.text("action"), "due_date": due_date, "due_label": due_label}
            if "revised due" in row.cells:
                values["revised_due_date"] = self.date_of(row, "revised due") if row.get("revised due") else None
                values["revised_due_reason"] = row.text("revised due reason")
                if row.get("revised due") and values["revised_due_date"] is None:
                    continue
            outcome_text = row.text("outcome")
            if outcome_text:
                values["outcome"] = self.outcome(area, action, outcome_text)
            partners = [self.organisation(name) for name in re.split(r"[;\n]", row.text("partners")) if name.strip()]
            people = {"leads": leads, "partners": partners}
            # Jointly accountable officers are listed as leads are ("DCS (A Name) and Chief Nurse, ICB (B Name)");
            # an empty cell leaves the action's as they are.
            if row.get("accountable"):
                people["accountable_officers"] = self.leads(row, "accountable")
                if people["accountable_officers"] is None:
                    continue
            if not self.save_action(action, values, row, people=people):
                continue
            self.actions[ref] = action
            self.action_rows[ref] = row
            # Its own fields' values are read now and saved once the action is written (write_actions).
            self.own_field_values.append((row, action, self.own_fields.texts(row, "action")))

    def outcome(self, area: AreaOfWeakness, action: Action, text: str) -> Outcome:
        """The outcome an action row names: the action's own if the text still fits (outcome texts may repeat under
        several findings), else the area's by ref or text, else a new one."""
        if area.pk not in self.outcomes:
            self.outcomes[area.pk] = list(area.outcomes.all())
        outcomes = self.outcomes[area.pk]
        current = next((o for o in outcomes if o.pk == action.outcome_id), None) if action.outcome_id else None
        outcome = (
            (current if current and text in (current.ref, current.text) else None)
            or next((o for o in outcomes if o.ref == text), None)
            or next((o for o in outcomes if o.text == text), None)
        )
        if outcome is None:
            outcome = Outcome(area=area, text=text, order=len(outcomes) + 1)
            save_versioned(outcome, expected_version=1, by=self.by)
            outcomes.append(outcome)
        return outcome

    def save_action(self, action: Action, values: dict, row: Row, *, people: dict[str, list] | None = None) -> bool:
        """Create or change `action` with `values` and `people` (its leads, partners, accountable officers), checked
        as a save checks it, and held to be written with the others (ActionWrites); record what happened."""
        new = action.pk is None and action.ref not in self.writes.new
        changed = _diff(action, values)
        for name, records in (people or {}).items():
            held = self.writes.people(action, name)
            if self.writes.set_people(action, name, records):
                changed.append(FieldChange(PEOPLE_LABELS[name], _names(held), _names(records)))
        if not new and not changed:
            self.result.count("unchanged", "Action")
            return True
        try:
            self.writes.check(action)
        except ValidationError as error:
            self.refused(row, error, values=values)
            return False
        self.writes.action_changed(action, values)
        self.writes.action_saved(action)
        if new:
            self.result.count("created", "Action", record=action.ref, fields=_given(changed))
        elif not self.result.created_here("Action", action.ref):  # a new action's later changes are its creation
            self.result.count("changed", "Action", record=action.ref, fields=changed)
        return True

    def periods_sheet(self) -> None:
        statuses = {s.value: s.value for s in ReportingPeriod.Status} | {"": ReportingPeriod.Status.CLOSED}
        rows = self.workbook.rows(schema.PERIODS)
        for row in sorted(rows, key=lambda r: str(r.get("end") or "")):
            name = row.text("period")
            end = self.date_of(row, "end")
            start = self.date_of(row, "start") if row.get("start") else None
            deadline = self.date_of(row, "update deadline") if row.get("update deadline") else None
            status = statuses.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be planned, open or closed.")
            if end is None or status is None:
                continue
            period = self.periods.get(name.casefold()) or ReportingPeriod(plan=self.plan, name=name)
            values = {"start": start or end.replace(day=1), "end": end, "update_deadline": deadline, "status": status}
            if self.save(period, "Reporting period", name, values, row):
                self.period_saved(period)

    def period_saved(self, period: ReportingPeriod) -> None:
        self.periods[period.name.casefold()] = period
        self.writes.period_added(period)

    def period(self, row: Row, name: str, column: str = "period") -> ReportingPeriod | None:
        period = self.periods.get(name.casefold())
        if period:
            return period
        due = self.parsed(row, column, parse_due)
        if due is None or due.date is None:
            if due is not None:
                self.problem(row, column, "needs a month we can read, like “Dec 17” or “March 2020”.")
            return None
        earlier = max((p for p in self.periods.values() if p.end < due.date), key=lambda p: p.end, default=None)
        start = earlier.end + timedelta(days=1) if earlier else due.date.replace(day=1) - timedelta(days=60)
        period = ReportingPeriod(plan=self.plan, name=name, start=start, end=due.date, status="closed")
        save_versioned(period, expected_version=1, by=self.by)
        self.period_saved(period)
        self.result.count(
            "created", "Reporting period", record=name, fields=[FieldChange("End", "", f"{due.date:%-d %B %Y}")]
        )
        return period

    def submit_update(
        self,
        row: Row,
        action: Action,
        period: ReportingPeriod,
        rag: str,
        progress: str,
        impact: str,
        evidence=None,
        *,
        recovery_note: str | None = None,
        completion_date: date | None = None,
        officer: Officer | None = None,
        submitted_on: date | None = None,
        stage=UNCHANGED,
        percent_complete=UNCHANGED,
    ):
        if rag == "blue" and not self.plan.publishes_ratings:
            # "Completed" (read as Blue) as the fourth status of a plan that publishes no ratings: the stage says it.
            rag, stage = "", Stage.COMPLETE
        # A lead's draft for the period is not part of the plan: the imported update is submitted in its place.
        existing = self.writes.submitted(action, period)
        # As it was before this row: the update is changed in place.
        existing_values = (
            {name: getattr(existing, name) for name in ("rag", "progress", "impact")} if existing else None
        )
        if evidence is None:  # the Updates sheet has no evidence column: keep what is recorded
            evidence = existing.evidence if existing else ""
        # Trackers have no columns for these (export writes them): a Blue update is complete by its period's end
        # (or today), and a Red one's progress text says what is being done to recover it.
        if (rag == "blue" or stage == Stage.COMPLETE) and completion_date is None:
            if action.completed_on:
                # An action already completed keeps the date it was completed on: a tracker listing it as Blue
                # again next term does not move it.
                completion_date = action.completed_on
            else:
                completion_date = min(period.end, date.today())
                # Never silently: the programme manager is told which row was dated so, to give the real date.
                column = "rag" if row.get("rag") or "stage" not in row.cells else "stage"
                self.result.warnings.append(
                    f"{row.sheet} row {row.number}, column {row.headers.get(column, column)}: "
                    f"“{row.text(column)}” completes {action.ref} but no completion date was given, so it is recorded "
                    f"as completed on {completion_date:%-d %B %Y}, the end of {period.name}: give the date it was "
                    "completed if you know it."
                )
        if recovery_note is None:
            recovery_note = progress if rag == "red" else ""
        if (
            existing
            and (
                existing.rag,
                existing.progress,
                existing.impact,
                existing.evidence,
                existing.recovery_note,
                existing.completion_date,
            )
            == (rag, progress, impact, evidence, recovery_note if rag == "red" else "", completion_date)
            and (stage is UNCHANGED or existing.stage == stage)
            and (percent_complete is UNCHANGED or existing.percent_complete == percent_complete)
        ):
            self.result.count("unchanged", "Progress update")
            return
        try:
            self.writes.submit(
                action,
                period,
                rag=rag,
                progress=progress,
                impact=impact,
                evidence=evidence,
                completion_date=completion_date,
                recovery_note=recovery_note,
                stage=stage,
                percent_complete=percent_complete,
                officer=officer,
                submitted_at=(timezone.make_aware(datetime.combine(submitted_on, time(12))) if submitted_on else None),
            )
        except ValidationError as error:
            self.refused(row, error, rename=UPDATE_COLUMNS)
        else:
            label = "changed" if existing else "created"
            self.result.count(
                label,
                "Progress update",
                record=f"{action.ref} for {period.name}",
                fields=_update_fields(existing_values, rag=rag, progress=progress, impact=impact),
            )
            self.narrative_warning(row, action, period, rag, progress, impact, recovery_note)

    def narrative_warning(self, row: Row, action, period, rag, progress, impact, recovery_note) -> None:
        """A rating brought in without what a lead would have to say with it in the app: taken as history, and the
        preview says so, row by row, so the programme manager can ask the lead for it."""
        if not rag or (progress.strip() and (impact.strip() or rag not in ("blue", "green"))):
            return  # nothing missing, without reading the previous rating
        missing = narrative_missing(
            rag=rag,
            progress=progress,
            impact=impact,
            recovery_note=recovery_note or "",
            previous_rag=self.writes.previous_rag(action, period) if not progress.strip() else rag,
        )
        if missing:
            lacking = " or ".join(LACKING[name] for name in missing)
            self.result.warnings.append(
                f"{row.sheet}, row {row.number}: {action.ref}'s {rag.capitalize()} rating for {period.name} is "
                f"brought in as history without {lacking}, which the app asks a lead for: ask the lead to add it."
            )

    def updates_sheet(self) -> None:
        rows = self.workbook.rows(schema.UPDATES)
        parsed = []
        for row in rows:
            action = self.actions.get(row.text("action"))
            if action is None:
                self.problem(row, "action", "is not an action ref in the Actions sheet or this plan.")
                continue
            rag = self.parsed(row, "rag", parse_rag)
            period = self.period(row, row.text("period"))
            if rag is None or period is None:
                continue
            parsed.append((period.end, row, action, period, rag))
        latest = self.latest_period()
        for _end, row, action, period, rag in sorted(parsed, key=lambda item: (item[0], item[1].number)):
            if "evidence" in row.cells:
                evidence = row.text("evidence")
            else:
                # A tracker's Actions sheet carries the evidence of each action's update for the latest period.
                action_row = self.action_rows.get(action.ref)
                evidence = action_row.text("evidence") if action_row and period == latest else None
            extras = {}
            if "recovery note" in row.cells:
                extras["recovery_note"] = row.text("recovery note")
            if row.get("completion date"):
                extras["completion_date"] = self.date_of(row, "completion date")
                if extras["completion_date"] is None:
                    continue
            if row.get("submitted on"):
                extras["submitted_on"] = self.date_of(row, "submitted on")
                if extras["submitted_on"] is None:
                    continue
            delivery = self.delivery(row)
            if delivery is None:
                continue
            extras |= delivery
            officer = self.one_officer(row, "by")
            if officer is False:
                continue
            extras["officer"] = officer
            self.submit_update(row, action, period, rag, row.text("progress"), row.text("impact"), evidence, **extras)

    def post_holders_sheet(self) -> None:
        """Who held each handed-over post from when: the person a past update, report or history row names."""
        seen: dict[tuple[int, date], int] = {}
        for row in self.workbook.rows(schema.POST_HOLDERS):
            officer = self.one_officer(row, "post")
            if not officer:
                if officer is None:
                    self.problem(row, "post", "names no post: give the post as the other sheets name it.")
                continue
            if not row.get("from"):
                self.problem(row, "from", "is empty: give the date this person took over the post.")
                continue
            started_on = self.date_of(row, "from")
            if started_on is None:
                continue
            if (officer.pk, started_on) in seen:
                self.problem(
                    row,
                    "from",
                    f"names a second holder of this post from the same day as row {seen[officer.pk, started_on]}.",
                    row.get("from"),
                )
                continue
            seen[officer.pk, started_on] = row.number
            given = (row.text("person"), row.text("email"))
            before = officer.holders.filter(started_on=started_on).values_list("person_name", "email").first()
            try:
                post_holder_record(
                    officer=officer, person_name=given[0], email=given[1], started_on=started_on, by=self.by
                )
            except ValidationError as error:
                self.refused(row, error, rename={"person_name": "person", "started_on": "from"})
                continue
            kind = "created" if before is None else "unchanged" if tuple(before) == given else "changed"
            self.result.count(
                kind,
                "Post holder",
                record=f"{officer.post_title} from {started_on:%-d %B %Y}",
                fields=[
                    FieldChange(name, old, new)
                    for name, old, new in zip(("Person", "Email"), before or ("", ""), given, strict=True)
                    if old != new
                ],
            )

    def latest_period(self) -> ReportingPeriod | None:
        periods = self.periods.values()
        return next((p for p in periods if p.status == ReportingPeriod.Status.OPEN), None) or max(
            periods, key=lambda p: p.end, default=None
        )

    def current_ratings(self) -> None:
        """The Actions sheet's RAG, progress and impact are each action's update for the plan's latest period."""
        rows = [row for row in self.workbook.rows(schema.ACTIONS) if row.get("rag")]
        if not rows:
            return
        latest = self.latest_period()
        if latest is None and not any(row.get("rated in") for row in rows):
            self.problem(
                rows[0],
                "rag",
                "has a rating but the plan has no reporting period: add an Updates sheet "
                "(action, period, rag) so we know which period the ratings belong to.",
            )
            return
        # An update the Updates sheet gives in full is not given again by its action's row (export writes both).
        listed = {(row.text("action"), row.text("period").casefold()) for row in self.workbook.rows(schema.UPDATES)}
        for row in rows:
            action = self.actions.get(row.text("ref"))
            rag = self.parsed(row, "rag", parse_rag)
            period = self.period(row, row.text("rated in"), column="rated in") if row.get("rated in") else latest
            if action is None or rag is None or period is None:
                continue
            if (action.ref, period.name.casefold()) in listed:
                continue
            existing = self.writes.submitted(action, period)
            extras = {}
            if rag == "blue" and row.get("completed on"):  # "Completed" with the row's completion date (issue 18)
                extras["completion_date"] = self.date_of(row, "completed on")
                if extras["completion_date"] is None:
                    continue
            if existing and existing.rag == rag and not (row.text("progress") or row.text("impact")):
                # The tracker gives the current rating without narrative; the Updates sheet had it already.
                self.result.count("unchanged", "Progress update")
                continue
            self.submit_update(
                row, action, period, rag, row.text("progress"), row.text("impact"), row.text("evidence"), **extras
            )

    def action_states(self) -> None:
        """Each action's status and completion date, once its updates are in (a Blue update completes an action;
        a withdrawn one is withdrawn whatever its ratings said)."""
        statuses = {schema.normalise(s.value): s.value for s in Action.Status} | {
            schema.normalise(s.label): s.value for s in Action.Status
        }
        statuses |= {"complete": Action.Status.COMPLETED, "carriedforward": Action.Status.CARRIED_FORWARD}
        for row in self.workbook.rows(schema.ACTIONS):
            action = self.actions.get(row.text("ref"))
            # The action's current stage and percentage, as the tracker states them (after its updates, which
            # may have moved them).
            delivery = self.delivery(row)
            if action is None or delivery is None:
                continue
            # An empty cell states nothing: the stage a rating gave ("Completed") stands.
            values = {name: value for name, value in delivery.items() if value not in ("", None)}
            if row.get("action status"):
                status = statuses.get(schema.normalise(row.text("action status")))
                if status is None:
                    self.problem(row, "action status", "should be open, completed, carried forward or withdrawn.")
                    continue
                values["status"] = status
            if not values:
                continue
            if "completed on" in row.cells and (row.get("action status") or values.get("stage")):
                values["completed_on"] = self.date_of(row, "completed on") if row.get("completed on") else None
                if row.get("completed on") and values["completed_on"] is None:
                    continue
            changed = _diff(action, values)  # the action as its updates left it, held in memory (ActionWrites)
            if not changed:
                continue
            try:
                self.writes.check(action)
            except ValidationError as error:
                rename = {
                    "status": "action status",
                    "completed_on": "completed on",
                    "percent_complete": "percent complete",
                    NON_FIELD_ERRORS: "action status",
                }
                self.refused(row, error, rename=rename)
                continue
            self.writes.action_changed(action, values)
            self.writes.action_saved(action)
            if not self.result.created_here("Action", action.ref):
                self.result.count("changed", "Action", record=action.ref, fields=changed)

    def write_actions(self) -> None:
        """Write the actions and updates held (ActionWrites), then the actions' own-field values, which need them.
        With problems found, nothing is written: the import is refused anyway."""
        if self.result.problems:
            return
        try:
            self.writes.flush()
        except StaleImport as refused:
            for change in refused.changes:
                self.result.problems.append(
                    Problem("(workbook)", None, "", "", f"{change}: import the file again to see their change.")
                )
            return
        for row, action, texts in self.own_field_values:
            self.own_fields.save(row, action, "action", texts)

    def kpis_sheet(self) -> None:
        categories = {schema.normalise(c): c.value for c in Kpi.Category} | {
            schema.normalise(c.label): c.value for c in Kpi.Category
        }
        units = {schema.normalise(u.value): u.value for u in Kpi.Unit} | {"number": "count", "": "descriptive"}
        for order, row in enumerate(self.workbook.rows(schema.KPIS), start=1):
            ref = row.text("ref")
            unit = "percent" if row.text("unit") == "%" else units.get(schema.normalise(row.text("unit")))
            if unit is None:
                self.problem(row, "unit", "is not a unit we know: use %, count, days, rate or descriptive.")
                continue
            category = categories.get(schema.normalise(row.text("category")))
            if category is None:
                self.problem(
                    row, "category", "should be how much did we do / how well did we do it / is anyone better off."
                )
                continue
            polarity = "lower" if schema.normalise(row.text("polarity")).startswith("lower") else "higher"
            baseline_value, baseline_text = None, ""
            if unit != "descriptive" and row.get("baseline") is not None:
                number = self.parsed(row, "baseline", parse_number, unit=unit)
                if number is None:
                    continue
                baseline_value = number.value
            else:
                baseline_text = row.text("baseline")
            owner = self.one_officer(row, "owner")
            if owner is False:
                continue
            area = self.areas.get(row.text("area")) if row.text("area") else None
            values = {
                "area": area,
                "measure": row.text("measure"),
                "category": category,
                "unit": unit,
                "polarity": polarity,
                "baseline_value": baseline_value,
                "baseline_text": baseline_text,
                "baseline_date": self.date_of(row, "baseline date") if row.get("baseline date") else None,
                "baseline_qualifier": row.text("baseline qualifier"),
                "owner": owner,
                "data_source": row.text("data source"),
                "comparator_label": row.text("comparator"),
                "comparator_value": None,
            }
            if row.get("comparator value") is not None:
                comparator = self.parsed(row, "comparator value", parse_number, unit=unit)
                if comparator is None:
                    continue
                values["comparator_value"] = comparator.value
            if row.get("tolerance") is not None:
                tolerance = self.parsed(row, "tolerance", parse_number, unit="")
                if tolerance is None:
                    continue
                values["tolerance"] = tolerance.value
            kpi = self.kpis.get(ref)
            if kpi is None:
                kpi = Kpi(plan=self.plan, ref=ref, order=order, **values)
                try:
                    # Its milestones come from the Milestones sheet; without any there, the usual 3, 6 and 12.
                    listed = any(r.text("kpi") == ref for r in self.workbook.rows(schema.MILESTONES))
                    kpi_create(kpi=kpi, by=self.by, milestones=[] if listed else None)
                except ValidationError as error:
                    self.refused(row, error, values=values)
                    continue
                self.result.count("created", "KPI", record=ref, fields=_given(_diff(Kpi(), values)))
            elif not self.save(kpi, "KPI", ref, values, row):
                continue
            self.kpis[ref] = kpi

    def milestone_rows(self):
        """(row, kpi, months) for each readable Milestones row."""
        for row in self.workbook.rows(schema.MILESTONES):
            kpi = self.kpis.get(row.text("kpi"))
            if kpi is None:
                self.problem(row, "kpi", "is not a KPI ref in the KPIs sheet or this plan.")
                continue
            try:
                months = int(str(row.get("months")).strip())
            except (TypeError, ValueError):
                self.problem(row, "months", "must be a whole number of months, like 3, 6 or 12.")
                continue
            yield row, kpi, months

    def milestone_targets(self) -> None:
        """Targets first, so that values recorded next are judged against them."""
        for row, kpi, months in self.milestone_rows():
            direction = DIRECTIONS.get(schema.normalise(row.text("target value")))
            if direction is not None and direction != kpi.polarity:
                self.problem(
                    row, "target value", f"is the wrong way: for this KPI {kpi.get_polarity_display().lower()}."
                )
                continue
            target = None
            if row.get("target value") and direction is None:
                target = self.parsed(row, "target value", parse_number, unit=kpi.unit)
                if target is None:
                    continue
            values = {
                "target_text": row.text("target"),
                "target_value": target.value if target else None,
                "target_benchmark": row.text("benchmark"),
                "target_direction": direction is not None,
            }
            milestone = kpi.milestones.filter(months=months).first()
            if milestone is None:
                milestone = milestone_add(kpi=kpi, months=months, by=self.by, **values)
                self.result.count("created", "Milestone", record=f"{kpi.ref} at {months} months")
            else:
                self.save(milestone, "Milestone", f"{kpi.ref} at {months} months", values, row)

    def milestone_assessments(self) -> None:
        """People's ratings, overrides (with their reasons) and commentary, once the values are in."""
        for row, kpi, months in self.milestone_rows():
            milestone = kpi.milestones.get(months=months)
            rag = self.parsed(row, "rag", parse_rag)
            if rag is None:
                continue
            wanted = (rag or milestone.rag, row.text("override reason"), row.text("commentary"))
            if wanted == (milestone.rag, milestone.override_reason, milestone.commentary):
                continue
            try:
                milestone_assess(
                    milestone=milestone,
                    rag=wanted[0],
                    override_reason=wanted[1],
                    commentary=wanted[2],
                    by=self.by,
                    expected_version=milestone.version,
                )
            except ValidationError as error:
                self.refused(row, error, column="rag")

    def measurements_sheet(self) -> None:
        """Values, with their periods as published, status and comparators. Rows for the same KPI and period
        (date and words) are its values in the order recorded: the last is current, the earlier were restated.
        A period new to the plan gets them all; one the plan already holds is restated only if its last row
        differs from the current value, so that importing the same workbook again changes nothing."""
        rows = [parsed for row in self.workbook.rows(schema.MEASUREMENTS) if (parsed := self.measurement_row(row))]
        last_of_period = {parsed["key"]: index for index, parsed in enumerate(rows)}
        new_periods: set[tuple] = set()
        for index, parsed in enumerate(rows):
            row, kpi, key = parsed.pop("row"), parsed.pop("kpi"), parsed.pop("key")
            existing = current_measurement(kpi, parsed["period_date"], parsed["period_label"])
            # A period the plan held before this import: only its last row counts, and only if it differs.
            held = existing is not None and key not in new_periods
            if held and (last_of_period[key] != index or _same_value(existing, parsed)):
                self.result.count("unchanged", "Measurement")
                continue
            try:
                if existing is None:
                    measurement_record(kpi=kpi, by=self.by, **parsed)
                else:
                    # The row's comparators exactly as written (blank is none), unlike a value typed on the page.
                    del parsed["period_date"], parsed["period_label"]
                    measurement_restate(measurement=existing, by=self.by, expected_version=existing.version, **parsed)
            except ValidationError as error:
                self.refused(row, error, column="value")
                continue
            period = key[2] or f"{key[1]:%b %Y}"
            if existing is None:
                new_periods.add(key)
                self.result.count(
                    "created", "Measurement", record=f"{kpi.ref} for {period}", fields=[_value_change(None, parsed)]
                )
            else:
                self.result.count(
                    "changed", "Measurement", record=f"{kpi.ref} for {period}", fields=[_value_change(existing, parsed)]
                )

    def measurement_row(self, row: Row) -> dict | None:
        """A Measurements row read into measurement_record's arguments (with the row, its KPI and its period key),
        or None, with the problems recorded, when a cell cannot be read."""
        kpi = self.kpis.get(row.text("kpi"))
        if kpi is None:
            self.problem(row, "kpi", "is not a KPI ref in the KPIs sheet or this plan.")
            return None
        period_date = self.date_of(row, "date")
        if period_date is None:
            if row.get("date") is None:
                self.problem(row, "date", "needs the date the value describes.")
            return None
        value_text, number = "", None
        if kpi.is_numeric:
            number = self.parsed(row, "value", parse_number, unit=kpi.unit)
            if number is None:
                return None
        else:
            value_text = row.text("value")
        status = Measurement.Status.PROJECTED if number and number.projected else Measurement.Status.ACTUAL
        if row.get("status"):
            status = {s.value: s.value for s in Measurement.Status}.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be actual, provisional or projected.")
                return None
        comparators = {}
        for name, column in (
            ("england_value", "england"),
            ("neighbours_value", "statistical neighbours"),
            ("region_value", "region"),
        ):
            comparators[name] = None
            if row.get(column) is not None:
                comparator = self.parsed(row, column, parse_number, unit=kpi.unit)
                if comparator is None:
                    return None
                comparators[name] = comparator.value
        recorded_at = None
        if row.get("recorded on"):
            recorded_on = self.date_of(row, "recorded on")
            if recorded_on is None:
                return None
            recorded_at = timezone.make_aware(datetime.combine(recorded_on, time(12)))
        period_label = " ".join(row.text("period label").split())
        return {
            "row": row,
            "kpi": kpi,
            "key": (kpi.pk, period_date, period_label),
            "period_date": period_date,
            "period_label": period_label,
            "value": number.value if number else None,
            "value_text": value_text,
            "note": row.text("note"),
            "status": status,
            "comparators": comparators,
            "recorded_at": recorded_at,
        }

    def risks_sheet(self) -> None:
        statuses = {"open": "open", "closed": "closed", "": "open"}
        existing = {r.ref: r for r in self.plan.risks.all()}
        for row in self.workbook.rows(schema.RISKS):
            ref = row.text("ref")
            likelihood = self.parsed(row, "likelihood", parse_score)
            impact = self.parsed(row, "impact", parse_score)
            severity = self.parsed(row, "severity", parse_band)
            owner = self.one_officer(row, "owner")
            status = statuses.get(schema.normalise(row.text("status")))
            if status is None:
                self.problem(row, "status", "should be open or closed.")
            if (
                None in (severity, status)
                or owner is False
                or any(
                    v is None and row.get(c) is not None for v, c in ((likelihood, "likelihood"), (impact, "impact"))
                )
            ):
                continue
            if owner is None:
                self.problem(row, "owner", "needs an owner.")
                continue
            risk = existing.get(ref) or Risk(plan=self.plan, ref=ref)
            values = {
                "area": self.areas.get(row.text("area")) if row.text("area") else None,
                "risk": row.text("risk"),
                "severity": severity,
                "owner": owner,
                "current_likelihood": likelihood,
                "current_impact": impact,
                "mitigation": row.text("mitigation"),
                "progress": row.text("progress"),
                "status": status,
                # The workbook has no column for the reason: keep the recorded one, or say where it came from.
                "closed_reason": (risk.closed_reason or "Closed in an imported register") if status == "closed" else "",
            }
            if row.get("review date"):
                values["next_review"] = self.date_of(row, "review date")
            new = risk.pk is None
            changed = _diff(risk, values)
            if not new and not changed:
                self.result.count("unchanged", "Risk")
                continue
            try:
                risk_save(risk=risk, by=self.by, expected_version=risk.version)
            except ValidationError as error:
                self.refused(row, error, values=values)
                continue
            self.result.count(
                "created" if new else "changed", "Risk", record=ref, fields=_given(changed) if new else changed
            )

    def partner_organisations(self) -> None:
        """Every organisation the workbook brought into the plan works on it, so lead pickers offer its posts."""
        named = set(self.plan.partner_organisations.values_list("id", flat=True))
        if new := plan_organisation_ids(self.plan) - named:  # nothing new: no write, no history row
            self.plan.partner_organisations.add(*new)

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
