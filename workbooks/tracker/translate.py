"""An area's own tracker, as read (tables.py) and mapped (columns.py), turned into the plan workbook the importer
already checks and applies all or nothing (issue 18).

Rather than a second importer, a tracker becomes the rows of the workbook contract (docs/import.md): the Plan sheet
from the facts the programme manager gave, the Areas and Actions sheets from its rows, a Periods row for each
reporting period its dated columns name, an Updates row for each dated cell, and a Fields row for each column kept
as a field of the plan's own. Each row keeps the tracker's sheet title, row number and column headings, so every
problem the importer finds names the tracker's own sheet, row, column and value, and importing next term's file
updates the same records in place, as a re-imported workbook does.

Areas come from, in order: an area column (its values, "2. Timeliness" or "Area for improvement 3: ..."), the
sheet's title rows ("Area of weakness 2: ..." above the header: one sheet per area), or the sheet's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from workbooks import schema
from workbooks.parsing import ParseError, parse_area_kind
from workbooks.reader import Problem, Row, Workbook
from workbooks.tracker.columns import WORD_FIELDS, Field, PeriodGuess, Proposal, cell_text, dated_parts, worded
from workbooks.tracker.tables import AREA_TITLE

# Where the Plan sheet's rows come from: the mapping page's facts, not a sheet of the tracker.
FACTS = "Plan facts"
# The tracker's columns kept as the plan's own fields: where their definitions come from.
MAPPING = "Column mapping"

_AREA_WORDS = (
    r"area\s+of\s+weakness|area\s+for\s+priority\s+action|area\s+for\s+improvement|improvement\s+area"
    r"|afi|api|priority|theme|workstream|recommendation|aim|area"
)
# "Area of weakness 2: Timeliness", "AFI 3 - Transitions", "2. Timeliness", "B) Joint commissioning".
_AREA_HEADING = re.compile(
    rf"^\s*(?:(?P<words>{_AREA_WORDS})\s*)?(?P<ref>\d+[a-z]?|[a-z])\s*[:.)\-–—]\s*(?P<title>\S.*)$", re.IGNORECASE
)
_AREA_WORDS_ONLY = re.compile(rf"^\s*(?P<words>{_AREA_WORDS})\s+(?P<ref>\d+[a-z]?|[a-z])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class PlanFacts:
    """What the tracker does not say and the programme manager gives on the mapping page."""

    local_area: str
    title: str
    plan_type: str  # WSoA, APP, PAP or improvement plan, as the Plan sheet takes it
    start_date: date
    slug: str = ""
    inspection_date: date | None = None
    published_date: date | None = None
    # The round this file reports, for its undated rating and progress columns ("RAG Status", "Latest update").
    current_period: PeriodGuess | None = None


@dataclass
class AreaHeading:
    ref: str
    title: str
    kind: str = ""


def area_heading(text, *, fallback_ref: str) -> AreaHeading:
    """An area as a tracker names it: its ref, title and kind from "Area for improvement 3: Transitions", "2.
    Timeliness" or "Theme B"; a name with no ref ("Joint commissioning") takes `fallback_ref`."""
    text = " ".join(str(text or "").split())
    if match := _AREA_HEADING.match(text):
        return AreaHeading(match["ref"].upper(), match["title"].strip(), _kind_of(match["words"]))
    if match := _AREA_WORDS_ONLY.match(text):
        return AreaHeading(match["ref"].upper(), text, _kind_of(match["words"]))
    return AreaHeading(fallback_ref, text)


def _kind_of(words: str | None) -> str:
    """The kind the heading's words name, as the Areas sheet's kind column reads them (parse_area_kind); "" for an
    area of weakness (the default, so it need not be said) and for words naming no kind ("Theme", "Aim")."""
    if not words:
        return ""
    try:
        kind = parse_area_kind(words)
    except ParseError:
        return ""
    return "" if kind == "weakness" else kind


def _text(value) -> str:
    """A cell as the workbook contract reads it: a whole number without ".0", a date as a date, text stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


@dataclass
class _Translation:
    facts: PlanFacts
    workbook: Workbook = field(default_factory=Workbook)
    areas: dict[str, AreaHeading] = field(default_factory=dict)
    periods: dict[str, PeriodGuess] = field(default_factory=dict)
    own_fields: dict[str, Proposal] = field(default_factory=dict)  # label -> the first column kept under it

    def add(self, sheet: schema.Sheet, row: Row) -> None:
        self.workbook.sheets.setdefault(sheet.name, []).append(row)

    def plan_rows(self) -> None:
        facts = self.facts
        given = {
            "slug": facts.slug,
            "local area": facts.local_area,
            "title": facts.title,
            "type": facts.plan_type,
            "inspection date": facts.inspection_date,
            "published date": facts.published_date,
            "start date": facts.start_date,
        }
        for number, (name, value) in enumerate(given.items(), start=1):
            if value not in (None, ""):
                cells = {"field": name, "value": value}
                self.add(schema.PLAN, Row(FACTS, number, cells, {"field": "fact", "value": name}))

    def area_for(self, heading: AreaHeading) -> str:
        """The area's ref, its Areas row added the first time it is named."""
        held = self.areas.get(heading.ref)
        if held is None:
            self.areas[heading.ref] = heading
        return heading.ref


def tracker_workbook(
    tables, proposals: dict[str, list[Proposal]], facts: PlanFacts, *, words: dict[Field, dict[str, str]] | None = None
) -> Workbook:
    """The plan workbook for `tables` (tables.SheetTable, one per sheet read) under the confirmed `proposals` (by
    sheet title, one per column), ready for importer.import_workbook(..., workbook=...). `words`: the app's value
    for each of the tracker's own words in a word-valued column (mapping.Mapping.words), put in the word's place."""
    translation = _Translation(facts)
    translation.plan_rows()
    for table in tables:
        _table_rows(translation, _worded_table(table, proposals[table.sheet], words or {}), proposals[table.sheet])
    workbook = translation.workbook
    for number, (ref, heading) in enumerate(translation.areas.items(), start=1):
        cells = {"ref": ref, "title": heading.title or f"Area {ref}"}
        if heading.kind:
            cells["kind"] = heading.kind
        workbook.sheets.setdefault(schema.AREAS.name, []).append(
            Row("Areas found", number, cells, {"ref": "area", "title": "area", "kind": "area"})
        )
    periods = sorted(translation.periods.values(), key=lambda p: p.start)
    for number, period in enumerate(periods, start=1):
        cells = {"period": period.name, "start": period.start, "end": period.end, "status": "closed"}
        workbook.sheets.setdefault(schema.PERIODS.name, []).append(
            Row("Reporting periods found", number, cells, {name: "period" for name in cells})
        )
    for number, (label, proposal) in enumerate(translation.own_fields.items(), start=1):
        # Not public until someone says so: a tracker's own columns (sections, internal notes) are the programme
        # office's, and the fields page can make one public.
        cells = {"label": label, "applies to": "Actions", "kind": "long text", "order": number - 1, "public": "no"}
        workbook.sheets.setdefault(schema.FIELDS.name, []).append(
            Row(MAPPING, number, cells, {name: proposal.header for name in cells})
        )
    if not workbook.sheets.get(schema.ACTIONS.name):
        workbook.problems.append(Problem("(file)", None, "", "", "has no rows of actions under the mapped columns."))
    return workbook


def _worded_table(table, proposals: list[Proposal], words: dict[Field, dict[str, str]]):
    """The table with each word of a word-valued column that the mapping gives a value for replaced by that value
    (dated rating columns too), so the importer reads "green" where the tracker says "On track"."""
    columns = [(i, words[p.field]) for i, p in enumerate(proposals) if p.field in WORD_FIELDS and words.get(p.field)]
    if not columns:
        return table
    rows = []
    for row in table.rows:
        cells = list(row.cells)
        for index, given in columns:
            cells[index] = worded(cells[index], given)
        rows.append(replace(row, cells=cells))
    return replace(table, rows=rows)


def _by_field(proposals: list[Proposal]) -> dict[Field, list[int]]:
    """The columns of each field that name no period (a dated column is a round's entries: _dated_updates)."""
    by_field: dict[Field, list[int]] = {}
    for index, proposal in enumerate(proposals):
        if proposal.period is None:
            by_field.setdefault(proposal.field, []).append(index)
    return by_field


def area_row(cells) -> str:
    """The area a row between blocks of actions names ("Area of weakness 2: Timeliness" alone in its first cell,
    or merged across the row), else "": a row whose one value names an area as a title row would (tables'
    AREA_TITLE)."""
    values = {cell_text(value) for value in cells if cell_text(value)}
    if len(values) != 1:
        return ""
    [text] = values
    return text if AREA_TITLE.match(text) else ""


def action_rows(table, proposals: list[Proposal]):
    """The table's rows of actions, each with the area named by the last area row above it ("" before any): a row
    naming an area between blocks of actions is not an action, nor is a row with neither an action nor a ref (a
    sub-heading or a note between actions)."""
    by_field = _by_field(proposals)
    named = ""
    for row in table.rows:
        if heading := area_row(row.cells):
            named = heading
            continue
        if any(_text(row.cells[i]) for i in [*by_field.get(Field.ACTION, []), *by_field.get(Field.REF, [])]):
            yield row, named


def _table_rows(translation: _Translation, table, proposals: list[Proposal]) -> None:
    by_field = _by_field(proposals)
    sheet_area = (
        area_heading(table.area_title, fallback_ref=str(len(translation.areas) + 1))
        if table.area_title
        else AreaHeading(str(len(translation.areas) + 1), table.sheet)
    )
    generated: dict[str, int] = {}  # per area, the refs given to rows with none
    table_names_areas = Field.AREA in by_field  # else the sheet is one area, the rows between blocks name them
    fractions = [i for i in by_field.get(Field.PERCENT_COMPLETE, []) if holds_fractions(table, i)]
    for data_row, named_area in action_rows(table, proposals):
        cells = [as_percent(cell) if i in fractions else cell for i, cell in enumerate(data_row.cells)]

        def first(wanted: Field, cells=cells):
            return next((cells[i] for i in by_field.get(wanted, []) if _text(cells[i])), None)

        def joined(wanted: Field, cells=cells) -> str:
            return "; ".join(_text(cells[i]) for i in by_field.get(wanted, []) if _text(cells[i]))

        action_text = _text(first(Field.ACTION))
        ref = _text(first(Field.REF))
        if Field.AREA in by_field and _text(first(Field.AREA)):
            area_ref = translation.area_for(
                area_heading(first(Field.AREA), fallback_ref=_next_area_ref(translation, first(Field.AREA)))
            )
        elif named_area:
            area_ref = translation.area_for(
                area_heading(named_area, fallback_ref=_next_area_ref(translation, named_area))
            )
        else:
            area_ref = translation.area_for(sheet_area)
        if not ref:
            generated[area_ref] = generated.get(area_ref, 0) + 1
            ref = f"{area_ref}.{generated[area_ref]}"
        elif ref.isdigit() and not table_names_areas:
            # One sheet per area numbering its actions 1, 2, 3: refs are unique in a plan, so "1" on the sheet of
            # area 2 is action 2.1, as the published plan would call it.
            ref = f"{area_ref}.{ref}"
        headers = {}
        row_cells = {"area": area_ref, "ref": ref, "action": action_text}
        for wanted, column in (
            (Field.AREA, "area"),
            (Field.REF, "ref"),
            (Field.ACTION, "action"),
            (Field.LEADS, "leads"),
            (Field.ACCOUNTABLE, "accountable"),
            (Field.PARTNERS, "partners"),
            (Field.DUE, "due"),
            (Field.STAGE, "stage"),
            (Field.PERCENT_COMPLETE, "percent complete"),
            (Field.COMPLETION_DATE, "completed on"),
            (Field.RAG, "rag"),
            (Field.PROGRESS, "progress"),
            (Field.IMPACT, "impact"),
            (Field.EVIDENCE, "evidence"),
        ):
            if wanted not in by_field:
                continue
            headers[column] = proposals[by_field[wanted][0]].header
            if column in ("leads", "partners", "progress", "evidence", "impact"):
                row_cells[column] = joined(wanted)
            elif column not in row_cells:
                row_cells[column] = first(wanted)
        current = translation.facts.current_period
        entries: list[_Entry] = []
        if row_cells.get("progress"):
            row_cells["progress"], dated = _undated_and_dated(row_cells["progress"], current)
            entries += [_Entry(period, "progress", part, headers["progress"]) for period, part in dated]
        if not _text(row_cells.get("rag")):
            # The importer reads an Actions row's progress, impact and evidence only beside a rating: with none
            # they are the round's narrative entry, an Updates row, so a "Latest update" with no RAG is kept.
            for column in ("progress", "impact", "evidence"):
                if text := _text(row_cells.pop(column, None)):
                    if current is None:
                        translation.workbook.problems.append(_no_round(table, data_row, headers[column], text))
                    else:
                        entries.append(_Entry(current, column, text, headers[column]))
        entries = _beside_progress(entries, current)
        if "rag" in row_cells and current is not None:
            translation.periods.setdefault(current.name, current)
            row_cells["rated in"] = current.name
        row = Row(table.sheet, data_row.number, row_cells, headers)
        row.extra = _own_values(translation, proposals, cells)
        translation.add(schema.ACTIONS, row)
        _dated_updates(translation, table, data_row, proposals, ref, entries)


@dataclass(frozen=True)
class _Entry:
    """A text of an update that no dated column gives: the round's narrative, or a part dated in brackets."""

    period: PeriodGuess
    column: str  # progress, impact or evidence, as the Updates sheet heads them
    text: str
    header: str  # the tracker's column it came from


def _beside_progress(entries: list[_Entry], current: PeriodGuess | None) -> list[_Entry]:
    """An impact or evidence for the round whose progress is all dated in brackets goes with the latest dated part:
    an entry without a rating is its narrative, so one of impact alone would be refused, and the latest record of
    what happened is what the impact is of."""
    if current is None or any(e.period == current and e.column == "progress" for e in entries):
        return entries
    dated = [e.period for e in entries if e.column == "progress" and e.period != current]
    if not dated:
        return entries
    latest = max(dated, key=lambda period: period.start)
    return [replace(e, period=latest) if e.period == current else e for e in entries]


def _no_round(table, data_row, header: str, text: str) -> Problem:
    return Problem(
        table.sheet,
        data_row.number,
        header,
        text,
        "is progress with no date in its column's heading and no round named for the file: name the round it "
        "reports (the mapping page's current round, or --period).",
    )


def _undated_and_dated(text: str, current: PeriodGuess | None) -> tuple[str, list[tuple[PeriodGuess, str]]]:
    """An undated progress cell ("Status", "Latest update") split into the part for the round the file reports and
    the parts it dates itself in brackets, each for its month (columns.dated_parts). A part dated in the round
    itself stays in the round's entry: one action has one entry per period."""
    rest, dated = dated_parts(text, until=current.end if current else None)
    if current is not None and any(period.name == current.name for period, _part in dated):
        rest = " ".join([*(part for period, part in dated if period.name == current.name), rest]).strip()
        dated = [(period, part) for period, part in dated if period.name != current.name]
    return rest, dated


def holds_fractions(table, index: int) -> bool:
    """A % complete column formatted as a percentage in Excel holds fractions (0.5 shown as 50%): every number in
    it is between 0 and 1 and some lie strictly between. Read so, its 1 is 100%, not the 1% the cell alone could
    be."""
    numbers = [row.cells[index] for row in table.rows if isinstance(row.cells[index], int | float)]
    numbers = [n for n in numbers if not isinstance(n, bool)]
    return bool(numbers) and all(0 <= n <= 1 for n in numbers) and any(0 < n < 1 for n in numbers)


def as_percent(value):
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{round(value * 100, 1):g}%"
    return value


def _next_area_ref(translation: _Translation, name) -> str:
    """A ref for an area named without one: the one already given to that name, else the next number."""
    text = " ".join(str(name).split())
    held = next((ref for ref, heading in translation.areas.items() if heading.title == text), None)
    return held or str(len(translation.areas) + 1)


def _own_values(translation: _Translation, proposals: list[Proposal], cells: list) -> dict[str, object]:
    values = {}
    for index, proposal in enumerate(proposals):
        if proposal.field in (Field.OWN, Field.COMMENTS, Field.OUTCOME, Field.KPI) and proposal.period is None:
            label = proposal.label or proposal.header or "Notes"
            translation.own_fields.setdefault(label, proposal)
            values[label] = _text(cells[index]) or None
    return values


def _dated_updates(
    translation: _Translation, table, data_row, proposals: list[Proposal], ref: str, entries: list[_Entry] = ()
) -> None:
    """One Updates row per reporting period the row has a dated progress or rating cell, or an undated text
    (`entries`), for. Two texts for one period (a dated column and a part dated in brackets) are joined on separate
    lines, so neither is lost."""
    by_period: dict[str, dict[str, object]] = {}
    headers: dict[str, dict[str, str]] = {}
    for entry in entries:
        name = entry.period.name
        translation.periods.setdefault(name, entry.period)
        cells = by_period.setdefault(name, {"action": ref, "period": name})
        cells[entry.column] = "\n".join(filter(None, [cells.get(entry.column), entry.text]))
        headers.setdefault(name, {"action": "ref", "period": entry.header})[entry.column] = entry.header
    for index, proposal in enumerate(proposals):
        if proposal.period is None or proposal.field not in (Field.PROGRESS, Field.RAG):
            continue
        value = _text(data_row.cells[index])
        if not value:
            continue
        name = proposal.period.name
        translation.periods.setdefault(name, proposal.period)
        column = "rag" if proposal.field == Field.RAG else "progress"
        cells = by_period.setdefault(name, {"action": ref, "period": name})
        cells[column] = "\n".join(filter(None, [value, cells.get(column)])) if column == "progress" else value
        headers.setdefault(name, {"action": "ref", "period": proposal.header})[column] = proposal.header
    for name, cells in by_period.items():
        translation.add(schema.UPDATES, Row(table.sheet, data_row.number, cells, headers[name]))
