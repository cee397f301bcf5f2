"""Read a plan workbook into rows keyed by canonical column names, remembering where every value came from."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError as XmlParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from openpyxl import load_workbook
from openpyxl.utils import coordinate_to_tuple, get_column_letter

from workbooks.schema import FIELDS, OWN_FIELD_SHEETS, SHEETS, Sheet, applies_to_code, normalise

# What an upload may expand to. A 10 MB file can hold a zip bomb: one 400 MB cell took the server to 1.1 GB before
# these bounds. A real plan (hundreds of actions, years of monthly KPI values) is far inside them.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024  # every part of the file, decompressed
MAX_ROWS = 20_000  # in one sheet, blank rows included
MAX_CELLS = 500_000  # in the whole workbook, blank cells between filled ones included
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit: a longer cell was not written by Excel


@dataclass(frozen=True)
class Problem:
    """Something that stops the import: where it is and why, in words a programme manager can act on."""

    sheet: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = (
            f"{self.sheet}"
            + (f", row {self.row}" if self.row else "")
            + (f", column {self.column}" if self.column else "")
        )
        value = f" “{self.value}”" if self.value else ""
        return f"{where}:{value} {self.reason}"


@dataclass
class Row:
    sheet: str
    number: int
    cells: dict[str, object]
    headers: dict[str, str]  # canonical column -> header as written in the workbook
    # Columns no sheet defines, by header as written: a plan's own fields if the Fields sheet names them.
    extra: dict[str, object] = field(default_factory=dict)

    def get(self, column: str, default=None):
        value = self.cells.get(column, default)
        if isinstance(value, str):
            value = value.strip()
        return default if value in (None, "") else value

    def text(self, column: str) -> str:
        value = self.get(column, "")
        return str(value).strip() if value is not None else ""

    def problem(self, column: str, reason: str, value=None) -> Problem:
        shown = self.cells.get(column) if value is None else value
        return Problem(
            self.sheet, self.number, self.headers.get(column, column), "" if shown is None else str(shown), reason
        )


@dataclass
class Workbook:
    sheets: dict[str, list[Row]] = field(default_factory=dict)  # canonical sheet name -> rows
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Unknown columns of the Areas and Actions sheets: (sheet name, header, column letter, sheet title). They are
    # warned about once the Fields sheet is read, unless a row there defines them (own_field_warnings).
    extra_columns: list[tuple[str, str, str, str]] = field(default_factory=list)

    def rows(self, sheet: Sheet) -> list[Row]:
        return self.sheets.get(sheet.name, [])


def _header_map(sheet: Sheet, title: str, header_row: tuple, workbook: Workbook) -> dict[int, str]:
    """Column index -> canonical column name; unknown columns are warned about, missing required ones are problems."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(header_row):
        if header in (None, ""):
            continue
        column = next((c for c in sheet.columns if c.matches(header)), None)
        if column is None and sheet in OWN_FIELD_SHEETS.values():
            workbook.extra_columns.append((sheet.name, str(header), get_column_letter(index + 1), title))
        elif column is None:
            workbook.warnings.append(
                f"Sheet “{title}”: column “{header}” ({get_column_letter(index + 1)}) is not one we know, "
                "so it was not imported."
            )
        elif column.name in mapping.values():
            workbook.problems.append(
                Problem(title, 1, str(header), "", f"repeats the column “{column.name}”: keep only one of them.")
            )
        else:
            mapping[index] = column.name
    for column in sheet.columns:
        if column.required and column.name not in mapping.values():
            workbook.problems.append(Problem(title, 1, column.name, "", f"the sheet needs a “{column.name}” column."))
    return mapping


def _too_big(file) -> Problem | None:
    """Refuse, before anything is decompressed, a file whose parts add up to more than MAX_UNZIPPED_BYTES. The sizes
    are the ones the zip declares: reading a part stops at its declared size, and a part that holds more fails its
    checksum, so a file cannot lie its way past this."""
    try:
        with zipfile.ZipFile(file) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip at all: openpyxl says so below
    finally:
        file.seek(0)
    if size <= MAX_UNZIPPED_BYTES:
        return None
    return Problem(
        "(file)",
        None,
        "",
        "",
        f"expands to {size / 1024 / 1024:,.0f} MB when opened, more than the {MAX_UNZIPPED_BYTES // 1024 // 1024} MB "
        "a plan workbook may hold: remove pictures and unused sheets, or split the plan.",
    )


def _unreadable(title: str, error: Exception) -> Problem:
    if isinstance(error, DefusedXmlException):
        reason = "declares XML entities, which a workbook saved by Excel never does, so it was not read"
    elif isinstance(error, XmlParseError):
        reason = f"is not well-formed XML ({error}): save it again from Excel"
    else:
        reason = f"could not be read ({error}): save it again from Excel"
    return Problem(title, None, "", "", reason + ".")


def _uncalculated_formulas(archive: zipfile.ZipFile, path: str) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each cell that holds a formula but no saved result. Excel saves the result with
    the formula; a file written by a program that never calculated it has none, and openpyxl reads such a cell as
    empty, which would silently erase the value it stands for."""
    found: dict[tuple[int, int], str] = {}
    with archive.open(path) as source:
        for _event, element in iterparse(source):
            tag = element.tag.rsplit("}", 1)[-1]
            if tag == "c" and element.get("r"):
                children = {child.tag.rsplit("}", 1)[-1]: child for child in element}
                # A formula whose result is empty text has an empty <v> in a cell of type "str"; any other
                # formula cell with no (or an empty) <v> was never calculated.
                saved = children.get("v")
                if "f" in children and (saved is None or not saved.text and element.get("t") != "str"):
                    found[coordinate_to_tuple(element.get("r"))] = "=" + (children["f"].text or "")
            elif tag == "row":
                element.clear()
    return found


def read_workbook(file) -> Workbook:
    workbook = Workbook()
    if problem := _too_big(file):
        workbook.problems.append(problem)
        return workbook
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        cause = error.__cause__ or error.__context__
        if isinstance(cause, DefusedXmlException | XmlParseError):  # openpyxl wraps them in a vaguer error
            workbook.problems.append(_unreadable("(file)", cause))
        else:
            workbook.problems.append(
                Problem("(file)", None, "", "", f"is not an Excel workbook (.xlsx) we can open: {error}")
            )
        return workbook
    cells = 0
    try:
        for title in book.sheetnames:
            sheet = next((s for s in SHEETS if s.matches(title)), None)
            if sheet is None:
                workbook.warnings.append(f"Sheet “{title}” is not one we know, so it was not imported.")
                continue
            if sheet.name in workbook.sheets:
                workbook.problems.append(
                    Problem(title, None, "", "", f"is a second “{sheet.name}” sheet: keep only one.")
                )
                continue
            try:
                read = _read_sheet(book, title, sheet, workbook, cells)
            except Exception as error:  # malformed XML, entities, a part failing its checksum: a refusal, never a 500
                workbook.problems.append(_unreadable(title, error))
                workbook.sheets[sheet.name] = []  # there, but unreadable: not "missing" as well
                continue
            if read is None:
                continue
            workbook.sheets[sheet.name], cells = read
            if cells > MAX_CELLS:
                break
    finally:
        book.close()
    own_field_warnings(workbook)
    for sheet in SHEETS:
        if sheet.required and sheet.name not in workbook.sheets and cells <= MAX_CELLS:
            workbook.problems.append(
                Problem(sheet.name, None, "", "", "sheet is missing: every plan workbook needs it.")
            )
    return workbook


def own_field_warnings(workbook: Workbook) -> None:
    """An Areas or Actions column that no Fields row defines for that sheet is not imported: say so."""
    defined = {(applies_to_code(row.text("applies to")), normalise(row.text("label"))) for row in workbook.rows(FIELDS)}
    sheet_code = {sheet.name: code for code, sheet in OWN_FIELD_SHEETS.items()}
    for sheet_name, header, letter, title in workbook.extra_columns:
        if (sheet_code[sheet_name], normalise(header)) not in defined:
            workbook.warnings.append(
                f"Sheet “{title}”: column “{header}” ({letter}) is not one we know, and no row of the Fields sheet "
                "defines it, so it was not imported."
            )


def _read_sheet(book, title: str, sheet: Sheet, workbook: Workbook, cells: int) -> tuple[list[Row], int] | None:
    """The sheet's rows (and the workbook's running count of cells), or None with problems added."""
    worksheet = book[title]
    # The size the sheet declares may be wrong: read the rows it holds, all of them, and only those.
    worksheet.reset_dimensions()
    rows_iter = worksheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    if header is None:
        workbook.problems.append(Problem(title, None, "", "", "is empty: it needs a header row."))
        return None
    cells += len(header)
    mapping = _header_map(sheet, title, header, workbook)
    headers = {name: str(header[index]) for index, name in mapping.items()}
    uncalculated = _uncalculated_formulas(book._archive, worksheet._worksheet_path)  # openpyxl's own handles
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        cells += len(values)
        if number > MAX_ROWS:
            workbook.problems.append(
                Problem(title, None, "", "", f"has more than {MAX_ROWS:,} rows: a plan workbook has fewer.")
            )
            return [], cells
        if cells > MAX_CELLS:
            workbook.problems.append(
                Problem(
                    "(file)",
                    None,
                    "",
                    "",
                    f"has more than {MAX_CELLS:,} cells (counting blank ones between filled ones), far more than "
                    f"a plan needs: sheet “{title}” reached it at row {number}. Delete unused rows and columns.",
                )
            )
            return [], cells
        row_cells = {name: values[index] if index < len(values) else None for index, name in mapping.items()}
        row = Row(sheet=title, number=number, cells=row_cells, headers=headers)
        if sheet in OWN_FIELD_SHEETS.values():
            row.extra = {
                str(header[index]): values[index] if index < len(values) else None
                for index in range(len(header))
                if index not in mapping and header[index] not in (None, "")
            }
        for index, name in mapping.items():
            formula = uncalculated.get((number, index + 1))
            if formula is not None:
                workbook.problems.append(
                    row.problem(
                        name,
                        "is a formula with no saved result, so its value cannot be read: open the workbook in "
                        "Excel and save it, or type the value.",
                        formula,
                    )
                )
            value = row_cells[name]
            if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
                workbook.problems.append(
                    row.problem(
                        name,
                        f"is {len(value):,} characters long, more than the {MAX_CELL_CHARACTERS:,} a cell may hold.",
                        f"{value[:60]}…",
                    )
                )
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in row_cells.values()):
            continue
        rows.append(row)
    return rows, cells
