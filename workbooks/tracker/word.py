"""Read a published Word plan (.docx) as a tracker: the same tables tables.read_tracker gives for a spreadsheet, so
the mapping, translation and import that follow are unchanged (issue 18, decision 0024).

Areas publish their plan in Word in two shapes, often both in one document:

- **Tables per area, with headed columns.** A heading paragraph names the area ("Area of weakness 1: Timeliness of
  EHCPs", "Priority 2 - ...") and a table follows, headed Ref, Action, Lead, By when, Success criteria, RAG... Each
  Word table is read by tables.py's own rules (header found below title rows, a two-row header joined, a header
  repeated at a page break left out, a cell merged down given to each row it covers) as a table named "Table N",
  N counting every table in the document, so a problem says "Table 2, row 5" (rows counted from the table's first
  row, the header included). The area comes from the table's own merged title row when it names one, else from the
  nearest area heading above. A cell spanning several columns in a data row holds one value: it is put in its first
  column only, not copied into its neighbours. Lines in a cell are kept as new lines (leads split on them later).
  A table with no header (a contents table, a one-column box) is skipped with the reason.
- **Labelled blocks per action.** A block of fields is repeated per action: paragraphs "Action 1.1", "What we will
  do: ...", "Lead: ...", "By when: ..."; or each label a bold paragraph (or one ending in a colon) with its value in
  the paragraphs below; or a two-column table per action, labels on the left and values on the right. Every block
  of the document becomes one row of a single table, "Actions", its columns the labels in order of first appearance
  (a label one block lacks is an empty cell), with an "Area" column from the nearest area heading above and a "Ref"
  column from the "Action 1.1" line that opens a block. A row's number is the block's number in the document:
  "Actions, row 3" is the third block.

A label is short text that names a field we know ("Lead", "By when", "What we will do") or one of a plan's own block
headings ("What we want", "Success criteria"), or any short label used in two places or more. A block counts when
it names an action (an "Action 1.1" line, or a label reading as the action or its reference, "What we will do") and
has two fields filled: so "Note: ..." and "Lead: ..." in the introduction are not taken for an action.

The file's bounds are the workbook's: its parts unzipped (``_too_big``), MAX_ROWS rows in a table, MAX_CELLS cells
and paragraphs in all, MAX_CELL_CHARACTERS in a cell. A part declaring a DOCTYPE (where XML entities hide) is refused
before python-docx parses anything; python-docx's own parser does not resolve entities either, and it never loads a
relationship's external target. Anything it cannot open is a problem, never an exception. Nothing here touches the
database.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from docx import Document
from docx.text.paragraph import Paragraph

from workbooks.reader import MAX_CELL_CHARACTERS, MAX_CELLS, MAX_ROWS, Problem, _too_big
from workbooks.tracker.columns import OWN_BLOCK_HEADINGS, Field, normalise, propose_columns
from workbooks.tracker.tables import (
    AREA_TITLE,
    FILE,
    Grid,
    Merge,
    Refused,
    SheetTable,
    TableRow,
    TrackerTables,
    _add_table,
    _area_title,
    _cell_value,
    _is_label,
)

BLOCKS = "Actions"  # the table every labelled block of the document becomes a row of
NOTHING_FOUND = "No table of actions or labelled blocks was found in the Word document."
LABEL_WORDS = 8  # a label is a few words: "The difference this will make"
AREA_HEADING_CHARACTERS = 200  # an area heading is a line, not a paragraph of prose that mentions a priority
PROLOGUE_BYTES = 4096  # a DOCTYPE comes before the root element, in a part's first bytes
# "Action 1.1", "Action 2.3a(2): Recruit coordinators", "Ref 4.01.01 - ..." opening a block.
OPENER = re.compile(
    r"^\s*(?:action|ref(?:erence)?|item)\s*(?:no\.?\s*)?(?P<ref>\d+(?:\.\d+)*[a-z]?(?:\(\d+\))?)"
    r"\s*(?:[:.)\-–—]\s*(?P<title>\S.*))?$",
    re.IGNORECASE | re.DOTALL,
)
LABEL_AND_VALUE = re.compile(r"^(?P<label>[A-Za-z][^:\n]{0,58}?)\s*:\s*(?P<value>.*)$", re.DOTALL)


def read_word(file, *, filename: str = "") -> TrackerTables:
    """Every table and labelled block of a Word plan, as tables.read_tracker gives a tracker's sheets."""
    result = TrackerTables()
    try:
        data = bytes(file) if isinstance(file, bytes | bytearray) else file.read()
    except (OSError, ValueError) as error:
        result.problems.append(Problem(FILE, None, "", "", f"could not be read ({error})."))
        return result
    if not data:
        result.problems.append(Problem(FILE, None, "", "", "is empty: there is no plan in it."))
        return result
    try:
        _read_document(_open(data), result)
    except Refused as refusal:
        result.problems.append(refusal.problem)
        return result
    except Exception as error:  # a part python-docx opened but cannot walk (a style or cell it does not expect)
        result.problems.append(_not_a_document(error))
        return result
    if not result.tables and not result.problems:
        result.problems.append(Problem(FILE, None, "", "", _why_nothing(result)))
    return result


def _why_nothing(result: TrackerTables) -> str:
    if not result.skipped:
        return f"{NOTHING_FOUND} It holds no tables, and no paragraphs labelled per action (“Lead: …”)."
    left_out = "; ".join(f"{name} {why}" for name, why in result.skipped)
    return f"{NOTHING_FOUND} Its tables were left out: {left_out}"


# Opening the file


def _open(data: bytes):
    """The python-docx Document, or Refused saying why the file is not a Word document we can read."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise Refused(_not_a_document(error)) from error
    if problem := _too_big(io.BytesIO(data)):
        raise Refused(problem)
    with archive:
        _no_doctype(archive)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises many kinds (KeyError, ValueError, lxml's) for a broken part
        raise Refused(_not_a_document(error)) from error
    return document


def _not_a_document(error: Exception) -> Problem:
    return Problem(
        FILE, None, "", "", f"is not a Word document (.docx) we can open ({error}): save it again from Word as .docx."
    )


def _no_doctype(archive: zipfile.ZipFile) -> None:
    """Refuse a part declaring a DOCTYPE, where XML entities are declared: Word never writes one."""
    for member in archive.infolist():
        if not member.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(member) as part:
                prologue = part.read(PROLOGUE_BYTES)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError) as error:
            raise Refused(_not_a_document(error)) from error
        if b"<!DOCTYPE" in prologue.upper():
            raise Refused(
                Problem(
                    FILE,
                    None,
                    "",
                    "",
                    f"declares XML entities in {member.filename}, which a document saved by Word never does, "
                    "so it was not read.",
                )
            )


# Walking the document


@dataclass
class _Walk:
    """What reading the body in order keeps track of."""

    result: TrackerTables
    labels: set[str]  # normalised labels taken as a block's field labels in this document
    area: str = ""  # the nearest area heading above
    tables_seen: int = 0
    cells: int = 0  # table cells and paragraphs read, against MAX_CELLS
    blocks: list[_Block] = field(default_factory=list)
    block: _Block | None = None
    pending: str = ""  # the label whose value the next plain paragraphs continue

    def count(self, cells: int, where: str) -> None:
        self.cells += cells
        if self.cells > MAX_CELLS:
            raise Refused(
                Problem(
                    FILE,
                    None,
                    "",
                    "",
                    f"has more than {MAX_CELLS:,} table cells and paragraphs, far more than a plan needs: "
                    f"{where} reached it.",
                )
            )

    def close(self) -> None:
        if self.block is not None:
            self.blocks.append(self.block)
        self.block, self.pending = None, ""

    def open(self, ref: str = "", title: str = "") -> _Block:
        self.close()
        self.block = _Block(area=self.area, ref=ref, title=title)
        return self.block


@dataclass
class _Block:
    area: str
    ref: str = ""
    title: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)  # normalised label -> its value's lines
    names: dict[str, str] = field(default_factory=dict)  # normalised label -> as first written

    def add(self, label: str, value: str) -> None:
        key = normalise(label)
        self.names.setdefault(key, label)
        lines = self.fields.setdefault(key, [])
        if value:
            lines.append(value)

    def filled(self) -> int:
        return sum(1 for lines in self.fields.values() if lines) + bool(self.ref) + bool(self.title)

    def names_an_action(self) -> bool:
        if self.ref or self.title:
            return True
        fields = propose_columns([self.names[key] for key, lines in self.fields.items() if lines])
        return any(proposal.field in (Field.ACTION, Field.REF) for proposal in fields)


def _read_document(document, result: TrackerTables) -> None:
    items = list(document.iter_inner_content())  # paragraphs and tables of the body, in document order
    grids = {}
    walk = _Walk(result, labels=set())
    for item in items:
        if not isinstance(item, Paragraph):
            walk.tables_seen += 1
            grids[id(item)] = _grid(item, f"Table {walk.tables_seen}", walk)
    walk.labels = _labels_used(items, grids)
    walk.tables_seen = 0
    for item in items:
        if isinstance(item, Paragraph):
            _paragraph(item, walk)
        else:
            walk.tables_seen += 1
            _table(f"Table {walk.tables_seen}", *grids[id(item)], walk)
    walk.close()
    _blocks_table(walk)


def _labels_used(items: list, grids: dict) -> set[str]:
    """The labels taken as field labels: each known one, and any short label written in two places or more."""
    seen: dict[str, int] = {}
    for item in items:
        if isinstance(item, Paragraph):
            label = _label_of(item)[0]
            candidates = [label] if label else []
        else:
            grid, _merges = grids[id(item)]
            candidates = [pair[0] for pair in _label_pairs(grid) or []]
        for label in candidates:
            seen[normalise(label)] = seen.get(normalise(label), 0) + 1
    return {label for label, times in seen.items() if label and (times >= 2 or _known_label(label))}


def _known_label(label: str) -> bool:
    """A label naming a field we know ("Lead", "By when") or a plan's own block heading ("What we want")."""
    if label in OWN_BLOCK_HEADINGS:
        return True
    return propose_columns([label])[0].field not in (Field.OWN, Field.LEAVE_OUT)


def _paragraph(paragraph: Paragraph, walk: _Walk) -> None:
    text = paragraph.text.strip()
    if not text:
        return
    walk.count(1, "the text")
    if len(text) > MAX_CELL_CHARACTERS:
        raise Refused(Problem(FILE, None, "", f"{text[:60]}…", _too_long(text)))
    if match := OPENER.match(text):
        walk.open(match["ref"], (match["title"] or "").strip())
        return
    if _names_area(text):
        walk.close()
        walk.area = " ".join(text.split())
        return
    label, value = _label_of(paragraph)
    if label and normalise(label) in walk.labels:
        block = walk.block
        if block is None or normalise(label) in block.fields:  # the first label again: the next action's block
            block = walk.open()
        block.add(label, value)
        walk.pending = label
        return
    if walk.block is not None and walk.pending:
        walk.block.add(walk.pending, text)  # the value continues: a bullet, a second paragraph


def _names_area(text: str) -> bool:
    """A line naming an area: "Area of weakness 1: ...", "2. Priority 2 - ...", not prose mentioning one."""
    match = AREA_TITLE.search(text)
    return bool(match) and match.start() <= 4 and len(text) <= AREA_HEADING_CHARACTERS and "\n" not in text


def _label_of(paragraph: Paragraph) -> tuple[str, str]:
    """(label, value) when the paragraph reads as a field's label: "Lead: Head of SEND" gives both, a bold "What we
    want" or a "What we want:" gives the label, its value in the paragraphs below; ("", "") otherwise. Headings
    styled as such are not labels: they head sections."""
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if not text or style.startswith(("Heading", "Title")) or OPENER.match(text):
        return "", ""
    if text.endswith(":") and _short_label(text[:-1]):
        return text[:-1].strip(), ""
    if (match := LABEL_AND_VALUE.match(text)) and _short_label(match["label"]):
        return match["label"].strip(), match["value"].strip()
    runs = [run for run in paragraph.runs if run.text.strip()]
    if runs and all(run.bold for run in runs) and _short_label(text):
        return text, ""
    return "", ""


def _short_label(text: str) -> bool:
    return _is_label(text.strip()) and len(text.split()) <= LABEL_WORDS and not text.strip().endswith(".")


# Tables


def _grid(table, name: str, walk: _Walk) -> tuple[Grid, list[Merge]]:
    """The table's cells as tables.py reads a sheet's: row -> column -> value (1-based, a cell's value in the first
    grid column it covers) with its spans as merged ranges. A Word cell spans columns (gridSpan) and rows (vMerge
    "restart", then "continue" below)."""
    grid: Grid = {}
    merges: list[Merge] = []
    open_down: dict[int, list[int]] = {}  # first column -> [top, right, bottom] of a cell merged down
    rows = table._tbl.tr_lst
    if len(rows) > MAX_ROWS:
        raise Refused(Problem(name, None, "", "", f"has more than {MAX_ROWS:,} rows: a plan's table has fewer."))
    for number, row in enumerate(rows, start=1):
        column = 1 + (row.grid_before or 0)
        for tc in row.tc_lst:
            span = max(1, tc.grid_span or 1)
            walk.count(span, name)
            left, right = column, column + span - 1
            column = right + 1
            if tc.vMerge == "continue":
                if left in open_down:
                    open_down[left][2] = number
                continue
            if left in open_down:
                _close_down(merges, left, open_down.pop(left))
            if tc.vMerge == "restart":
                open_down[left] = [number, right, number]
            elif span > 1:
                merges.append(Merge(number, left, number, right))
            value = _cell_value(name, number, left, _cell_text(tc), walk.result.problems)
            if value is not None:
                grid.setdefault(number, {})[left] = value
    for left, held in open_down.items():
        _close_down(merges, left, held)
    return grid, merges


def _close_down(merges: list[Merge], left: int, held: list[int]) -> None:
    top, right, bottom = held
    if bottom > top or right > left:
        merges.append(Merge(top, left, bottom, right))


def _cell_text(tc) -> str:
    """The cell's paragraphs, one line each (a line break inside a paragraph is kept too)."""
    return "\n".join(Paragraph(p, None).text for p in tc.p_lst).strip()


def _table(name: str, grid: Grid, merges: list[Merge], walk: _Walk) -> None:
    """A table of actions, a block's label|value table, a box naming an area, or a table skipped with the reason."""
    result = walk.result
    pairs = _label_pairs(grid)
    if pairs and sum(normalise(label) in walk.labels for label, _ in pairs) >= max(2, 0.6 * len(pairs)):
        _label_table(grid, pairs, walk)
        return
    walk.close()
    texts = [value for row in grid.values() for value in row.values()]
    if len(texts) == 1 and isinstance(texts[0], str) and _names_area(texts[0]):
        walk.area = " ".join(texts[0].split())
        result.skipped.append((name, "is a box naming an area, taken as the heading of what follows."))
        return
    before = len(result.tables)
    _add_table(name, grid, merges, result, spread_across_data=False)
    if len(result.tables) > before:
        table = result.tables[-1]
        own = table.title_lines
        above = [walk.area] if walk.area else []
        table.title_lines = [*above, *own]
        table.area_title = _area_title([*own, *above], name)  # the table's own title row first: it is nearer


def _label_pairs(grid: Grid) -> list[tuple[str, object]] | None:
    """(label, value) for each row of a two-column table whose left cells are all short labels; None for any other
    table. A row filled in one cell only (an "Action 1.1" title across the table) is left out of the pairs."""
    if not grid or any(column > 2 for row in grid.values() for column in row):
        return None
    pairs = [(row[1], row.get(2)) for row in grid.values() if 1 in row and 2 in row]
    if len(pairs) < 2 or not all(isinstance(label, str) and _short_label(label) for label, _ in pairs):
        return None
    return [(label.rstrip(":").strip(), value) for label, value in pairs]


def _label_table(grid: Grid, pairs: list[tuple[str, object]], walk: _Walk) -> None:
    """A two-column table holding one action's block. An "Action 1.1" line just above, or in a row across the
    table, opens it."""
    block = walk.block if walk.block is not None and not walk.block.fields else None
    for row in grid.values():
        if len(row) == 1 and isinstance(text := next(iter(row.values())), str) and (match := OPENER.match(text)):
            block = walk.open(match["ref"], (match["title"] or "").strip())
    if block is None:
        block = walk.open()
    for label, value in pairs:
        block.add(label, "" if value is None else str(value))
    walk.close()


# The labelled blocks, as one table


def _blocks_table(walk: _Walk) -> None:
    """All the document's blocks as one table, a row per block naming an action with two fields or more, numbered
    in order."""
    blocks = [block for block in walk.blocks if block.filled() >= 2 and block.names_an_action()]
    if not blocks:
        return
    keys: dict[str, str] = {}  # normalised heading -> as first written, in order of first appearance
    if any(block.area for block in blocks):
        keys["area"] = "Area"
    if any(block.ref for block in blocks):
        keys["ref"] = "Ref"
    if any(block.title for block in blocks):
        keys["action"] = "Action"
    for block in blocks:
        for key, name in block.names.items():
            keys.setdefault(key, name)
    rows = []
    for number, block in enumerate(blocks, start=1):
        values = {key: "\n".join(lines) for key, lines in block.fields.items() if lines}
        given = {"area": block.area, "ref": block.ref, "action": block.title}
        for key, value in given.items():
            if value and not values.get(key):
                values[key] = value
        cells = []
        for key, heading in keys.items():
            value = values.get(key) or None
            if value is not None and len(value) > MAX_CELL_CHARACTERS:
                walk.result.problems.append(Problem(BLOCKS, number, heading, f"{value[:60]}…", _too_long(value)))
            cells.append(value)
        rows.append(TableRow(number, cells))
    walk.result.tables.append(
        SheetTable(
            sheet=BLOCKS,
            header_row=0,  # labels head each block's values: there is no header row
            headers=list(keys.values()),
            columns=list(keys.values()),
            title_lines=[],
            rows=rows,
        )
    )


def _too_long(value: str) -> str:
    return f"is {len(value):,} characters long, more than the {MAX_CELL_CHARACTERS:,} a cell may hold."
