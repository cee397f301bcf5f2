"""Trackers as local areas really keep them, built in memory: each council's habits (title rows, merged cells, spacer
rows, one sheet per area, two-row headers, CSV exports), with what a person reading it would call its header."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import PatternFill

YELLOW = PatternFill("solid", start_color="FFFF00")


@dataclass
class Tracker:
    data: bytes
    filename: str
    header_rows: dict[str, int] = field(default_factory=dict)  # sheet -> the header's (last) row
    headers: dict[str, list[str]] = field(default_factory=dict)  # sheet -> headings as a person reads them


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _put(sheet, row: int, values: list, first_column: int = 1) -> None:
    for offset, value in enumerate(values):
        if value is not None:
            sheet.cell(row=row, column=first_column + offset, value=value)


COUNCIL_HEADERS = ["Ref", "Area", "Action", "Lead Officer", "Target Date", "RAG Status", "Update Jan 2025", "Comments"]


def council_tracker() -> Tracker:
    """One sheet: the council's name merged across the table, a "progress tracker, updated" line, a blank row, the
    header; each area's name merged down over its actions, a blank spacer row between areas; cells formatted to the
    right of the table (the sheet's used range is wider than the table)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "WSoA tracker"
    sheet["A1"] = "Northshire County Council"
    sheet.merge_cells("A1:H1")
    sheet["A2"] = "SEND Written Statement of Action – progress tracker, updated Jan 2025"
    sheet.merge_cells("A2:H2")
    _put(sheet, 4, COUNCIL_HEADERS)
    joint = "Area of weakness 1: Joint commissioning"
    _put(sheet, 5, ["1.1", joint, "Publish a joint commissioning strategy", "Head of SEND", datetime(2025, 3, 31)])
    _put(sheet, 5, ["Green", "Draft agreed by the partnership board", None], first_column=6)
    _put(sheet, 6, ["1.2", None, "Agree a pooled budget for therapies", "ICB commissioner", datetime(2025, 6, 30)])
    _put(sheet, 6, ["Amber", "  Legal advice awaited  ", "Slipped from March"], first_column=6)
    _put(sheet, 7, ["1.3", None, "Joint commissioning of short breaks", "Head of SEND", datetime(2025, 9, 30), "Red"])
    sheet.merge_cells("B5:B7")
    _put(sheet, 9, ["2.1", "Area of weakness 2: Timeliness of EHC plans", "Recruit two EHC coordinators"])
    _put(sheet, 9, ["SEND Service Manager", datetime(2025, 1, 31), "Green", "Both in post", ""], first_column=4)
    _put(sheet, 10, ["2.2", None, "Weekly EHC panel", "SEND Service Manager", datetime(2025, 2, 28), "Green"])
    sheet.merge_cells("B9:B10")
    _put(sheet, 12, ["3.1", "Area of weakness 3: Co-production", "Parent carer forum on every board", "DCS"])
    for cell in ("J4", "J12", "K20"):  # formatting with no value, as trackers gather
        sheet[cell].fill = YELLOW
    return Tracker(_bytes(book), "northshire.xlsx", {"WSoA tracker": 4}, {"WSoA tracker": COUNCIL_HEADERS})


PER_AREA_HEADERS = [
    "Action No.",
    "What we will do",
    "Lead",
    "By when",
    "% Complete",
    "Stage",
    "Progress update March 2025",
    "Progress update June 2025",
]


def per_area_tracker() -> Tracker:
    """One sheet per area of weakness, its first row naming it (merged across the table on the first, a single cell
    on the second) right above the header; an "Instructions" sheet of paragraphs and a "Key" of RAG colours first."""
    book = Workbook()
    instructions = book.active
    instructions.title = "Instructions"
    instructions["A1"] = "How to update this tracker"
    instructions["A3"] = (
        "Each lead officer updates their actions by the 5th of the month, adding a new progress column each quarter. "
        "Do not change the action wording without the agreement of the SEND Partnership Board."
    )
    key = book.create_sheet("Key")
    key["A1"] = "RAG key"
    for row, (colour, meaning) in enumerate(
        [
            ("Red", "Off track: will miss its target date"),
            ("Amber", "At risk"),
            ("Green", "On track"),
            ("Blue", "Complete"),
        ],
        start=3,
    ):
        _put(key, row, [colour, meaning])
    first = book.create_sheet("AoW 1")
    first["A1"] = "Area of weakness 1: Joint commissioning arrangements are weak"
    first.merge_cells("A1:H1")
    _put(first, 2, PER_AREA_HEADERS)
    _put(first, 3, ["1.1", "Publish a joint commissioning strategy", "Head of SEND", datetime(2025, 3, 31), 0.5])
    _put(first, 3, ["Delivering", "Draft written", "Consulted on"], first_column=6)
    _put(first, 4, ["1.2", "Pool the therapies budget", "ICB", datetime(2025, 6, 30), 0, "Not started"])
    second = book.create_sheet("AoW 2")
    second["A1"] = "Area of weakness 2: Timeliness of EHC plans"
    second["A2"] = "Updated March 2025"
    _put(second, 3, PER_AREA_HEADERS)
    _put(second, 4, ["2.1", "Recruit EHC coordinators", "SEND Service Manager", datetime(2025, 1, 31), 1])
    _put(second, 4, ["Complete", "Both in post", None], first_column=6)
    _put(second, 5, ["2.2", "Clear the backlog of assessments", "SEND Service Manager", datetime(2025, 7, 31), 0.3])
    _put(second, 5, ["Delivering", "120 left", "45 left"], first_column=6)
    _put(second, 6, ["2.3", "Report timeliness monthly", "Performance team", datetime(2025, 4, 30), 0.75])
    return Tracker(
        _bytes(book),
        "per-area.xlsx",
        {"AoW 1": 2, "AoW 2": 3},
        {"AoW 1": PER_AREA_HEADERS, "AoW 2": PER_AREA_HEADERS},
    )


TWO_ROW_HEADERS = ["Ref", "Action", "Lead", "Progress Dec 24", "Progress Mar 25", "Progress Jun 2025"]


def two_row_header_tracker() -> Tracker:
    """ "Progress" merged over three sub-headings (the last typed as a date, shown as a month), beside Ref, Action and
    Lead merged down over both header rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet["A1"] = "Theme 4: Preparing for adulthood – improvement plan"
    _put(sheet, 3, ["Ref", "Action", "Lead", "Progress"])
    for cells in ("A3:A4", "B3:B4", "C3:C4", "D3:F3"):
        sheet.merge_cells(cells)
    _put(sheet, 4, ["Dec 24", "Mar 25", datetime(2025, 6, 1)], first_column=4)
    _put(sheet, 5, ["4.1", "Transition protocol with adult social care", "PfA lead", "Drafted", "Agreed", None])
    _put(sheet, 6, ["4.2", "Supported internships", "Post-16 lead", "12 interns", "15 interns", "18 interns"])
    _put(sheet, 7, ["4.3", "Annual health checks from 14", "Designated Clinical Officer", None, "Started", None])
    return Tracker(_bytes(book), "pfa.xlsx", {"Plan": 4}, {"Plan": TWO_ROW_HEADERS})


GROUP_BELOW_HEADERS = ["Ref", "Action", "Lead", "Progress Q1", "Progress Q2"]


def group_heading_alone_tracker() -> Tracker:
    """A two-row header whose top row has only the group heading; Ref, Action and Lead are in the lower row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    _put(sheet, 1, ["Progress"], first_column=4)
    sheet.merge_cells("D1:E1")
    _put(sheet, 2, ["Ref", "Action", "Lead", "Q1", "Q2"])
    _put(sheet, 3, ["1", "Publish the local offer again", "Local offer officer", "Drafted", "Published"])
    return Tracker(_bytes(book), "group.xlsx", {"Actions": 2}, {"Actions": GROUP_BELOW_HEADERS})


REPEATED_HEADERS = ["Ref", "Action", "Owner", "Due date", "RAG", "Update"]


def repeated_header_tracker() -> Tracker:
    """The header printed again before the second priority's actions, and an empty sheet left in the workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    _put(sheet, 1, REPEATED_HEADERS)
    _put(sheet, 2, ["P1.1", "Agree the graduated approach", "Inclusion lead", datetime(2025, 2, 1), "G", "Agreed"])
    _put(sheet, 3, ["P1.2", "Train SENCOs in it", "Inclusion lead", datetime(2025, 5, 1), "A", None])
    _put(sheet, 5, REPEATED_HEADERS)
    _put(sheet, 6, ["P2.1", "Open two resourced provisions", "Head of SEND", datetime(2025, 9, 1), "R", "Delayed"])
    _put(sheet, 7, ["P2.2", "Review alternative provision", "AP lead", datetime(2025, 12, 1), "A", "Started"])
    book.create_sheet("Sheet2")
    return Tracker(_bytes(book), "repeated.xlsx", {"Actions": 1}, {"Actions": REPEATED_HEADERS})


DIRECTORATE_HEADERS = [
    "Directorate",
    "Section",
    "Ref",
    "Action",
    "Responsible Officer",
    "Deadline",
    "Status",
    "%",
    "Comments",
]


def directorate_tracker() -> Tracker:
    """A corporate action-plan layout: an empty merged region where the logo sits, a "Last updated" line, the header
    in row 5 starting in column B, refs such as 4.01.01, the directorate merged down over its actions."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Action Plan"
    sheet.merge_cells("B1:D3")  # the logo's place: merged, empty
    sheet["B4"] = "Last updated: 14 February 2025"
    _put(sheet, 5, DIRECTORATE_HEADERS, first_column=2)
    children = "Children’s Services"
    rows = [
        [children, "SEND", "4.01.01", "Review the SEND support offer", "J. Patel", datetime(2025, 3, 31), "On track"],
        [None, "SEND", "4.01.02", "Refresh the action plan", "J. Patel", datetime(2025, 4, 30), "Complete"],
        [None, "Education", "4.02.01", "Reduce suspensions", "K. Osei", datetime(2025, 7, 31), "Off track"],
        ["Public Health", "0-19", "4.03.01", "Two-year checks", "L. Byrne", datetime(2025, 8, 31), "On track"],
    ]
    for number, (values, percent, comment) in enumerate(
        zip(rows, [0.25, 1, 0.1, 0.5], ["", "Signed off", "See risk log", None], strict=True), start=6
    ):
        _put(sheet, number, [*values, percent, comment], first_column=2)
    sheet.merge_cells("B6:B8")
    return Tracker(_bytes(book), "directorate.xlsx", {"Action Plan": 5}, {"Action Plan": DIRECTORATE_HEADERS})


CSV_HEADERS = ["Ref", "Action", "Lead", "Target date", "RAG", "Update"]


def csv_tracker(delimiter: str = ",") -> Tracker:
    """A tracker saved as CSV by Excel: the title line padded with empty fields, a spacer line, dates as text.
    With semicolons (a European-locale spreadsheet), saved in Windows-1252 as Excel's plain "CSV" does."""
    lines = [
        ["Westshire SEND improvement plan – exported 03/03/2025", "", "", "", "", ""],
        ["", "", "", "", "", ""],
        CSV_HEADERS,
        ["1.1", "Review, then publish, the local offer", "Local offer officer", "31/03/2025", "Green", "On track"],
        ["", "", "", "", "", ""],
        ["1.2", "Co-produce the EHC plan template", "SEND manager", "30/04/2025", "Amber", ""],
    ]
    text = "\r\n".join(delimiter.join(_csv_field(value, delimiter) for value in line) for line in lines) + "\r\n"
    data = text.encode("utf-8-sig") if delimiter == "," else text.encode("cp1252")
    name = "westshire.csv" if delimiter == "," else "westshire-semicolons.csv"
    title = name.removesuffix(".csv")
    return Tracker(data, name, {title: 3}, {title: CSV_HEADERS})


def _csv_field(value: str, delimiter: str) -> str:
    return f'"{value}"' if delimiter in value else value


def plain_tracker(titles: list[str], blanks_before_header: int, spacers: list[int]) -> tuple[bytes, list[list]]:
    """A simple tracker with the given single-cell title rows, blank rows before the header and blank rows before
    each data row; with the data rows as a reader should give them."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    number = 1
    for title in titles:
        sheet.cell(row=number, column=1, value=title)
        number += 1
    number += blanks_before_header
    _put(sheet, number, REPEATED_HEADERS)
    data = [
        ["1.1", "Agree the graduated approach", "Inclusion lead", datetime(2025, 2, 1), "G", "Agreed"],
        ["1.2", "Train SENCOs in it", "Inclusion lead", datetime(2025, 5, 1), "A", None],
        ["2.1", "Open two resourced provisions", "Head of SEND", datetime(2025, 9, 1), "R", "Delayed"],
    ]
    for values, blanks in zip(data, spacers, strict=True):
        number += 1 + blanks
        _put(sheet, number, values)
    return _bytes(book), data


LIST_HEADERS = ["Ref", "Action", "Lead", "By when", "Status", "What we will see", "Success criteria", "Impact"]


def area_rows_tracker() -> Tracker:
    """One list sheet for the whole plan, each area's heading a row of its own above its actions: the first merged
    across the row, the second in the first cell with the rest blank. Status is a dated narrative with no RAG
    ("... (March 2025). ... (June 2025)."), outcomes are headed as published plans head them, one cell holds two
    actions and one holds leads from two agencies on new lines."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Action plan"
    sheet["A1"] = "Kestlebury Local Area SEND Improvement Plan"
    _put(sheet, 3, LIST_HEADERS)
    sheet["A4"] = "Area of weakness 1: Identification of need in the early years"
    sheet.merge_cells("A4:H4")
    _put(sheet, 5, ["1.1", "Train early years practitioners in the graduated approach", "Early Years Lead",
                    "April 2025", "Training began (January 2025). 80 settings trained (March 2025).",
                    "Needs identified before school", "90% of settings trained", "Earlier support"])  # fmt: skip
    _put(sheet, 6, ["1.2", "Publish the early years SEND toolkit", "Early Years Lead", "Jun 25",
                    "Drafted with the parent carer forum.", None, None, None])  # fmt: skip
    sheet["A8"] = "Area of weakness 2: Joint commissioning of therapies"
    _put(sheet, 9, ["2.1", "Agree a section 75 agreement; and publish therapy waiting times each term",
                    "Head of Commissioning (Council)\nDesignated Clinical Officer, Kestlebury ICB", "December 2025",
                    "Panel meets weekly (March 2025). Backlog cleared (June 2025).",
                    "A signed section 75 agreement", None, "Families wait less"])  # fmt: skip
    _put(sheet, 10, ["2.2", "Jointly commission speech and language therapy", "TBC", "March 2026", None])
    return Tracker(_bytes(book), "list-sheet.xlsx", {"Action plan": 3}, {"Action plan": LIST_HEADERS})


KPI_HEADERS = ["Ref", "Measure", "Baseline", "Target", "2023/24", "Q1 24/25", "Q2 24/25"]


def tracker_with_kpi_sheet() -> Tracker:
    """A tracker whose second sheet is the plan's KPIs: a ref, the measure, its baseline and target, a year's
    value and quarter values side by side, as areas keep their scorecard beside their actions."""
    book = Workbook()
    actions = book.active
    actions.title = "Actions"
    _put(actions, 1, ["Ref", "Area", "Action", "Lead Officer", "RAG Status"])
    _put(actions, 2, ["1.1", "1. Timeliness of EHC plans", "Recruit EHC coordinators", "Head of SEND", "Green"])
    kpis = book.create_sheet("KPIs")
    kpis["A1"] = "SEND scorecard"
    _put(kpis, 2, KPI_HEADERS)
    _put(kpis, 3, ["K1", "EHC plans issued within 20 weeks", "42%", "national average", "48%", "55%", "61%"])
    _put(kpis, 4, ["K2", "Suspensions of pupils with an EHC plan", 310, "decrease", 290, 70, 64])
    return Tracker(_bytes(book), "with-kpis.xlsx", {"Actions": 1, "KPIs": 2}, {"Actions": [], "KPIs": KPI_HEADERS})
