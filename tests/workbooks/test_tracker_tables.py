"""Reading a council's own tracker into tables: the header found under title rows, merged cells spread, spacer rows
and repeated headers left out, key and instruction sheets skipped, broken files refused with a problem."""

import io
import zipfile
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.workbooks import tracker_builders as build
from workbooks.tracker import tables
from workbooks.tracker.tables import read_tracker


def read(tracker: build.Tracker, filename: str | None = None) -> tables.TrackerTables:
    return read_tracker(io.BytesIO(tracker.data), filename=tracker.filename if filename is None else filename)


def only_table(tracker: build.Tracker) -> tables.SheetTable:
    result = read(tracker)
    assert result.problems == []
    [table] = result.tables
    return table


def cells_of(table: tables.SheetTable, number: int) -> dict[str, object]:
    [row] = [row for row in table.rows if row.number == number]
    return dict(zip(table.headers, row.cells, strict=True))


@pytest.mark.parametrize(
    "builder",
    [
        build.council_tracker,
        build.per_area_tracker,
        build.two_row_header_tracker,
        build.group_heading_alone_tracker,
        build.repeated_header_tracker,
        build.directorate_tracker,
        build.csv_tracker,
        lambda: build.csv_tracker(";"),
    ],
)
def test_the_header_is_the_one_a_person_reads(builder):
    tracker = builder()
    result = read(tracker)
    assert result.problems == []
    assert {t.sheet: t.header_row for t in result.tables} == tracker.header_rows
    assert {t.sheet: t.headers for t in result.tables} == tracker.headers


def test_council_tracker_titles_merged_areas_and_spacer_rows():
    table = only_table(build.council_tracker())
    assert table.sheet == "WSoA tracker"
    assert table.header_row == 4
    assert table.headers == build.COUNCIL_HEADERS
    assert table.columns == list("ABCDEFGH")  # the formatted but empty J and K are not columns of the table
    assert table.title_lines == [
        "Northshire County Council",
        "SEND Written Statement of Action – progress tracker, updated Jan 2025",
    ]
    assert table.area_title == ""  # the sheet holds every area
    assert [row.number for row in table.rows] == [5, 6, 7, 9, 10, 12]  # rows 8 and 11 are spacers
    joint = "Area of weakness 1: Joint commissioning"
    assert [cells_of(table, n)["Area"] for n in (5, 6, 7)] == [joint] * 3  # merged down over its actions
    assert cells_of(table, 10)["Area"] == "Area of weakness 2: Timeliness of EHC plans"
    six = cells_of(table, 6)
    assert six["Target Date"] == datetime(2025, 6, 30)
    assert six["Update Jan 2025"] == "Legal advice awaited"  # stripped
    assert cells_of(table, 9)["Comments"] is None  # empty text
    assert cells_of(table, 12)["Lead Officer"] == "DCS"


def test_one_sheet_per_area_with_key_and_instructions_skipped():
    result = read(build.per_area_tracker())
    assert result.problems == []
    assert [sheet for sheet, _ in result.skipped] == ["Instructions", "Key"]
    assert all("no row that looks like a table's headings" in why for _, why in result.skipped)
    first, second = result.tables
    assert (first.sheet, first.header_row, second.sheet, second.header_row) == ("AoW 1", 2, "AoW 2", 3)
    # The title merged across the table right above the header is a title, not a group heading.
    assert first.headers == build.PER_AREA_HEADERS
    assert first.title_lines == ["Area of weakness 1: Joint commissioning arrangements are weak"]
    assert first.area_title == "Area of weakness 1: Joint commissioning arrangements are weak"
    assert second.title_lines == ["Area of weakness 2: Timeliness of EHC plans", "Updated March 2025"]
    assert second.area_title == "Area of weakness 2: Timeliness of EHC plans"
    assert [row.number for row in second.rows] == [4, 5, 6]
    assert cells_of(second, 5)["% Complete"] == 0.3
    assert cells_of(second, 5)["Progress update June 2025"] == "45 left"
    assert cells_of(first, 4)["% Complete"] == 0  # a zero is a value, not an empty cell


def test_two_row_header_joins_the_group_heading_with_its_sub_headings():
    table = only_table(build.two_row_header_tracker())
    assert table.header_row == 4
    assert table.headers == ["Ref", "Action", "Lead", "Progress Dec 24", "Progress Mar 25", "Progress Jun 2025"]
    assert table.columns == list("ABCDEF")
    assert table.title_lines == ["Theme 4: Preparing for adulthood – improvement plan"]
    assert table.area_title == "Theme 4: Preparing for adulthood – improvement plan"
    assert [row.number for row in table.rows] == [5, 6, 7]
    assert cells_of(table, 6)["Progress Jun 2025"] == "18 interns"


def test_a_group_heading_alone_above_the_header_row():
    table = only_table(build.group_heading_alone_tracker())
    assert (table.header_row, table.headers) == (2, build.GROUP_BELOW_HEADERS)
    assert table.title_lines == []
    assert [row.cells for row in table.rows] == [
        ["1", "Publish the local offer again", "Local offer officer", "Drafted", "Published"]
    ]


def test_a_header_printed_again_is_not_a_row_and_an_empty_sheet_is_skipped():
    result = read(build.repeated_header_tracker())
    assert result.skipped == [("Sheet2", "is empty.")]
    [table] = result.tables
    assert table.header_row == 1
    assert [row.number for row in table.rows] == [2, 3, 6, 7]  # 4 a spacer, 5 the header again
    assert [row.cells[0] for row in table.rows] == ["P1.1", "P1.2", "P2.1", "P2.2"]


def test_directorate_tracker_below_a_logo_and_last_updated_line():
    table = only_table(build.directorate_tracker())
    assert table.header_row == 5
    assert table.headers == build.DIRECTORATE_HEADERS
    assert table.columns == list("BCDEFGHIJ")  # column A is the sheet's margin
    assert table.title_lines == ["Last updated: 14 February 2025"]
    assert table.area_title == ""
    assert len(table.rows) == 4
    assert [cells_of(table, n)["Directorate"] for n in (6, 7, 8, 9)] == [
        "Children’s Services",
        "Children’s Services",
        "Children’s Services",
        "Public Health",
    ]
    seven = cells_of(table, 7)
    assert (seven["Ref"], seven["%"], seven["Status"], seven["Comments"]) == ("4.01.02", 1, "Complete", "Signed off")
    assert cells_of(table, 6)["Deadline"] == datetime(2025, 3, 31)


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_export_with_a_title_line(delimiter):
    tracker = build.csv_tracker(delimiter)
    table = only_table(tracker)
    assert table.sheet == tracker.filename.removesuffix(".csv")
    assert (table.header_row, table.headers) == (3, build.CSV_HEADERS)
    assert table.columns == list("ABCDEF")
    assert table.title_lines == ["Westshire SEND improvement plan – exported 03/03/2025"]  # cp1252 decoded too
    assert [row.number for row in table.rows] == [4, 6]
    assert cells_of(table, 4)["Action"] == "Review, then publish, the local offer"
    assert cells_of(table, 6)["Target date"] == "30/04/2025"
    assert cells_of(table, 6)["Update"] is None


def test_a_csv_without_a_filename_is_named_csv_and_sniffed_as_text():
    result = read_tracker(io.BytesIO(b"Ref,Action,Lead\n1,Publish the offer,SEND manager\n"))
    [table] = result.tables
    assert (table.sheet, table.headers, table.rows[0].cells) == (
        "CSV",
        ["Ref", "Action", "Lead"],
        ["1", "Publish the offer", "SEND manager"],
    )


def test_a_workbook_without_a_filename_is_recognised_by_its_zip_signature():
    result = read_tracker(build.council_tracker().data)  # bytes are accepted as well as a file
    assert [table.header_row for table in result.tables] == [4]


@pytest.mark.parametrize(
    "line, area",
    [
        ("Area of weakness 2: Timeliness of EHC plans", True),
        ("Priority 1 - Identification of need", True),
        ("AFI 3 Transitions", True),
        ("Workstream B: Inclusion", True),
        ("theme 4 preparing for adulthood", True),
        ("Area for priority action 1", True),
        ("Recommendation 5", True),
        ("Improvement area 2 – sufficiency", True),
        ("SEND Written Statement of Action – progress tracker", False),
        ("Our priority actions for 2025", False),
        ("Updated March 2025", False),
    ],
)
def test_area_titles_are_recognised(line, area):
    assert tables._area_title([line], "Sheet1") == (line if area else "")


def test_the_sheet_name_names_the_area_when_no_title_does():
    assert tables._area_title(["Updated March 2025"], "Priority 2") == "Priority 2"


@pytest.mark.parametrize(
    "data, filename",
    [
        (b"", "plan.xlsx"),
        (b"", ""),
        (bytes(range(256)) * 10, "plan.xlsx"),
        (bytes(range(256)) * 10, ""),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, ""),  # an old .xls
        (b"PK\x03\x04 truncated", ""),
    ],
)
def test_unreadable_files_give_a_problem_not_an_exception(data, filename):
    result = read_tracker(io.BytesIO(data), filename=filename)
    assert result.tables == []
    assert len(result.problems) == 1
    assert result.problems[0].sheet == "(file)"


def zip_of(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_word_document_renamed_xlsx_is_refused():
    docx = zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    result = read_tracker(io.BytesIO(docx), filename="plan.xlsx")
    assert result.tables == []
    assert "is not an Excel workbook (.xlsx) we can open" in result.problems[0].reason


def test_a_file_that_expands_too_far_is_refused_before_loading(monkeypatch):
    monkeypatch.setattr(tables, "_too_big", lambda file: tables.Problem("(file)", None, "", "", "expands to 51 MB"))
    result = read(build.council_tracker())
    assert [p.reason for p in result.problems] == ["expands to 51 MB"]


def test_a_sheet_with_more_than_max_rows_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 50)
    book = Workbook()
    for number in range(1, 61):
        book.active.cell(row=number, column=1, value=f"row {number}")
    out = io.BytesIO()
    book.save(out)
    result = read_tracker(io.BytesIO(out.getvalue()), filename="long.xlsx")
    assert result.tables == []
    [problem] = result.problems
    assert (problem.sheet, problem.reason) == ("Sheet", "has more than 50 rows: a plan tracker has fewer.")


def test_a_csv_with_more_than_max_rows_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 5)
    data = b"Ref,Action\n" + b"".join(b"%d,Do it\n" % n for n in range(10))
    result = read_tracker(io.BytesIO(data), filename="long.csv")
    assert result.tables == []
    assert "has more than 5 rows" in result.problems[0].reason


def test_a_workbook_with_more_than_max_cells_is_refused(monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELLS", 20)
    result = read(build.council_tracker())
    assert result.tables == []
    assert "has more than 20 cells" in result.problems[0].reason


def test_a_cell_longer_than_excel_allows_is_a_problem(monkeypatch):
    monkeypatch.setattr(tables, "MAX_CELL_CHARACTERS", 30)
    table_result = read(build.council_tracker())
    assert {(p.sheet, p.row, p.column) for p in table_result.problems} >= {("WSoA tracker", 2, "A")}


TITLE = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz –:", min_size=1, max_size=50).filter(
    lambda text: text.strip()
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    titles=st.lists(TITLE, max_size=3),
    blanks_before_header=st.integers(0, 3),
    spacers=st.lists(st.integers(0, 2), min_size=3, max_size=3),
)
def test_title_and_spacer_rows_do_not_move_the_table(titles, blanks_before_header, spacers):
    data, expected = build.plain_tracker(titles, blanks_before_header, spacers)
    result = read_tracker(io.BytesIO(data), filename="tracker.xlsx")
    [table] = result.tables
    assert table.header_row == len(titles) + blanks_before_header + 1
    assert table.headers == build.REPEATED_HEADERS
    assert table.title_lines == [title.strip() for title in titles]
    assert [row.cells for row in table.rows] == expected


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), filename=st.sampled_from(["", "plan.xlsx", "plan.csv", "plan.xls"]))
def test_any_bytes_give_tables_or_problems_never_an_exception(data, filename):
    result = read_tracker(io.BytesIO(data), filename=filename)
    assert isinstance(result, tables.TrackerTables)


def with_sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML changed: for what openpyxl would never write itself."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == "xl/worksheets/sheet1.xml" else content)
    return out.getvalue()


def test_a_merged_range_over_the_whole_sheet_is_refused_before_the_sheet_is_loaded():
    # Loading a sheet whole creates every cell a merge covers: 17 billion here, from a file of a few kilobytes.
    data = with_sheet_xml(
        build.council_tracker().data,
        lambda xml: xml.replace(b'<mergeCell ref="A1:H1"/>', b'<mergeCell ref="A1:XFD1048576"/>'),
    )
    result = read_tracker(io.BytesIO(data), filename="merged.xlsx")
    assert result.tables == []
    [problem] = result.problems
    assert "sheet “WSoA tracker” reached it with its merged cells" in problem.reason


def test_a_value_far_to_the_right_is_one_more_column_not_sixteen_thousand():
    book = Workbook()
    sheet = book.active
    for column, value in enumerate(["Ref", "Action", "Lead"], start=1):
        sheet.cell(row=1, column=column, value=value)
    for column, value in enumerate(["1.1", "Publish the offer", "SEND manager"], start=1):
        sheet.cell(row=2, column=column, value=value)
    sheet["XFD2"] = "stray note"
    sheet["XFD3"].fill = build.YELLOW
    out = io.BytesIO()
    book.save(out)
    [table] = read_tracker(io.BytesIO(out.getvalue()), filename="wide.xlsx").tables
    assert table.columns == ["A", "B", "C", "XFD"]
    assert table.headers == ["Ref", "Action", "Lead", ""]  # a column with a value but no heading
    assert [row.cells for row in table.rows] == [["1.1", "Publish the offer", "SEND manager", "stray note"]]
