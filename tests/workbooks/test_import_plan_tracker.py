"""`manage.py import_plan` with an area's own tracker: recognisable headings need no mapping file; --save-mapping
writes the mapping to edit and --mapping uses it; problems are listed by the tracker's sheet, row and column, and
the command fails with nothing saved (decision 0024)."""

import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from actions.models import Action, Plan, ProgressUpdate
from planfields.models import PlanFieldValue

pytestmark = pytest.mark.django_db

FACTS = [
    "--local-area",
    "Northmoor",
    "--title",
    "Written Statement of Action",
    "--type",
    "WSoA",
    "--start",
    "2024-09-01",
]


def tracker_file(tmp_path, rows, name="tracker.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.title = "WSoA tracker"
    sheet.append(["Northmoor SEND Written Statement of Action: progress tracker"])
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Ref", "Area", "Action", "Lead Officer", "Target Date", "Update Jan 2025"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


ROWS = [
    ["1.1", "1. Timeliness of EHC plans", "Recruit four EHC coordinators", "Head of SEND (Ana Ruiz)", "March 2025",
     "Two in post."],
    ["1.2", "1. Timeliness of EHC plans", "Weekly EHC panel", "SEND Casework Manager", "Dec 24", "Running."],
]  # fmt: skip


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_tracker_with_recognisable_headings_imports_with_no_mapping_file(tmp_path, world):
    path = tracker_file(tmp_path, ROWS)
    out, _ = run(path, "--dry-run", *FACTS)
    assert "dry run: nothing saved" in out and not Plan.objects.filter(local_area="Northmoor").exists()
    run(path, *FACTS)
    plan = Plan.objects.get(local_area="Northmoor")
    assert sorted(Action.objects.filter(area__plan=plan).values_list("ref", flat=True)) == ["1.1", "1.2"]
    assert ProgressUpdate.objects.filter(action__area__plan=plan, period__name="January 2025").count() == 2
    out, _ = run(path, *FACTS)  # the same file again changes nothing
    assert "Created 0 and changed 0 records" in out


def test_save_mapping_writes_what_each_column_fills_and_an_edited_mapping_is_used(tmp_path, world):
    path = tracker_file(tmp_path, ROWS)
    mapping_path = tmp_path / "mapping.json"
    out, _ = run(path, "--save-mapping", mapping_path)
    assert "“Lead Officer” reads as leads" in out and not Plan.objects.filter(local_area="Northmoor").exists()
    mapping = json.loads(mapping_path.read_text())
    columns = mapping["sheets"]["WSoA tracker"]
    assert [c["field"] for c in columns] == ["ref", "area", "action", "leads", "due", "progress"]
    columns[4] = {"header": "Target Date", "field": "own", "label": "Target as written"}
    mapping_path.write_text(json.dumps(mapping))
    run(path, "--mapping", mapping_path, *FACTS)
    action = Action.objects.get(ref="1.1", area__plan__local_area="Northmoor")
    assert action.due_date is None
    assert PlanFieldValue.objects.get(action=action, field__label="Target as written").text == "March 2025"


def test_problems_are_listed_by_the_trackers_sheet_row_and_column_and_nothing_is_saved(tmp_path, world):
    path = tracker_file(tmp_path, [["1.1", "1. Timeliness", "Recruit", "Head of SEND", "soonish", "Started."]])
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_plan", str(path), *FACTS, stdout=io.StringIO(), stderr=err)
    assert "WSoA tracker, row 4, column Target Date: “soonish”" in err.getvalue(), err.getvalue()
    assert not Plan.objects.filter(local_area="Northmoor").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--local-area", "Northmoor"], "give --title, --type, --start"),
        ([*FACTS[:-1], "1 Sept"], "--start “1 Sept” should be a date like 01/09/2024 or 2024-09-01"),
        ([*FACTS[:-1], "31/02/2024"], "--start “31/02/2024” should be a date like 01/09/2024"),
        ([*FACTS, "--period", "soon"], "--period “soon” names no month, term or quarter"),
    ],
)
def test_a_tracker_without_the_plans_facts_is_refused_saying_what_to_give(tmp_path, world, args, message):
    with pytest.raises(CommandError, match=message):
        run(tracker_file(tmp_path, ROWS), *args)


def test_a_mapping_file_that_cannot_be_used_is_refused_saying_why(tmp_path, world):
    bad = tmp_path / "mapping.json"
    bad.write_text('{"sheets": {"WSoA tracker": [{"header": "Ref", "field": "colour"}]}}')
    with pytest.raises(CommandError, match="“colour” is not a field we know"):
        run(tracker_file(tmp_path, ROWS), "--mapping", bad, *FACTS)


def test_save_mapping_lists_the_words_it_cannot_read_and_the_answered_file_imports_once(tmp_path, world):
    """--save-mapping writes each status word it cannot read with no value; the file as written is refused naming
    the word, and once answered it imports, a second time changing nothing."""
    from tests.workbooks.tracker_builders import directorate_tracker

    built = directorate_tracker()
    path = tmp_path / built.filename
    path.write_bytes(built.data)
    mapping_path = tmp_path / "mapping.json"
    out, _ = run(path, "--save-mapping", mapping_path)
    assert "“On track” (RAG rating) is a word we cannot read" in out
    mapping = json.loads(mapping_path.read_text())
    assert mapping["words"] == {"rag": {"On track": None, "Off track": None}}
    with pytest.raises(CommandError, match="“On track” has no value yet"):
        run(path, "--mapping", mapping_path, *FACTS, "--period", "Spring term 2025")
    mapping["words"]["rag"] = {"On track": "green", "Off track": "red"}
    mapping_path.write_text(json.dumps(mapping))
    run(path, "--mapping", mapping_path, *FACTS, "--period", "Spring term 2025")
    ratings = dict(Action.objects.filter(area__plan__local_area="Northmoor").values_list("ref", "current_rag"))
    assert ratings == {"4.01.01": "green", "4.01.02": "blue", "4.02.01": "red", "4.03.01": "green"}
    out, _ = run(path, "--mapping", mapping_path, *FACTS, "--period", "Spring term 2025")
    assert "Created 0 and changed 0 records" in out


def test_the_start_date_is_taken_as_a_council_officer_types_it(tmp_path, world):
    run(tracker_file(tmp_path, ROWS), *FACTS[:-1], "01/09/2024")
    assert Plan.objects.get(local_area="Northmoor").start_date == date(2024, 9, 1)
