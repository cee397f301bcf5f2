"""A published Word plan read as a tracker: each table of actions under its area heading, labelled blocks per action
(paragraphs, bold labels, two-column tables) as one table of rows, and the same mapping, translation and
all-or-nothing import as a spreadsheet; broken or empty documents are located problems, never exceptions."""

import io
import zipfile
from datetime import date

import pytest
from django.core.management import call_command
from docx import Document

from actions.models import Action, AreaOfWeakness, Plan
from planfields.models import PlanFieldValue
from tests.workbooks import word_builders as build
from workbooks.tracker import word
from workbooks.tracker.bring_in import tracker_import
from workbooks.tracker.columns import PeriodGuess
from workbooks.tracker.tables import TrackerTables, read_tracker
from workbooks.tracker.translate import PlanFacts

SPRING = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))
FACTS = PlanFacts(
    local_area="Northmoor",
    title="Written Statement of Action",
    plan_type="WSoA",
    start_date=date(2024, 9, 1),
    current_period=SPRING,  # the round the tables' undated RAG column reports
)


def read(plan: build.WordPlan, filename: str | None = None) -> TrackerTables:
    return read_tracker(io.BytesIO(plan.data), filename=plan.filename if filename is None else filename)


def tables_of(plan: build.WordPlan) -> dict:
    result = read(plan)
    assert result.problems == []
    return {table.sheet: table for table in result.tables}


def cells_of(table, number: int) -> dict:
    [row] = [row for row in table.rows if row.number == number]
    return dict(zip(table.headers, row.cells, strict=True))


def docx_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Tables per area


def test_each_table_of_actions_is_read_under_the_area_heading_above_it():
    result = read(build.tables_per_area_plan())
    assert result.problems == []
    assert [(t.sheet, t.headers, t.area_title) for t in result.tables] == [
        ("Table 2", build.TABLE_HEADERS, "Area of weakness 1: Timeliness of EHC plans"),
        ("Table 3", ["Action", "Lead", "By when", "Progress"], "Area for improvement 2 - Transitions to adulthood"),
        ("Table 4", ["Ref", "Action", "Lead"], "Priority 3: Co-production with families"),
    ]
    # The contents table has no header: skipped, saying why, and counted so the others keep their numbers.
    assert [(name, "headings" in why) for name, why in result.skipped] == [("Table 1", True)]


def test_rows_keep_the_tables_own_numbers_and_the_header_printed_again_is_left_out():
    table = tables_of(build.tables_per_area_plan())["Table 2"]
    assert table.header_row == 1
    assert [row.number for row in table.rows] == [2, 3, 5]
    assert [cells_of(table, n)["Ref"] for n in (2, 3, 5)] == ["1.1", "1.2", "1.3"]


def test_a_lead_cell_of_two_lines_keeps_them_as_lines():
    table = tables_of(build.tables_per_area_plan())["Table 2"]
    assert cells_of(table, 2)["Lead"] == "Head of SEND (Council)\nDesignated Clinical Officer (ICB)"


def test_a_cell_spanning_two_columns_gives_its_value_to_the_first_column_only():
    table = tables_of(build.tables_per_area_plan())["Table 2"]
    row = cells_of(table, 5)
    assert (row["Success criteria"], row["RAG"]) == ("A monthly report seen by the board", None)


def test_a_lead_merged_down_over_two_actions_is_each_actions_lead():
    table = tables_of(build.tables_per_area_plan())["Table 3"]
    assert [cells_of(table, n)["Lead"] for n in (2, 3)] == ["Head of Transitions (Council)"] * 2
    assert cells_of(table, 3)["Progress"] is None


def test_a_merged_title_row_naming_a_priority_is_the_tables_area_over_the_heading_further_up():
    table = tables_of(build.tables_per_area_plan())["Table 4"]
    assert table.header_row == 2
    assert table.area_title == "Priority 3: Co-production with families"
    assert [row.number for row in table.rows] == [3]


# Labelled blocks per action


def test_labelled_paragraphs_become_a_row_per_action_with_the_labels_as_headings():
    [table] = tables_of(build.labelled_blocks_plan()).values()
    assert table.sheet == "Actions"
    assert table.headers == ["Area", "Ref", *build.KESTLEBURY_LABELS, "Lead", "By when"]
    assert [row.number for row in table.rows] == [1, 2, 3]  # the blocks, counted in the document
    first = cells_of(table, 1)
    assert (first["Area"], first["Ref"], first["Lead"], first["By when"]) == (
        build.KESTLEBURY_AREA_1,
        "1.1",
        "Head of SEND (Council)",
        "March 2025",
    )
    assert first["What we will do"] == "Name a key worker for every family waiting for an assessment"
    assert cells_of(table, 2)["Where are we now"] is None  # the second block has no such label: an empty cell


def test_bold_labels_take_the_paragraphs_below_as_their_value():
    [table] = tables_of(build.labelled_blocks_plan()).values()
    third = cells_of(table, 3)
    assert (third["Area"], third["Ref"], third["Lead"]) == (
        build.KESTLEBURY_AREA_2,
        "2.1",
        "Designated Clinical Officer (ICB)",
    )
    assert third["What we will see"] == "A signed section 75 agreement\nWaiting times published each term"


def test_two_column_label_tables_become_a_row_per_action():
    result = read(build.label_table_plan())
    assert result.problems == []
    [table] = result.tables
    assert table.headers == ["Area", "Ref", "What we want", "What we will do", "Lead", "By when", "Success criteria"]
    assert [(c["Area"], c["Ref"], c["What we will do"]) for c in map(lambda n: cells_of(table, n), (1, 2, 3))] == [
        ("Priority 1: Early identification of need", "1.1", "Train every nursery SENCo"),
        ("Priority 1: Early identification of need", "1.2", "Add a SEND prompt to the two-year check"),
        ("Priority 2: Inclusion in mainstream schools", "2.1", "Fund an inclusion outreach team"),
    ]
    assert cells_of(table, 2)["Success criteria"] is None
    assert [name for name, _why in result.skipped] == ["Table 1"]  # the contents


def test_a_lone_note_in_the_introduction_is_not_a_block_of_fields():
    document = Document()
    document.add_paragraph("Note: this plan is reviewed each term by the SEND Partnership Board.")
    document.add_paragraph("Lead: the Director of Children's Services owns the plan.")
    document.add_heading("Area of weakness 1: Timeliness", level=1)
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Ref", "Action", "Lead"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1.1", "Recruit coordinators", "Head of SEND"], strict=True):
        cell.text = text
    result = read_tracker(docx_bytes(document), filename="plan.docx")
    assert [t.sheet for t in result.tables] == ["Table 1"]


def test_a_docx_is_known_by_its_name_or_by_the_word_document_inside_the_zip():
    plan = build.tables_per_area_plan()
    by_contents = read(plan, filename="")
    assert [t.sheet for t in by_contents.tables] == ["Table 2", "Table 3", "Table 4"]
    assert [t.sheet for t in read(plan, filename="WSOA.DOCX").tables] == ["Table 2", "Table 3", "Table 4"]


# Whatever the file, problems and never an exception


def test_an_empty_document_is_one_clear_problem():
    result = read(build.empty_plan())
    assert result.tables == []
    [problem] = result.problems
    assert word.NOTHING_FOUND in str(problem) and problem.sheet == "(file)"


def test_a_document_with_only_a_contents_table_is_one_clear_problem_naming_what_was_left_out():
    result = read(build.contents_only_plan())
    [problem] = result.problems
    assert word.NOTHING_FOUND in problem.reason and "Table 1 has no row that looks like" in problem.reason


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (bytes(range(256)) * 8, "plan.docx", "is not a Word document (.docx) we can open"),
        (b"", "plan.docx", "is empty"),
        (b"\xd0\xcf\x11\xe0" + bytes(500), "plan.doc", "old-style Word file (.doc)"),
        (None, "plan.docx", "is not a Word document (.docx) we can open"),  # a zip with no Word document in it
        ("truncated", "plan.docx", "is not a Word document (.docx) we can open"),
        ("entities", "plan.docx", "declares XML entities in word/document.xml"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_a_problem_not_an_exception(data, filename, expected):
    if data is None:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("readme.txt", "not a document")
        data = out.getvalue()
    elif data in ("truncated", "entities"):
        data = _with_document_xml(data)
    result = read_tracker(data, filename=filename)
    assert result.tables == []
    assert any(expected in str(problem) for problem in result.problems), [str(p) for p in result.problems]


def _with_document_xml(how: str) -> bytes:
    """The Word plan with its body cut short, or declaring an entity."""
    source = zipfile.ZipFile(io.BytesIO(build.tables_per_area_plan().data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for member in source.infolist():
            body = source.read(member)
            if member.filename == "word/document.xml":
                if how == "truncated":
                    body = body[: len(body) // 2]
                else:
                    body = body.replace(
                        b"?>", b'?><!DOCTYPE w:document [<!ENTITY plan SYSTEM "file:///etc/passwd">]>', 1
                    )
            archive.writestr(member, body)
    return out.getvalue()


def test_a_table_longer_than_a_plan_is_refused_naming_it(monkeypatch):
    monkeypatch.setattr(word, "MAX_ROWS", 3)
    result = read(build.tables_per_area_plan())
    assert result.tables == []
    [problem] = result.problems
    assert (problem.sheet, "has more than 3 rows") == ("Table 2", problem.reason[: len("has more than 3 rows")])


def test_a_document_of_more_cells_than_a_plan_is_refused(monkeypatch):
    monkeypatch.setattr(word, "MAX_CELLS", 20)
    result = read(build.tables_per_area_plan())
    assert result.tables == []
    [problem] = result.problems
    assert "has more than 20 table cells and paragraphs" in problem.reason and "Table 2 reached it" in problem.reason


def test_a_cell_longer_than_a_cell_may_hold_is_located(monkeypatch):
    monkeypatch.setattr("workbooks.tracker.tables.MAX_CELL_CHARACTERS", 20)
    result = read(build.tables_per_area_plan())
    located = {(p.sheet, p.row, p.column) for p in result.problems}
    assert ("Table 2", 2, "B") in located  # "Recruit four EHC coordinators", the Action column


# End to end: read, mapped, translated and imported all or nothing


@pytest.mark.django_db
@pytest.mark.parametrize("builder", [build.tables_per_area_plan, build.labelled_blocks_plan, build.label_table_plan])
def test_each_word_plan_previews_as_a_plan_with_no_mapping_file(world, builder):
    plan = builder()
    result, mapping = tracker_import(io.BytesIO(plan.data), filename=plan.filename, facts=FACTS, by=world.manager)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["Action"] == 3 + (3 if builder is build.tables_per_area_plan else 0)
    assert not result.applied and not Plan.objects.filter(local_area="Northmoor").exists()
    assert set(mapping.sheets) == {t.sheet for t in read(plan).tables}


def bring_in(world, plan: build.WordPlan):
    result, _ = tracker_import(
        io.BytesIO(plan.data), filename=plan.filename, facts=FACTS, by=world.manager, dry_run=False
    )
    assert result.ok, [str(p) for p in result.problems]
    return {a.ref: a for a in Action.objects.filter(area__plan__local_area="Northmoor")}


def leads(action) -> list[str]:
    return sorted(str(lead) for lead in action.leads.all())


@pytest.mark.django_db
def test_a_plan_of_tables_per_area_imports_its_areas_actions_leads_and_due_dates(world):
    actions = bring_in(world, build.tables_per_area_plan())
    areas = AreaOfWeakness.objects.filter(plan__local_area="Northmoor").order_by("order")
    assert [(a.ref, a.title, a.kind) for a in areas] == [
        ("1", "Timeliness of EHC plans", "weakness"),
        ("2", "Transitions to adulthood", "improvement"),
        ("3", "Co-production with families", "priority"),
    ]
    assert sorted(actions) == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1"]
    first = actions["1.1"]
    assert (first.text, first.due_date, first.current_rag) == (
        "Recruit four EHC coordinators",
        date(2025, 3, 31),
        "green",
    )
    # "(ICB)" is the post's organisation (issue 18), and "(Council)" the local area's own council: no person.
    assert leads(first) == ["Designated Clinical Officer", "Head of SEND"]
    organisation = {o.post_title: o.organisation.name for o in first.leads.all()}
    assert organisation == {"Designated Clinical Officer": "ICB", "Head of SEND": "Northmoor"}
    assert [leads(actions[ref]) for ref in ("2.1", "2.2")] == [["Head of Transitions"]] * 2
    assert actions["2.2"].text == "Train year 9 reviewers"
    # "Success criteria" is the plan's own field; the spanned cell's value is the criteria, not a rating.
    criteria = PlanFieldValue.objects.get(action=actions["1.3"], field__label="Success criteria")
    assert criteria.text == "A monthly report seen by the board" and actions["1.3"].current_rag in ("", None)


@pytest.mark.django_db
def test_kestleburys_labelled_blocks_import_as_actions_with_their_own_fields(world):
    actions = bring_in(world, build.labelled_blocks_plan())
    areas = AreaOfWeakness.objects.filter(plan__local_area="Northmoor").order_by("order")
    assert [(a.ref, a.title) for a in areas] == [("1", "Communication with families"), ("2", "Joint commissioning")]
    assert {ref: (a.area.ref, a.due_date, leads(a)) for ref, a in actions.items()} == {
        "1.1": ("1", date(2025, 3, 31), ["Head of SEND"]),
        "1.2": ("1", date(2025, 6, 30), ["SEND Casework Manager"]),
        "2.1": ("2", date(2025, 9, 30), ["Designated Clinical Officer"]),  # in the ICB (issue 18)
    }
    assert actions["2.1"].text == "Agree a pooled budget for speech and language therapy"
    own = dict(PlanFieldValue.objects.filter(action=actions["1.1"]).values_list("field__label", "text"))
    assert own == {
        "What we want": "Families know who to contact",
        "Where are we now": "Families tell us they do not know who is dealing with their request",
        "What we will see": "A key worker named on every request",
        "The difference this will make": "Families are less anxious while they wait",
    }


@pytest.mark.django_db
def test_two_column_label_tables_import_as_actions_under_their_priorities(world):
    actions = bring_in(world, build.label_table_plan())
    assert {ref: (a.area.ref, a.area.kind, a.text, a.due_date) for ref, a in actions.items()} == {
        "1.1": ("1", "priority", "Train every nursery SENCo", date(2025, 4, 30)),
        "1.2": ("1", "priority", "Add a SEND prompt to the two-year check", date(2025, 7, 31)),
        "2.1": ("2", "priority", "Fund an inclusion outreach team", date(2025, 12, 31)),
    }
    nhs_lead = actions["1.2"].leads.get()
    assert (nhs_lead.post_title, nhs_lead.organisation.name) == ("Health Visiting Manager", "Northmoor NHS Trust")


@pytest.mark.django_db
def test_manage_py_import_plan_previews_a_word_plan(tmp_path, world):
    path = tmp_path / "kestlebury-wsoa.docx"
    path.write_bytes(build.labelled_blocks_plan().data)
    out = io.StringIO()
    call_command(
        "import_plan",
        str(path),
        "--dry-run",
        *("--local-area", "Northmoor", "--title", "Written Statement of Action", "--type", "WSoA"),
        *("--start", "2024-09-01"),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Would create" in out.getvalue() and "dry run: nothing saved" in out.getvalue()
    assert not Plan.objects.filter(local_area="Northmoor").exists()


def test_odd_spans_word_allows_are_read_in_their_columns():
    """A cell "continuing" a merge with nothing above it, a span of zero columns and a row starting a column late
    (gridBefore): read where they stand, nothing raised."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = Document()
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [["Ref", "Action", "Lead"], ["1.1", "Recruit", "Head of SEND"],
                                        ["1.2", "Panel", "Casework Manager"]], strict=True):  # fmt: skip
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    first_data = table.rows[1].cells
    first_data[0]._tc.get_or_add_tcPr().append(parse_xml(f'<w:vMerge {nsdecls("w")} w:val="continue"/>'))
    first_data[1]._tc.get_or_add_tcPr().append(parse_xml(f'<w:gridSpan {nsdecls("w")} w:val="0"/>'))
    last = table.rows[2]._tr
    last.remove(last.tc_lst[0])  # the row starts one column late, as Word writes it
    last.insert(0, parse_xml(f'<w:trPr {nsdecls("w")}><w:gridBefore w:val="1"/></w:trPr>'))
    result = read_tracker(docx_bytes(document), filename="odd.docx")
    assert result.problems == []
    [read_table] = result.tables
    assert [row.cells for row in read_table.rows] == [
        [None, "Recruit", "Head of SEND"],
        [None, "Panel", "Casework Manager"],
    ]
