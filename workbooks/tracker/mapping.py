"""A tracker's confirmed mapping, kept as JSON so next term's file of the same shape needs no mapping again.

The mapping says, for each sheet, what each heading fills (columns.Proposal). It is matched by heading, not by
position: next term's tracker adds an "Update Jun 2025" column and moves the others along, and each heading keeps
the choice made for it; a heading the mapping does not know gets a fresh proposal. A sheet named in `skip` is left
out. The file is meant to be read and edited by a programme manager (`manage.py import_plan --save-mapping`).

    {"sheets": {"WSoA tracker": [{"header": "Lead Officer", "field": "leads"},
                                 {"header": "Update Jan 2025", "field": "progress",
                                  "period": {"name": "January 2025", "start": "2025-01-01", "end": "2025-01-31"}},
                                 {"header": "Directorate", "field": "own", "label": "Directorate"}]},
     "skip": ["Key"],
     "words": {"rag": {"On track": "green", "Off track": "red"}, "stage": {"Delivering": "in_progress"}}}

`words` gives, per word-valued field (columns.WORD_FIELDS), the app's value for each of the tracker's own words the
importer cannot read; `unread_words` lists the words still wanting one, for the mapping page to ask about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from workbooks.tracker.columns import (
    WORD_FIELDS,
    Field,
    PeriodGuess,
    Proposal,
    cell_text,
    narrative_column,
    normalise,
    propose_columns,
    reads_as_is,
    word_choices,
    word_key,
    worded,
)
from workbooks.tracker.translate import PlanFacts, action_rows, as_percent, holds_fractions


class MappingError(ValueError):
    """A mapping file that cannot be used, with where and why."""


@dataclass
class Mapping:
    sheets: dict[str, list[Proposal]] = field(default_factory=dict)
    skip: list[str] = field(default_factory=list)
    # Per word-valued field, the tracker's word -> the app's value ({"rag": {"On track": "green"}}).
    words: dict[Field, dict[str, str]] = field(default_factory=dict)


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
        "words": {chosen.value: dict(words) for chosen, words in mapping.words.items() if words},
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
    mapping.words = _words(data.get("words", {}))
    return mapping


def _words(data) -> dict[Field, dict[str, str]]:
    """The words part of a mapping file, each word's value checked against the choices the mapping page offers."""
    if not isinstance(data, dict):
        raise MappingError('"words" should be an object: for each field, the tracker’s word and the app’s value.')
    words: dict[Field, dict[str, str]] = {}
    fields = ", ".join(f.value for f in WORD_FIELDS)
    for name, given in data.items():
        chosen = next((f for f in WORD_FIELDS if f.value == name), None)
        if chosen is None:
            raise MappingError(f"Words for “{name}”: words are given only for {fields}.")
        if not isinstance(given, dict):
            raise MappingError(f'Words for “{name}”: give each word and the app\'s value, like {{"On track": ...}}.')
        choices = [value for value, _label in word_choices(chosen)]
        for word, value in given.items():
            if value is None:  # as --save-mapping writes a word it could not read
                shown = ", ".join(v for v in choices if v)
                raise MappingError(
                    f'Words for “{name}”: “{word}” has no value yet: give it one of {shown} (or "" for none).'
                )
            if not isinstance(value, str) or value not in choices:
                shown = ", ".join(v for v in choices if v)
                raise MappingError(
                    f'Words for “{name}”: “{word}” is given “{value}”, which is not one of {shown} (or "" for none).'
                )
        words[chosen] = {str(word): value for word, value in given.items()}
    return words


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
    held = mapping.sheets.get(table.sheet, []) if mapping else []
    if [normalise(p.header) for p in held] == [normalise(h) for h in table.headers]:
        return list(held)  # the mapping made for this very table: column by column, repeated headings and all
    values_in = [any(row.cells[i] not in (None, "") for row in table.rows) for i in range(len(table.headers))]
    fresh = propose_columns(table.headers, own_labels=own_labels, values_in=values_in)
    fresh = [_narrative_as_progress(table, index, proposal) for index, proposal in enumerate(fresh)]
    saved = {normalise(p.header): p for p in held if normalise(p.header)}  # unheaded columns: proposed afresh
    return [saved.get(normalise(header), proposal) for header, proposal in zip(table.headers, fresh, strict=True)]


# Why a sheet of KPIs is proposed to be left out, on the mapping page and in the command's warnings.
KPI_SHEET_WHY = (
    "holds KPIs (a measure, indicator or KPI column and no actions): KPIs are not read from a tracker yet, so it is "
    "left out; bring its measures, baselines and values in on the plan workbook's KPIs and Measurements sheets"
)


def holds_kpis(table) -> bool:
    """A tracker's sheet of KPIs ("Measure", "Baseline", "Target", "Q1 24/25", "2023/24"): a column its heading
    proposes as a KPI or measure, and none of actions. Its rows are not actions: read as such, a KPI with a ref would
    become an action with no text, and one without would be dropped unsaid."""
    fields = {proposal.field for proposal in propose_columns(table.headers)}
    return Field.KPI in fields and Field.ACTION not in fields


def _narrative_as_progress(table, index: int, proposal: Proposal) -> Proposal:
    """A "Status" column of dated narrative and no RAG ("Panel meets weekly (March 2025).") is progress: proposed
    so, its text is kept as progress entries instead of being asked about, sentence by sentence, as rating words."""
    if proposal.field != Field.RAG or proposal.period is not None:
        return proposal
    if not narrative_column(row.cells[index] for row in table.rows):
        return proposal
    return Proposal(
        proposal.header,
        Field.PROGRESS,
        "holds written progress, not ratings: each part dated in brackets (“… (March 2025).”) becomes a progress "
        "entry for that month, the rest one for the round this file reports",
    )


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
    return Mapping(sheets=sheets, skip=list(mapping.skip), words=dict(mapping.words))


def headings_shared(mapping: Mapping, tables) -> int:
    """How many of the tables' headings the mapping knows, whatever the sheets are called: how a kept mapping is
    matched to next term's file."""
    held = {normalise(p.header) for proposals in mapping.sheets.values() for p in proposals if normalise(p.header)}
    return sum(1 for table in tables for header in table.headers if normalise(header) in held)


def unread_words(tables, mapping: Mapping | None, *, stage_words: dict[str, str] | None = None) -> dict[Field, list]:
    """Per word-valued field, the distinct values of its columns the importer cannot read under `mapping` (its
    words applied), as first written, in the order met: what the mapping page asks the programme manager to give
    the app's value for (columns.word_choices). Only rows translate takes as actions count (not an area's heading
    row between blocks). `stage_words`: the plan's own stage words (parsing.stage_words), read as they are."""
    words = mapping.words if mapping else {}
    unread: dict[Field, dict[str, str]] = {}
    for table in tables:
        proposals = proposals_for(table, mapping)
        columns = [(i, p.field) for i, p in enumerate(proposals) if p.field in WORD_FIELDS]
        fractions = {i for i, chosen in columns if chosen == Field.PERCENT_COMPLETE and holds_fractions(table, i)}
        for row, _area in action_rows(table, proposals):
            for index, chosen in columns:
                value = as_percent(row.cells[index]) if index in fractions else row.cells[index]
                read = reads_as_is(chosen, worded(value, words.get(chosen)), stage_words=stage_words)
                if cell_text(value) and not read:
                    unread.setdefault(chosen, {}).setdefault(word_key(value), cell_text(value))
    return {chosen: list(values.values()) for chosen, values in unread.items()}
