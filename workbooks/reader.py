"""Read a plan workbook into rows keyed by canonical column names, remembering where every value came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from workbooks.schema import SHEETS, Sheet


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

    def rows(self, sheet: Sheet) -> list[Row]:
        return self.sheets.get(sheet.name, [])


def _header_map(sheet: Sheet, title: str, header_row: tuple, workbook: Workbook) -> dict[int, str]:
    """Column index -> canonical column name; unknown columns are warned about, missing required ones are problems."""
    mapping: dict[int, str] = {}
    for index, header in enumerate(header_row):
        if header in (None, ""):
            continue
        column = next((c for c in sheet.columns if c.matches(header)), None)
        if column is None:
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


def read_workbook(file) -> Workbook:
    workbook = Workbook()
    try:
        book = load_workbook(file, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        workbook.problems.append(
            Problem("(file)", None, "", "", f"is not an Excel workbook (.xlsx) we can open: {error}")
        )
        return workbook
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
            rows_iter = book[title].iter_rows(values_only=True)
            header = next(rows_iter, None)
            if header is None:
                workbook.problems.append(Problem(title, None, "", "", "is empty: it needs a header row."))
                continue
            mapping = _header_map(sheet, title, header, workbook)
            headers = {name: str(header[index]) for index, name in mapping.items()}
            rows = []
            for number, values in enumerate(rows_iter, start=2):
                cells = {name: values[index] if index < len(values) else None for index, name in mapping.items()}
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
                    continue
                rows.append(Row(sheet=title, number=number, cells=cells, headers=headers))
            workbook.sheets[sheet.name] = rows
    finally:
        book.close()
    for sheet in SHEETS:
        if sheet.required and sheet.name not in workbook.sheets:
            workbook.problems.append(
                Problem(sheet.name, None, "", "", "sheet is missing: every plan workbook needs it.")
            )
    return workbook
