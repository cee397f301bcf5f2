"""Hostile and broken workbook files are refused with a listed problem: never an HTTP 500, never a memory blow-up.
Each file is built in memory from a good tracker by rewriting the XML inside it."""

import time
import tracemalloc

import pytest
from django.urls import reverse

from actions.models import Action
from tests.workbook_builders import ACTIONS_XML, LAUGHS, oxfordshire_tracker, rewritten, workbook
from workbooks.importer import import_workbook
from workbooks.reader import MAX_CELLS, MAX_ROWS, MAX_UNZIPPED_BYTES


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def test_one_enormous_cell_is_refused_before_it_is_decompressed(manager):
    huge = b"x" * (MAX_UNZIPPED_BYTES + 1024 * 1024)
    upload = rewritten(oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"JSNA Team", huge))
    assert len(upload.getvalue()) < 1024 * 1024  # a small file
    huge = None  # built here, not by the import
    tracemalloc.start()
    result = import_workbook(upload, by=manager, dry_run=True)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [(p.sheet, p.row) for p in result.problems] == [("(file)", None)]
    assert "expands to 51 MB when opened, more than the 50 MB" in result.problems[0].reason
    assert peak < 10 * 1024 * 1024  # it was 1.1 GB for a 400 MB cell


def test_a_billion_laughs_entity_is_refused_as_a_listed_problem(client, manager):
    upload = rewritten(
        oxfordshire_tracker(),
        ACTIONS_XML,
        lambda xml: LAUGHS + xml.replace(b"JSNA Team", b"&lol9;"),
    )
    upload.name = "laughs.xlsx"
    client.force_login(manager)
    response = client.post(reverse("workbook-upload"), {"workbook": upload})
    assert response.status_code == 400
    assert "declares XML entities, which a workbook saved by Excel never does" in response.content.decode()
    assert not Action.objects.exists()


def test_an_undefined_entity_is_refused_as_a_listed_problem(manager):
    upload = rewritten(oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"JSNA Team", b"&nosuch;"))
    result = import_workbook(upload, by=manager, dry_run=True)
    assert [(p.sheet, p.row) for p in result.problems] == [("Actions", None)]
    assert "is not well-formed XML (undefined entity" in result.problems[0].reason


def test_a_sheet_reaching_a_million_rows_is_refused_without_reading_them_all(manager):
    far = b'<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>1</t></is></c></row></sheetData>'
    upload = rewritten(oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"</sheetData>", far))
    started = time.monotonic()
    result = import_workbook(upload, by=manager, dry_run=True)
    assert time.monotonic() - started < 20
    assert [str(p) for p in result.problems] == [
        f"Actions: has more than {MAX_ROWS:,} rows: a plan workbook has fewer."
    ]


def test_a_sheet_as_wide_as_excel_allows_counts_its_blank_cells(manager):
    # A cell in Excel's last column on each of 40 rows: every one of those rows is read 16,384 cells wide.
    stray = b"".join(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (n, n) for n in range(8, 48))
    upload = rewritten(
        oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"</sheetData>", stray + b"</sheetData>")
    )
    result = import_workbook(upload, by=manager, dry_run=True)
    assert [(p.sheet, p.row) for p in result.problems] == [("(file)", None)]
    assert f"has more than {MAX_CELLS:,} cells" in result.problems[0].reason
    assert "sheet “Actions” reached it at row 38" in result.problems[0].reason


def test_rows_beyond_the_size_a_sheet_declares_are_read_not_dropped(manager):
    row = (
        b'<row r="8"><c r="A8" t="inlineStr"><is><t>2</t></is></c><c r="B8" t="inlineStr"><is><t>2.4</t></is></c>'
        b'<c r="C8" t="inlineStr"><is><t>Listen to families</t></is></c>'
        b'<c r="D8" t="inlineStr"><is><t>Head of SEND</t></is></c><c r="E8" t="inlineStr"><is><t>May 2020</t></is></c>'
        b"</row></sheetData>"
    )
    upload = rewritten(oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"</sheetData>", row))
    result = import_workbook(upload, by=manager, dry_run=True)  # the sheet still says it ends at row 7
    assert result.ok and result.created["Action"] == 7


def test_a_formula_with_no_saved_result_is_a_located_problem_not_an_erased_date(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = "=DATE(2020,3,31)"  # openpyxl saves the formula without calculating it
    result = import_workbook(workbook(sheets), by=manager, dry_run=True)
    assert [(p.sheet, p.row, p.column, p.value) for p in result.problems] == [
        ("Actions", 2, "By When", "=DATE(2020,3,31)")
    ]
    assert "formula with no saved result" in result.problems[0].reason


def test_a_formula_with_its_saved_result_imports_the_result(manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = '=IF(TRUE,"March 2020","")'
    upload = rewritten(
        sheets,
        ACTIONS_XML,
        lambda xml: xml.replace(b'<c r="E2">', b'<c r="E2" t="str">').replace(
            b"</f><v></v></c>", b"</f><v>March 2020</v></c>"
        ),
    )
    result = import_workbook(upload, by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert Action.objects.get(ref="1.1").due_label == "March 2020"


def test_a_cell_longer_than_excel_allows_is_a_located_problem(manager):
    long_text = "a" * 40_000
    upload = rewritten(oxfordshire_tracker(), ACTIONS_XML, lambda xml: xml.replace(b"JSNA Team", long_text.encode()))
    result = import_workbook(upload, by=manager, dry_run=True)
    assert [(p.sheet, p.row, p.column, p.value) for p in result.problems] == [
        ("Actions", 3, "Responsible officers", "a" * 60 + "…")
    ]
    assert result.problems[0].reason == "is 40,000 characters long, more than the 32,767 a cell may hold."
