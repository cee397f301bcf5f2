"""Find the table in each sheet of a council's own tracker, as the programme manager already keeps it.

The app's own workbook (workbooks/reader.py) has its header in row 1 and one sheet per kind of record. A local area's
tracker does not: it is whatever the area's Written Statement of Action team built over the years. This module reads
such a file into plain tables, one per sheet, and leaves deciding what each column means to a later mapping step.

The reading rules, each taken from trackers areas really keep:

- Title rows come above the header: the council's name (often merged across the table), "progress tracker, updated
  Jan 2025", the area of weakness the sheet is about. They are kept as ``title_lines``, and one naming an area of
  weakness, priority, theme, workstream, ... becomes ``area_title``.
- The header is the row that best looks like headings (``_header_score``), among the first 30 non-empty rows. A title
  is a single filled cell; a data row has dates, numbers and long sentences; a header has several short labels, most
  often using words such as Ref, Action, Lead, Target date, RAG, Update.
- A two-row header, a merged group heading ("Progress") over sub-headings ("Dec 24", "Mar 25"), becomes one row of
  joined headings ("Progress Dec 24"); headings merged down over both rows are taken once.
- Merged cells are spread over every cell they cover: a header merged across two columns heads both, an area or lead
  officer merged down over several actions is given to each of them.
- Blank spacer rows, and the header printed again mid-sheet, are not data rows.
- Columns with neither a heading nor any value (margins, spacer columns) are left out; ``columns`` keeps each kept
  column's Excel letter so a later step can say where a value came from.
- A sheet with nothing in it, or with no header-like row (the "Key" of RAG colours, "Instructions"), is skipped with
  the reason.

The same bounds as the app's own workbook apply (``_too_big``, MAX_ROWS, MAX_CELLS, MAX_CELL_CHARACTERS), and a file
that cannot be read gives problems, never an exception. Nothing here touches the database.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from xml.etree.ElementTree import ParseError as XmlParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from workbooks.reader import (
    MAX_CELL_CHARACTERS,
    MAX_CELLS,
    MAX_ROWS,
    Problem,
    _too_big,
    _uncalculated_formulas,
    _unreadable,
)

FILE = "(file)"
ZIP_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the binary .xls of Excel 97-2003 (and old .doc)
HEADER_SEARCH_ROWS = 30  # the header is among a sheet's first non-empty rows: titles above it are a few at most
SHORT_LABEL = 60  # characters: a heading longer than this is a sentence, not a label
HEADING_WORDS = frozenset(
    {
        *("ref", "reference", "action", "lead", "owner", "officer", "responsible", "due", "target", "date"),
        *("deadline", "when", "rag", "status", "progress", "update", "complete", "completion", "stage", "comment"),
        *("evidence", "impact", "outcome", "milestone", "kpi", "measure"),
    }
)
# An area the sheet or title names: "Area of weakness 2: …", "Priority 1 - …", "AFI 3", "Workstream B: …".
AREA_TITLE = re.compile(
    r"(?i:\b(?:areas?\s+of\s+weakness|areas?\s+for\s+priority\s+action|areas?\s+for\s+improvement|afi|api|"
    r"priority|theme|workstream|recommendation|improvement\s+area|aim))"
    r"\s*(?:(?i:no)\.?\s*)?[-:.]?\s*(?:\d+(?:\.\d+)*|[A-Z])\b"
)
NUMBER_OR_DATE_TEXT = re.compile(
    r"^[£$]?-?\d[\d,]*(\.\d+)*%?$"  # 12, 1,200, 4.01.01, 50%
    r"|^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$"  # 31/03/2025, 2025-03-31
)


@dataclass
class TableRow:
    number: int  # the row's number in the sheet (1-based, as Excel shows it)
    cells: list  # values aligned with SheetTable.headers (None for empty)


@dataclass
class SheetTable:
    sheet: str
    header_row: int  # the last header row, for a two-row header
    headers: list[str]
    columns: list[str]  # Excel column letters, aligned with headers
    title_lines: list[str]
    rows: list[TableRow]
    area_title: str = ""


@dataclass
class TrackerTables:
    tables: list[SheetTable] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (sheet title, why)
    problems: list[Problem] = field(default_factory=list)
    # What the programme manager should check but that does not stop the import: a formula with no saved value.
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive, as Excel numbers rows and columns."""

    top: int
    left: int
    bottom: int
    right: int


# A sheet's filled cells, sparse: row number -> column number -> value (both 1-based, as Excel numbers them). Sparse
# because a sheet's used range can reach far beyond its table (a stray formatted or filled cell in column XFD).
Grid = dict[int, dict[int, object]]


class Refused(Exception):
    """Reading stops: the problem says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_tracker(file, *, filename: str = "") -> TrackerTables:
    """Every sheet's table of a tracker (.xlsx, .xlsm or .csv), with the sheets skipped and the problems met. A Word
    plan (.docx) is read by word.read_word into the same tables."""
    result = TrackerTables()
    try:
        data = bytes(file) if isinstance(file, bytes | bytearray) else file.read()
    except (OSError, ValueError) as error:
        result.problems.append(Problem(FILE, None, "", "", f"could not be read ({error})."))
        return result
    if not data:
        result.problems.append(Problem(FILE, None, "", "", "is empty: there is no tracker in it."))
        return result
    kind = _kind(data, filename)
    if kind == "docx":
        from workbooks.tracker.word import read_word  # it reads tables with this module's rules

        return read_word(data, filename=filename)
    try:
        if kind == "csv":
            _read_csv(data, filename, result)
        elif kind == "xlsx":
            _read_excel(io.BytesIO(data), result)
        else:
            result.problems.append(Problem(FILE, None, "", "", kind))
    except Refused as refusal:
        result.problems.append(refusal.problem)
    return result


def _kind(data: bytes, filename: str) -> str:
    """ "csv", "xlsx" or "docx", or why the file is none of them. The name's suffix decides when there is one we
    know, since a CSV can start with any bytes; otherwise the zip signature every .xlsx and .docx starts with, and
    the part that makes a zip a Word document."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".docx":
        return "docx"
    if suffix == ".doc":
        return "is an old-style Word file (.doc): open it in Word and save it as a Word Document (.docx)."
    if suffix == ".xls" or data.startswith(OLD_EXCEL_SIGNATURE):
        return "is an old-style Excel file (.xls): open it in Excel and save it as an Excel Workbook (.xlsx)."
    if data.startswith(ZIP_SIGNATURE):
        return "docx" if _holds_word_document(data) else "xlsx"
    if b"\x00" in data[:8192]:  # text never holds NUL bytes; anything binary that is not a zip is not a tracker
        return "is neither an Excel workbook (.xlsx) nor a CSV file we can read."
    return "csv"


def _holds_word_document(data: bytes) -> bool:
    """Whether a zip holds word/document.xml, the body of every Word document (an .xlsx has xl/workbook.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # a broken zip: the workbook reader says so


# Excel


def _read_excel(file: io.BytesIO, result: TrackerTables) -> None:
    if problem := _too_big(file):
        raise Refused(problem)
    _within_bounds(file, result)
    try:
        # Not read-only: only a fully loaded sheet knows its merged cells. The bounds above keep that load small.
        book = load_workbook(file, read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise Refused(_not_a_workbook(error)) from error
    try:
        for worksheet in book.worksheets:  # chart sheets are not among them
            grid = _excel_grid(worksheet, result.problems)
            merges = [Merge(r.min_row, r.min_col, r.max_row, r.max_col) for r in worksheet.merged_cells.ranges]
            _add_table(worksheet.title, grid, merges, result)
    finally:
        book.close()


def _not_a_workbook(error: Exception) -> Problem:
    cause = error.__cause__ or error.__context__
    if isinstance(cause, DefusedXmlException | XmlParseError):  # openpyxl wraps them in a vaguer error
        return _unreadable(FILE, cause)
    return Problem(FILE, None, "", "", f"is not an Excel workbook (.xlsx) we can open: {error}")


def _within_bounds(file: io.BytesIO, result: TrackerTables) -> None:
    """Refuse a sheet longer than MAX_ROWS, or a workbook of more than MAX_CELLS cells, before loading it whole:
    a streaming pass counts them, stopping as soon as a bound is passed, so a sparse million-row sheet costs little.
    Every cell a merged range covers counts too: loading a sheet whole creates each of them, so one "A1:XFD1048576"
    in a small file would otherwise take the server's memory. The same pass warns of each formula with no saved
    value: the sheet is read for its values, so such a cell would otherwise be read as empty without a word."""
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:
        raise Refused(_not_a_workbook(error)) from error
    cells = 0
    try:
        for title in book.sheetnames:
            worksheet = book[title]
            if not hasattr(worksheet, "reset_dimensions"):
                continue
            worksheet.reset_dimensions()  # the size a sheet declares may be wrong: count what it holds
            try:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    cells += len(values)
                    if number > MAX_ROWS:
                        raise Refused(_too_many_rows(title))
                    if cells > MAX_CELLS:
                        raise Refused(_too_many_cells(title, number))
                cells += _merged_cells(book._archive, worksheet._worksheet_path)  # openpyxl's own handles
                result.warnings += _formula_warnings(
                    title, _uncalculated_formulas(book._archive, worksheet._worksheet_path)
                )
                if cells > MAX_CELLS:
                    raise Refused(_too_many_cells(title, None))
            except Refused:
                raise
            except Exception as error:  # malformed XML, entities, a part failing its checksum
                raise Refused(_unreadable(title, error)) from error
    finally:
        book.close()
        file.seek(0)


def _formula_warnings(title: str, formulas: dict[tuple[int, int], str]) -> list[str]:
    """A warning per formula cell saved without its result (a file written by a program that never calculated it),
    by sheet, row and column: its value is read as empty."""
    return [
        f"{title}, row {number}, column {get_column_letter(column)}: “{formula}” is a formula with no saved value, "
        "so it was read as empty: open and save the file in Excel so its values are calculated."
        for (number, column), formula in sorted(formulas.items())
    ]


def _merged_cells(archive: zipfile.ZipFile, path: str) -> int:
    """How many cells the sheet's merged ranges cover, read from its XML (a read-only sheet does not give them)."""
    covered = 0
    with archive.open(path) as source:
        for _event, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "mergeCell" and element.get("ref"):
                left, top, right, bottom = range_boundaries(element.get("ref"))
                covered += (right - left + 1) * (bottom - top + 1)
            elif tag == "row":
                element.clear()
    return covered


def _too_many_rows(title: str) -> Problem:
    return Problem(title, None, "", "", f"has more than {MAX_ROWS:,} rows: a plan tracker has fewer.")


def _too_many_cells(title: str, number: int | None) -> Problem:
    where = f" at row {number}" if number else " with its merged cells"
    return Problem(
        FILE,
        None,
        "",
        "",
        f"has more than {MAX_CELLS:,} cells (counting blank ones between filled ones), far more than a plan needs: "
        f"sheet “{title}” reached it{where}. Delete unused rows and columns.",
    )


def _excel_grid(worksheet, problems: list[Problem]) -> Grid:
    """The filled cells, from the sheet's own store of them: iter_rows would pad every row to the widest one."""
    grid: Grid = {}
    for (number, column), cell in sorted(worksheet._cells.items()):
        value = _cell_value(worksheet.title, number, column, cell.value, problems)
        if value is not None:
            grid.setdefault(number, {})[column] = value
    return grid


def _cell_value(sheet: str, number: int, index: int, value, problems: list[Problem]):
    """The value as openpyxl gives it, text stripped of the spaces around it and empty text as None."""
    if isinstance(value, str):
        value = value.strip() or None
        if value is not None and len(value) > MAX_CELL_CHARACTERS:
            problems.append(
                Problem(
                    sheet,
                    number,
                    get_column_letter(index),
                    f"{value[:60]}…",
                    f"is {len(value):,} characters long, more than the {MAX_CELL_CHARACTERS:,} a cell may hold.",
                )
            )
    return value


# CSV


def _read_csv(data: bytes, filename: str, result: TrackerTables) -> None:
    """A CSV export is one sheet, named after the file. Excel writes UTF-8 with a byte-order mark, or Windows-1252
    ("CSV (Comma delimited)"); a spreadsheet set to a European locale separates with semicolons."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    title = PurePath(filename).stem if filename else "CSV"
    grid: Grid = {}
    cells = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), _dialect(text)), start=1):
            cells += len(values)
            if number > MAX_ROWS:
                raise Refused(_too_many_rows(title))
            if cells > MAX_CELLS:
                raise Refused(_too_many_cells(title, number))
            values = {i: _cell_value(title, number, i, v, result.problems) for i, v in enumerate(values, start=1)}
            if filled := {column: value for column, value in values.items() if value is not None}:
                grid[number] = filled
    except csv.Error as error:
        raise Refused(Problem(title, None, "", "", f"is not a CSV file we can read ({error}).")) from error
    _add_table(title, grid, [], result)


def _dialect(text: str):
    """The delimiter csv.Sniffer finds among the usual ones, sniffed from the lines below any title line (a title
    has no delimiter in it and confuses the sniffer); a comma when it cannot tell."""
    lines = [line for line in text.splitlines()[:60] if line.strip()]
    delimited = [line for line in lines if any(d in line for d in ",;\t|")]
    try:
        return csv.Sniffer().sniff("\n".join(delimited[:40]), delimiters=",;\t|")
    except csv.Error:
        return csv.excel


# Finding the table


def _add_table(
    title: str, grid: Grid, merges: list[Merge], result: TrackerTables, *, spread_across_data: bool = True
) -> None:
    """The sheet's table, or why it has none. `spread_across_data` False keeps a data cell merged across columns in
    its first column only (a Word table's cell spanning two columns holds one value, not one for each), while the
    header's spans and cells merged down over several rows are spread as ever."""
    if not grid:
        result.skipped.append((title, "is empty."))
        return
    header = _header_row(grid)
    if header is None:
        result.skipped.append(
            (title, "has no row that looks like a table's headings, so it is not a table of actions (a key or notes?).")
        )
        return
    top = header
    if _groups_over(grid, merges, header):  # the best row is a group heading row over sub-headings
        header = header + 1
    elif _groups_over(grid, merges, header - 1):  # the best row is the sub-headings
        top = header - 1
    if not spread_across_data:
        merges = [m for m in merges if m.top <= header or m.bottom > m.top]
    result.tables.append(_table(title, grid, merges, top, header))


def _table(title: str, grid: Grid, merges: list[Merge], top: int, header: int) -> SheetTable:
    """The table whose header is rows top..header (1-based; the same row for a one-row header)."""
    spread = _spread(grid, merges)
    header_rows = [spread.get(number, {}) for number in range(top, header + 1)]
    headers = _joined_headers(header_rows)
    header_texts = [{column: _text(value).casefold() for column, value in row.items()} for row in header_rows]
    numbers = [
        number
        for number in sorted(grid)
        if number > header and not _repeats_header(grid[number], header_texts)  # grid holds filled rows only
    ]
    columns = sorted({column for column, text in headers.items() if text}.union(*(spread[n] for n in numbers)))
    return SheetTable(
        sheet=title,
        header_row=header,
        headers=[headers.get(column, "") for column in columns],
        columns=[get_column_letter(column) for column in columns],
        title_lines=(title_lines := _title_lines(grid, top)),
        rows=[TableRow(number, [spread[number].get(column) for column in columns]) for number in numbers],
        area_title=_area_title(title_lines, title),
    )


def _title_lines(grid: Grid, top: int) -> list[str]:
    """The text of each filled row above the header, its cells read left to right."""
    return [
        " ".join(_text(value) for _column, value in sorted(grid[number].items()))
        for number in sorted(grid)
        if number < top
    ]


def _header_row(grid: Grid) -> int | None:
    """The number of the row that best looks like a header, among the first filled rows; the earliest of equally
    good rows, so a header printed again further down is not chosen. None when no row looks like one."""
    filled = sorted(grid)[:HEADER_SEARCH_ROWS]
    best, best_score = None, 0.0
    for position, number in enumerate(filled):
        score = _header_score(list(grid[number].values()), data_follows=position + 1 < len(grid))
        if score > best_score:
            best, best_score = number, score
    return best


def _header_score(cells: list, *, data_follows: bool) -> float:
    """How much a row looks like a tracker's header; 0 when it does not look like one at all.

    A header is several short labels side by side: at least two (a title is one filled cell, even merged across the
    table), most of the row's filled cells (a data row has dates, numbers, percentages and sentences), and, when only
    two, both typical headings ("Blue" | "Complete" in a RAG key is two labels, one of them not a heading). Typical
    heading words (Ref, Action, Lead, Target date, RAG, Update, ...) count double: they are what tells a header from a
    row of short data such as a status and an officer's name. A row with rows below it scores a little more, since a
    header heads data."""
    values = [value for value in cells if value is not None]
    labels = [value for value in values if _is_label(value)]
    if len(labels) < 2 or len(labels) < 0.6 * len(values):
        return 0.0
    headings = sum(1 for label in labels if _names_heading(label))
    if len(labels) == 2 and headings < 2:
        return 0.0
    return len(labels) + 2 * headings + (1 if data_follows else 0)


def _is_label(value) -> bool:
    """Short text that is not a number or date written as text."""
    return isinstance(value, str) and len(value) < SHORT_LABEL and not NUMBER_OR_DATE_TEXT.match(value)


def _names_heading(label: str) -> bool:
    """A heading is a few words, one of them a word trackers head columns with ("Lead Officer", "% Complete")."""
    words = re.findall(r"[a-z]+", label.casefold())
    return len(words) <= 6 and any(word in HEADING_WORDS or word.rstrip("s") in HEADING_WORDS for word in words)


def _groups_over(grid: Grid, merges: list[Merge], number: int) -> bool:
    """Whether row `number` holds group headings over sub-headings in the row below: a label merged across some of
    the columns (not all: a title merged across the whole table is not a group), the row below filled only under the
    groups or under empty cells of this row (headings merged down over both rows read as empty below)."""
    upper, lower = grid.get(number, {}), grid.get(number + 1, {})
    groups = [m for m in merges if m.top == m.bottom == number and m.right > m.left]
    if not groups or not lower or not any(_is_label(upper.get(m.left)) for m in groups):
        return False
    in_groups = {column for m in groups for column in range(m.left, m.right + 1)}
    under_groups = [column for column in lower if column in in_groups]
    outside = [column for column in lower if column not in in_groups]
    heads_outside = [column for column in upper if column not in in_groups]
    return (
        bool(under_groups)
        # Other headings beside the groups, in this row or below; a group never heads the table's first column,
        # which a title merged across the first few columns (the council's name) does.
        and bool(heads_outside or (outside and min(m.left for m in groups) > min(lower)))
        and all(column not in upper for column in outside)
        and all(isinstance(lower[column], str | datetime | date) for column in under_groups)
    )


def _joined_headers(header_rows: list[dict[int, object]]) -> dict[int, str]:
    """Column -> heading: a group heading and its sub-heading joined ("Progress Dec 24"); a heading merged down over
    both rows, spread to both, taken once."""
    headers = {}
    for column in sorted(set().union(*header_rows)):
        parts: list[str] = []
        for row in header_rows:
            text = _text(row.get(column))
            if text and text not in parts:
                parts.append(text)
        headers[column] = " ".join(parts)
    return headers


def _spread(grid: Grid, merges: list[Merge]) -> Grid:
    """The grid with each merged range's value in every cell it covers (Excel keeps it in the top-left one only).
    The merged cells were counted against MAX_CELLS before the sheet was loaded."""
    spread = {number: dict(row) for number, row in grid.items()}
    for merge in merges:
        value = grid.get(merge.top, {}).get(merge.left)
        if value is None:
            continue  # an empty merged region (where a logo sits): nothing to spread
        for number in range(merge.top, merge.bottom + 1):
            row = spread.setdefault(number, {})
            for column in range(merge.left, merge.right + 1):
                row[column] = value
    return spread


def _repeats_header(cells: dict[int, object], header_texts: list[dict[int, str]]) -> bool:
    """A row of the header printed again (before the next area's actions, or at a page break): at least two filled
    cells, each the heading of its column in one of the header rows."""
    return len(cells) >= 2 and any(
        all(texts.get(column) == _text(value).casefold() for column, value in cells.items()) for texts in header_texts
    )


def _area_title(title_lines: list[str], sheet_title: str) -> str:
    """The title line naming the area of weakness (priority, theme, workstream, ...) the sheet is about, else the
    sheet's name if it names one, else ""."""
    for line in [*title_lines, sheet_title]:
        if AREA_TITLE.search(line):
            return line
    return ""


def _text(value) -> str:
    """A heading or title as text. A month heading typed as a date reads as Excel shows it by default, "Jan 2025"."""
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%b %Y") if value.day == 1 else value.strftime("%d %b %Y").lstrip("0")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()
