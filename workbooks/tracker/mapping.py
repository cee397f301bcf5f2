"""A tracker's confirmed mapping, kept as JSON so next term's file of the same shape needs no mapping again.

The mapping says, for each sheet, what each heading fills (columns.Proposal). It is matched by heading, not by
position: next term's tracker adds an "Update Jun 2025" column and moves the others along, and each heading keeps
the choice made for it; a heading the mapping does not know gets a fresh proposal. A sheet named in `skip` is left
out. The file is meant to be read and edited by a programme manager (`manage.py import_plan --save-mapping`).

    {"sheets": {"WSoA tracker": [{"header": "Lead Officer", "field": "leads"},
                                 {"header": "Update Jan 2025", "field": "progress",
                                  "period": {"name": "January 2025", "start": "2025-01-01", "end": "2025-01-31"}},
                                 {"header": "Directorate", "field": "own", "label": "Directorate"}]},
     "skip": ["Key"]}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workbooks.tracker.columns import Field, PeriodGuess, Proposal, normalise, propose_columns
from workbooks.tracker.translate import PlanFacts


class MappingError(ValueError):
    """A mapping file that cannot be used, with where and why."""


@dataclass
class Mapping:
    sheets: dict[str, list[Proposal]] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)


def mapping_json(mapping: Mapping) -> dict:
    def column(proposal: Proposal) -> dict:
        data = {"header": proposal.header, "field": proposal.field.value}
        if proposal.label:
            data["label"] = proposal.label
        if proposal.period:
            period = proposal.period
            data["period"] = {"name": period.name, "start": period.start.isoformat(), "end": period.end.isoformat()}
        return data

    return {
        "sheets": {sheet: [column(p) for p in proposals] for sheet, proposals in mapping.sheets.items()},
        "skip": list(mapping.skip),
    }


def mapping_from_json(data) -> Mapping:
    """The mapping a file holds; MappingError naming the sheet and column of anything it cannot use."""
    if not isinstance(data, dict) or not isinstance(data.get("sheets", {}), dict):
        raise MappingError('The mapping file should be an object with "sheets" (and "skip").')
    mapping = Mapping(skip=[str(name) for name in data.get("skip", [])])
    for sheet, columns in data.get("sheets", {}).items():
        if not isinstance(columns, list):
            raise MappingError(f"Sheet “{sheet}”: its columns should be a list.")
        mapping.sheets[sheet] = [_proposal(sheet, number, column) for number, column in enumerate(columns, start=1)]
    return mapping


def _proposal(sheet: str, number: int, column) -> Proposal:
    where = f"Sheet “{sheet}”, column {number}"
    if not isinstance(column, dict) or "field" not in column:
        raise MappingError(f'{where}: give the column as {{"header": ..., "field": ...}}.')
    try:
        chosen = Field(column["field"])
    except ValueError:
        known = ", ".join(f.value for f in Field)
        raise MappingError(f"{where}: “{column['field']}” is not a field we know ({known}).") from None
    period = None
    if column.get("period"):
        try:
            given = column["period"]
            period = PeriodGuess(given["name"], date.fromisoformat(given["start"]), date.fromisoformat(given["end"]))
        except (KeyError, TypeError, ValueError):
            raise MappingError(
                f'{where}: the period needs a "name", a "start" and an "end" (dates like 2025-01-31).'
            ) from None
        if period.end < period.start:
            raise MappingError(f"{where}: the period “{period.name}” ends before it starts.")
    header = str(column.get("header", ""))
    label = str(column.get("label", "")) or (header if chosen == Field.OWN else "")
    return Proposal(header, chosen, "as confirmed before", period, label)


def facts_json(facts: PlanFacts) -> dict:
    """The plan's facts (translate.PlanFacts) as JSON, kept with a staged tracker between its mapping page, its
    preview and its confirmation."""
    period = facts.current_period
    return {
        "local_area": facts.local_area,
        "title": facts.title,
        "plan_type": facts.plan_type,
        "start_date": facts.start_date.isoformat(),
        "slug": facts.slug,
        "inspection_date": facts.inspection_date.isoformat() if facts.inspection_date else None,
        "published_date": facts.published_date.isoformat() if facts.published_date else None,
        "current_period": (
            {"name": period.name, "start": period.start.isoformat(), "end": period.end.isoformat()} if period else None
        ),
    }


def facts_from_json(data: dict) -> PlanFacts:
    period = data.get("current_period")
    return PlanFacts(
        local_area=data["local_area"],
        title=data["title"],
        plan_type=data["plan_type"],
        start_date=date.fromisoformat(data["start_date"]),
        slug=data.get("slug", ""),
        inspection_date=date.fromisoformat(data["inspection_date"]) if data.get("inspection_date") else None,
        published_date=date.fromisoformat(data["published_date"]) if data.get("published_date") else None,
        current_period=(
            PeriodGuess(period["name"], date.fromisoformat(period["start"]), date.fromisoformat(period["end"]))
            if period
            else None
        ),
    )


def proposals_for(table, mapping: Mapping | None, *, own_labels=()) -> list[Proposal]:
    """The table's columns under `mapping`: each heading the mapping knows keeps its choice, the rest are proposed
    afresh (columns.propose_columns), in the table's column order."""
    values_in = [any(row.cells[i] not in (None, "") for row in table.rows) for i in range(len(table.headers))]
    fresh = propose_columns(table.headers, own_labels=own_labels, values_in=values_in)
    held = mapping.sheets.get(table.sheet, []) if mapping else []
    saved = {normalise(p.header): p for p in held if normalise(p.header)}  # unheaded columns: proposed afresh
    return [saved.get(normalise(header), proposal) for header, proposal in zip(table.headers, fresh, strict=True)]


def mapping_for_tables(mapping: Mapping, tables) -> Mapping:
    """A kept mapping laid over this file's tables: a sheet the mapping names keeps its choices; a sheet it does not
    (next term's CSV, named after its file, or a renamed sheet) takes the unused kept sheet sharing most of its
    headings, if any."""
    sheets = dict(mapping.sheets)
    unused = {name: proposals for name, proposals in mapping.sheets.items() if name not in {t.sheet for t in tables}}
    for table in tables:
        if table.sheet in sheets or not unused:
            continue
        headings = {normalise(header) for header in table.headers if normalise(header)}
        name, shared = max(
            ((name, len(headings & {normalise(p.header) for p in proposals})) for name, proposals in unused.items()),
            key=lambda pair: pair[1],
        )
        if shared:
            sheets[table.sheet] = unused.pop(name)
    return Mapping(sheets=sheets, skip=list(mapping.skip))


def headings_shared(mapping: Mapping, tables) -> int:
    """How many of the tables' headings the mapping knows, whatever the sheets are called: how a kept mapping is
    matched to next term's file."""
    held = {normalise(p.header) for proposals in mapping.sheets.values() for p in proposals if normalise(p.header)}
    return sum(1 for table in tables for header in table.headers if normalise(header) in held)
