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
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from xml.etree.ElementTree import ParseError as XmlParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbooks.reader import MAX_CELL_CHARACTERS, MAX_CELLS, MAX_ROWS, Problem, _too_big, _unreadable

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


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive, as Excel numbers rows and columns."""

    top: int
    left: int
    bottom: int
    right: int


class Refused(Exception):
    """Reading stops: the problem says why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def read_tracker(file, *, filename: str = "") -> TrackerTables:
    """Every sheet's table of a tracker (.xlsx, .xlsm or .csv), with the sheets skipped and the problems met."""
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
    """ "csv" or "xlsx", or why the file is neither. The name's suffix decides when there is one we know, since a CSV
    can start with any bytes; otherwise the zip signature every .xlsx starts with."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix == ".xls" or data.startswith(OLD_EXCEL_SIGNATURE):
        return "is an old-style Excel file (.xls): open it in Excel and save it as an Excel Workbook (.xlsx)."
    if data.startswith(ZIP_SIGNATURE):
        return "xlsx"
    if b"\x00" in data[:8192]:  # text never holds NUL bytes; anything binary that is not a zip is not a tracker
        return "is neither an Excel workbook (.xlsx) nor a CSV file we can read."
    return "csv"


# Excel


def _read_excel(file: io.BytesIO, result: TrackerTables) -> None:
    if problem := _too_big(file):
        raise Refused(problem)
    _within_bounds(file)
    try:
        # Not read-only: only a fully loaded sheet knows its merged cells. The bounds above keep that load small.
        book = load_workbook(file, read_only=False, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise Refused(_not_a_workbook(error)) from error
    try:
        for worksheet in book.worksheets:
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet
                result.skipped.append((worksheet.title, "is a chart, not a table."))
                continue
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


def _within_bounds(file: io.BytesIO) -> None:
    """Refuse a sheet longer than MAX_ROWS, or a workbook of more than MAX_CELLS cells, before loading it whole:
    a streaming pass counts them, stopping as soon as a bound is passed, so a sparse million-row sheet costs little."""
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
            except Refused:
                raise
            except Exception as error:  # malformed XML, entities, a part failing its checksum
                raise Refused(_unreadable(title, error)) from error
    finally:
        book.close()
        file.seek(0)


def _too_many_rows(title: str) -> Problem:
    return Problem(title, None, "", "", f"has more than {MAX_ROWS:,} rows: a plan tracker has fewer.")


def _too_many_cells(title: str, number: int) -> Problem:
    return Problem(
        FILE,
        None,
        "",
        "",
        f"has more than {MAX_CELLS:,} cells (counting blank ones between filled ones), far more than a plan needs: "
        f"sheet “{title}” reached it at row {number}. Delete unused rows and columns.",
    )


def _excel_grid(worksheet, problems: list[Problem]) -> list[list]:
    return [
        [_cell_value(worksheet.title, number, index, value, problems) for index, value in enumerate(values, start=1)]
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
    ]


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
    grid: list[list] = []
    cells = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), _dialect(text)), start=1):
            cells += len(values)
            if number > MAX_ROWS:
                raise Refused(_too_many_rows(title))
            if cells > MAX_CELLS:
                raise Refused(_too_many_cells(title, number))
            grid.append([_cell_value(title, number, i, v, result.problems) for i, v in enumerate(values, start=1)])
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


def _add_table(title: str, grid: list[list], merges: list[Merge], result: TrackerTables) -> None:
    """The sheet's table, or why it has none."""
    if not any(_filled(row) for row in grid):
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
    elif header > 1 and _groups_over(grid, merges, header - 1):  # the best row is the sub-headings
        top = header - 1
    result.tables.append(_table(title, grid, merges, top, header))


def _table(title: str, grid: list[list], merges: list[Merge], top: int, header: int) -> SheetTable:
    """The table whose header is rows top..header (1-based; the same row for a one-row header)."""
    spread = _spread(grid, merges)
    headers = _joined_headers([spread[number - 1] for number in range(top, header + 1)])
    header_texts = [[_text(v).casefold() for v in spread[number - 1]] for number in range(top, header + 1)]
    rows = [
        TableRow(number, list(spread[number - 1]))
        for number in range(header + 1, len(grid) + 1)
        if _filled(grid[number - 1]) and not _repeats_header(grid[number - 1], header_texts)
    ]
    kept = [
        index
        for index in range(len(headers))
        if headers[index] or any(index < len(row.cells) and row.cells[index] is not None for row in rows)
    ]
    for row in rows:
        row.cells = [row.cells[index] if index < len(row.cells) else None for index in kept]
    title_lines = [" ".join(_text(v) for v in row if v is not None) for row in grid[: top - 1] if _filled(row)]
    return SheetTable(
        sheet=title,
        header_row=header,
        headers=[headers[index] for index in kept],
        columns=[get_column_letter(index + 1) for index in kept],
        title_lines=title_lines,
        rows=rows,
        area_title=_area_title(title_lines, title),
    )


def _header_row(grid: list[list]) -> int | None:
    """The 1-based number of the row that best looks like a header, among the first non-empty rows; the earliest of
    equally good rows, so a header printed again further down is not chosen. None when no row looks like one."""
    filled = [number for number, row in enumerate(grid, start=1) if _filled(row)][:HEADER_SEARCH_ROWS]
    best, best_score = None, 0.0
    for position, number in enumerate(filled):
        score = _header_score(grid[number - 1], data_follows=position + 1 < len(filled))
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


def _groups_over(grid: list[list], merges: list[Merge], number: int) -> bool:
    """Whether row `number` holds group headings over sub-headings in the row below: a label merged across some of
    the columns (not all: a title merged across the whole table is not a group), the row below filled only under the
    groups or under empty cells of this row (headings merged down over both rows read as empty below)."""
    if number >= len(grid):
        return False
    groups = [m for m in merges if m.top == m.bottom == number and m.right > m.left]
    upper, lower = grid[number - 1], grid[number]
    if not groups or not any(_is_label(_at(upper, m.left)) for m in groups):
        return False
    in_groups = {column for m in groups for column in range(m.left, m.right + 1)}
    filled_below = [column for column, value in enumerate(lower, start=1) if value is not None]
    under_groups = [column for column in filled_below if column in in_groups]
    outside = [column for column in filled_below if column not in in_groups]
    heads_outside = [c for c, value in enumerate(upper, start=1) if value is not None and c not in in_groups]
    first_below = min(filled_below, default=0)
    return (
        bool(under_groups)
        # Other headings beside the groups, in this row or below; a group never heads the table's first column,
        # which a title merged across the first few columns (the council's name) does.
        and bool(heads_outside or (outside and min(m.left for m in groups) > first_below))
        and all(_at(upper, column) is None for column in outside)
        and all(isinstance(_at(lower, column), str | datetime | date) for column in under_groups)
    )


def _joined_headers(header_rows: list[list]) -> list[str]:
    """One heading per column: a group heading and its sub-heading joined ("Progress Dec 24"); a heading merged
    down over both rows, spread to both, taken once."""
    width = max(len(row) for row in header_rows)
    headers = []
    for index in range(width):
        parts: list[str] = []
        for row in header_rows:
            text = _text(_at(row, index + 1))
            if text and text not in parts:
                parts.append(text)
        headers.append(" ".join(parts))
    return headers


def _spread(grid: list[list], merges: list[Merge]) -> list[list]:
    """The grid with each merged range's value in every cell it covers (Excel keeps it in the top-left one only)."""
    spread = [list(row) for row in grid]
    for merge in merges:
        value = _at(grid[merge.top - 1], merge.left) if merge.top <= len(grid) else None
        for number in range(merge.top, min(merge.bottom, len(spread)) + 1):
            row = spread[number - 1]
            for column in range(merge.left, merge.right + 1):
                if column <= len(row):
                    row[column - 1] = value
    return spread


def _repeats_header(cells: list, header_texts: list[list[str]]) -> bool:
    """A row of the header printed again (before the next area's actions, or at a page break): at least two filled
    cells, each the heading of its column in one of the header rows."""
    filled = [(index, _text(value).casefold()) for index, value in enumerate(cells) if value is not None]
    return len(filled) >= 2 and any(
        all(index < len(texts) and texts[index] == text for index, text in filled) for texts in header_texts
    )


def _area_title(title_lines: list[str], sheet_title: str) -> str:
    """The title line naming the area of weakness (priority, theme, workstream, ...) the sheet is about, else the
    sheet's name if it names one, else ""."""
    for line in [*title_lines, sheet_title]:
        if AREA_TITLE.search(line):
            return line
    return ""


def _filled(row: list) -> bool:
    return any(value is not None for value in row)


def _at(row: list, column: int):
    return row[column - 1] if 0 < column <= len(row) else None


def _text(value) -> str:
    """A heading or title as text. A month heading typed as a date reads as Excel shows it by default, "Jan 2025"."""
    if isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%b %Y") if value.day == 1 else value.strftime("%d %b %Y").lstrip("0")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()
