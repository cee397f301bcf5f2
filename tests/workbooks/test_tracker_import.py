"""An area's own tracker, read and mapped, imported through the plan workbook's all-or-nothing importer (issue 18):
areas from the area column or the sheet's title, actions with their leads, due dates, stage and % complete, dated
progress columns as progress entries for periods created in date order, unknown columns as the plan's own fields,
problems located by the tracker's own sheet, row and column, and next term's file updating in place."""

import io
from dataclasses import dataclass, field
from datetime import date

import pytest

from actions.models import Action, AreaOfWeakness, Officer, Plan, ProgressUpdate, ReportingPeriod
from planfields.models import PlanField, PlanFieldValue
from tests.workbooks import tracker_builders
from workbooks.importer import import_workbook
from workbooks.tracker.bring_in import tracker_import
from workbooks.tracker.columns import Field, PeriodGuess, propose_columns
from workbooks.tracker.mapping import Mapping
from workbooks.tracker.translate import PlanFacts, area_heading, tracker_workbook

pytestmark = pytest.mark.django_db


@dataclass
class TableRow:
    number: int
    cells: list


@dataclass
class Table:
    """A sheet as tables.read_tracker gives it (the fields translate reads)."""

    sheet: str
    headers: list[str]
    rows: list[TableRow]
    area_title: str = ""
    title_lines: list[str] = field(default_factory=list)


FACTS = PlanFacts(
    local_area="Northmoor", title="Written Statement of Action", plan_type="WSoA", start_date=date(2024, 9, 1)
)
HEADERS = ["Ref", "Area", "Action", "Lead Officer", "Target Date", "% Complete", "Stage", "Update Dec 2024",
           "Update Mar 2025", "Directorate"]  # fmt: skip


def tracker(*rows, headers=HEADERS, sheet="WSoA tracker", area_title=""):
    return Table(sheet, headers, [TableRow(n, list(cells)) for n, cells in rows], area_title=area_title)


SPRING = tracker(
    (5, ["1.1", "1. Timeliness of EHC plans", "Recruit four EHC coordinators", "Head of SEND (Ana Ruiz)",
         "March 2025", "50%", "In progress", "Two in post.", "Four in post.", "Children's Services"]),
    (6, ["1.2", "1. Timeliness of EHC plans", "Weekly panel for EHC requests", "SEND Casework Manager",
         "Dec 24", "100%", "Complete", "Panel running weekly.", None, "Children's Services"]),
    (8, ["2.1", "2. Joint commissioning", "Agree a joint commissioning plan",
         "Designated Clinical Officer, Northmoor ICB", "Jun 25", 0.2, "In progress", None,
         "Draft agreed by the partnership board.", "ICB"]),
)  # fmt: skip


def mapped(table, own_labels=()):
    return {table.sheet: propose_columns(table.headers, own_labels=own_labels)}


def bring_in(user, table, *, dry_run=False):
    workbook = tracker_workbook([table], mapped(table), FACTS)
    return import_workbook(None, by=user, dry_run=dry_run, workbook=workbook)


def test_a_tracker_becomes_a_plan_with_areas_actions_periods_progress_and_own_fields(world):
    result = bring_in(world.manager, SPRING)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(local_area="Northmoor")
    areas = list(plan.areas.order_by("order").values_list("ref", "title"))
    assert areas == [("1", "Timeliness of EHC plans"), ("2", "Joint commissioning")]
    actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
    assert sorted(actions) == ["1.1", "1.2", "2.1"]
    first = actions["1.1"]
    assert (first.area.ref, first.text, first.due_date, first.percent_complete, first.stage) == (
        "1",
        "Recruit four EHC coordinators",
        date(2025, 3, 31),
        50,
        "in_progress",
    )
    assert [str(lead) for lead in first.leads.all()] == ["Head of SEND (Ana Ruiz)"]
    icb_lead = actions["2.1"].leads.get()
    assert (icb_lead.post_title, icb_lead.organisation.name) == ("Designated Clinical Officer", "Northmoor ICB")
    assert actions["2.1"].percent_complete == 20  # 0.2 as Excel holds 20%
    # The dated columns are two reporting periods, in date order, with their progress entries.
    periods = list(plan.periods.order_by("start").values_list("name", "start", "end"))
    assert periods == [
        ("December 2024", date(2024, 12, 1), date(2024, 12, 31)),
        ("March 2025", date(2025, 3, 1), date(2025, 3, 31)),
    ]
    entries = ProgressUpdate.objects.filter(action__area__plan=plan).order_by("action__ref", "period__start")
    assert [(u.action.ref, u.period.name, u.rag, u.progress) for u in entries] == [
        ("1.1", "December 2024", "", "Two in post."),
        ("1.1", "March 2025", "", "Four in post."),
        ("1.2", "December 2024", "", "Panel running weekly."),
        ("2.1", "March 2025", "", "Draft agreed by the partnership board."),
    ]
    # "Directorate" is no column we know: a field of the plan's own, not public until someone says so.
    directorate = PlanField.objects.get(plan=plan)
    assert (directorate.label, directorate.applies_to, directorate.public) == ("Directorate", "action", False)
    assert PlanFieldValue.objects.get(field=directorate, action=actions["2.1"]).text == "ICB"


def test_importing_the_same_file_again_changes_nothing_and_next_terms_file_adds_its_round(world):
    assert bring_in(world.manager, SPRING).ok
    counts = (Action.objects.count(), Officer.objects.count(), ProgressUpdate.objects.count())
    again = bring_in(world.manager, SPRING)
    assert again.ok and not again.created and not again.changed
    assert (Action.objects.count(), Officer.objects.count(), ProgressUpdate.objects.count()) == counts

    summer_headers = [*HEADERS[:7], "Update Mar 2025", "Update Jun 2025", "Directorate"]
    summer = tracker(
        *[(row.number, [*row.cells[:7], row.cells[8], f"June: {row.cells[2].lower()} done.", row.cells[9]])
          for row in SPRING.rows],
        headers=summer_headers,
    )  # fmt: skip
    summer.rows[0].cells[5] = "100%"
    result = bring_in(world.manager, summer)
    assert result.ok, [str(p) for p in result.problems]
    assert Action.objects.count() == counts[0] and Officer.objects.count() == counts[1]
    assert ReportingPeriod.objects.filter(plan__local_area="Northmoor", name="June 2025").exists()
    assert ProgressUpdate.objects.filter(period__name="June 2025").count() == 3
    assert Action.objects.get(ref="1.1", area__plan__local_area="Northmoor").percent_complete == 100


def test_a_problem_names_the_trackers_own_sheet_row_column_and_value_and_nothing_is_saved(world):
    broken = tracker(
        (5, ["1.1", "1. Timeliness", "Recruit coordinators", "Head of SEND", "March 2025", "lots", "In progress",
             None, None, None]),
        (7, ["1.2", "1. Timeliness", "Weekly panel", "Head of SEND", "soonish", None, None, None, None, None]),
    )  # fmt: skip
    result = bring_in(world.manager, broken)
    assert not result.ok and not Plan.objects.filter(local_area="Northmoor").exists()
    located = [(p.sheet, p.row, p.column, p.value) for p in result.problems]
    assert ("WSoA tracker", 5, "% Complete", "lots") in located
    assert ("WSoA tracker", 7, "Target Date", "soonish") in located


def test_one_sheet_per_area_takes_the_area_from_the_sheets_title_rows(world):
    headers = ["Action No.", "What we will do", "Lead", "By when", "Progress update March 2025"]
    sheets = [
        tracker((4, ["1", "Publish the Local Offer again", "Local Offer Manager", "May 2025", "Drafted."]),
                headers=headers, sheet="AoW1", area_title="Area for improvement 1: The Local Offer"),
        tracker((4, ["1", "Map therapy waits", "Therapies Lead", "Apr 2025", "Mapped."]), headers=headers,
                sheet="AoW2", area_title="Area for improvement 2: Therapy waiting times"),
    ]  # fmt: skip
    proposals = {table.sheet: propose_columns(table.headers) for table in sheets}
    result = import_workbook(None, by=world.manager, dry_run=False, workbook=tracker_workbook(sheets, proposals, FACTS))
    assert result.ok, [str(p) for p in result.problems]
    areas = AreaOfWeakness.objects.filter(plan__local_area="Northmoor").order_by("order")
    assert [(a.ref, a.title, a.kind) for a in areas] == [
        ("1", "The Local Offer", "improvement"),
        ("2", "Therapy waiting times", "improvement"),
    ]
    # Numbered "1" on each sheet: the action is that number under its area, as the published plan would call it.
    held = Action.objects.filter(area__plan__local_area="Northmoor").values_list("area__ref", "ref", "text")
    assert sorted(held) == [("1", "1.1", "Publish the Local Offer again"), ("2", "2.1", "Map therapy waits")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Area of weakness 2: Timeliness", ("2", "Timeliness", "")),
        ("AFI 3 - Transitions", ("3", "Transitions", "improvement")),
        ("Area for priority action 1: Leadership", ("1", "Leadership", "priority")),
        ("2. Joint commissioning", ("2", "Joint commissioning", "")),
        ("Theme B", ("B", "Theme B", "")),
        ("Workstream c) Health", ("C", "Health", "workstream")),
        ("Joint commissioning", ("9", "Joint commissioning", "")),
    ],
)
def test_an_area_as_a_tracker_names_it(text, expected):
    heading = area_heading(text, fallback_ref="9")
    assert (heading.ref, heading.title, heading.kind) == expected


def test_undated_ratings_go_to_the_round_the_programme_manager_names(world):
    headers = ["Ref", "Area", "Action", "Lead", "RAG Status", "Latest update"]
    table = tracker(
        (3, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "A", "Two of four in post."]), headers=headers
    )
    spring = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": spring})
    proposals = {table.sheet: propose_columns(headers)}
    assert [p.field for p in proposals[table.sheet]][4:] == [Field.RAG, Field.PROGRESS]
    result = import_workbook(
        None, by=world.manager, dry_run=False, workbook=tracker_workbook([table], proposals, facts)
    )
    assert result.ok, [str(p) for p in result.problems]
    action = Action.objects.get(area__plan__local_area="Northmoor", ref="1.1")
    assert action.current_rag == "amber"
    assert ProgressUpdate.objects.get(action=action).period.name == "Spring term 2025"


def test_a_rating_without_its_narrative_comes_in_as_history_and_the_preview_says_what_it_lacks(world):
    """Trackers rate without the words the app asks a lead for: imported, not refused, each flagged by row. In the
    app the rules stay (tests/actions)."""
    headers = ["Ref", "Area", "Action", "Lead", "RAG Dec 2024", "RAG Mar 2025"]
    table = tracker(
        (3, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "A", "G"]),
        (4, ["1.2", "1. Timeliness", "Panel", "Head of SEND", "R", None]),
        headers=headers,
    )
    preview = import_workbook(
        None, by=world.manager, dry_run=True, workbook=tracker_workbook([table], mapped(table), FACTS)
    )
    assert preview.ok, [str(p) for p in preview.problems]
    assert not Plan.objects.filter(local_area="Northmoor").exists()
    assert sorted(w for w in preview.warnings if "as history" in w) == [
        "WSoA tracker, row 3: 1.1's Amber rating for December 2024 is brought in as history without the progress "
        "behind it, which the app asks a lead for: ask the lead to add it.",
        "WSoA tracker, row 3: 1.1's Green rating for March 2025 is brought in as history without the progress behind "
        "it or its impact, which the app asks a lead for: ask the lead to add it.",
        "WSoA tracker, row 4: 1.2's Red rating for December 2024 is brought in as history without the progress "
        "behind it or how it will recover, which the app asks a lead for: ask the lead to add it.",
    ]
    assert bring_in(world.manager, table).ok
    ratings = ProgressUpdate.objects.filter(action__area__plan__local_area="Northmoor").order_by("action__ref", "id")
    assert [(u.action.ref, u.period.name, u.rag, u.progress) for u in ratings] == [
        ("1.1", "December 2024", "amber", ""),
        ("1.1", "March 2025", "green", ""),
        ("1.2", "December 2024", "red", ""),
    ]
    assert Action.objects.get(area__plan__local_area="Northmoor", ref="1.1").current_rag == "green"


# Each council's tracker (tests/workbooks/tracker_builders.py) from its bytes to a previewed import, with no mapping
# file: read, proposed, translated and checked by the importer. The rounds their undated RAG columns report are
# named as a programme manager would on the mapping page.
@pytest.mark.parametrize(
    "build",
    [
        tracker_builders.council_tracker,
        tracker_builders.two_row_header_tracker,
        tracker_builders.group_heading_alone_tracker,
        tracker_builders.repeated_header_tracker,
        tracker_builders.csv_tracker,
        lambda: tracker_builders.csv_tracker(";"),
    ],
)
def test_each_councils_tracker_previews_as_a_plan_with_no_mapping_file(world, build):
    built = build()
    spring = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": spring})
    result, mapping = tracker_import(io.BytesIO(built.data), filename=built.filename, facts=facts, by=world.manager)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["Action"] > 0 and not result.applied
    assert set(mapping.sheets) == set(built.headers)


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        # The plan's own word for a stage: set on the plan (its stage words) before importing, or the cell refused.
        (tracker_builders.per_area_tracker, {("AoW 1", 3, "Stage", "Delivering")}),
        # Status words that are not ratings: refused where they stand. (Its % column holds Excel's fractions, so
        # its 1 is 100%: see test_a_percent_column_of_fractions_reads_its_1_as_100.)
        (tracker_builders.directorate_tracker, {("Action Plan", 6, "Status", "On track")}),
    ],
)
def test_a_councils_tracker_with_words_we_cannot_read_is_refused_where_they_stand(world, build, expected):
    built = build()
    spring = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": spring})
    result, _ = tracker_import(io.BytesIO(built.data), filename=built.filename, facts=facts, by=world.manager)
    assert {(p.sheet, p.row, p.column, p.value) for p in result.problems} >= expected
    assert not Plan.objects.filter(local_area="Northmoor").exists()


@pytest.mark.parametrize(
    ("values", "read"),
    [
        ([0.25, 1, 0.5], [25, 100, 50]),  # Excel's fractions, shown as percentages: 1 is 100%
        (["25%", 1, "50%"], None),  # a lone 1 among written percentages: 1% or 100%? Refused, not guessed.
        ([25, 1, 50], None),  # whole numbers: 1 may mean 1%
    ],
)
def test_a_percent_column_of_fractions_reads_its_1_as_100(world, values, read):
    headers = ["Ref", "Action", "Lead Officer", "% Complete"]
    rows = [(n, [f"1.{n}", f"Action {n}", "Head of SEND", value]) for n, value in enumerate(values, start=1)]
    table = tracker(*rows, headers=headers)
    result = bring_in(world.manager, table)
    if read is None:
        assert [(p.row, p.column, p.value) for p in result.problems] == [(2, "% Complete", "1")]
    else:
        assert result.ok, result.problems
        actions = Action.objects.filter(area__plan__local_area="Northmoor").order_by("ref")
        assert [action.percent_complete for action in actions] == read


SPRING_TERM = PeriodGuess("Spring term 2025", date(2025, 1, 1), date(2025, 3, 31))


def bring_in_built(user, built, *, words=None, dry_run=True, current_period=SPRING_TERM):
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": current_period})
    saved = Mapping(words=words) if words is not None else None
    result, _ = tracker_import(
        io.BytesIO(built.data), filename=built.filename, facts=facts, by=user, saved=saved, dry_run=dry_run
    )
    return result


@pytest.mark.parametrize("dry_run", [True, False])
def test_with_the_plans_stage_word_mapped_the_per_area_tracker_comes_in(world, dry_run):
    words = {Field.STAGE: {"delivering": "in_progress"}, Field.PERCENT_COMPLETE: {"1": "100"}}
    result = bring_in_built(world.manager, tracker_builders.per_area_tracker(), words=words, dry_run=dry_run)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["Action"] == 5
    held = Action.objects.filter(area__plan__local_area="Northmoor")
    if dry_run:
        assert not held.exists()
        return
    stages = dict(held.values_list("ref", "stage"))
    assert (stages["1.1"], stages["2.2"], stages["2.1"]) == ("in_progress", "in_progress", "complete")
    assert held.get(ref="2.1").percent_complete == 100


@pytest.mark.parametrize("dry_run", [True, False])
def test_with_its_status_words_mapped_the_directorate_tracker_comes_in(world, dry_run):
    words = {Field.RAG: {"On track": "green", "Off track": "red"}, Field.PERCENT_COMPLETE: {"1": "100"}}
    result = bring_in_built(world.manager, tracker_builders.directorate_tracker(), words=words, dry_run=dry_run)
    assert result.ok, [str(p) for p in result.problems]
    assert result.created["Action"] == 4
    if dry_run:
        assert not Plan.objects.filter(local_area="Northmoor").exists()
        return
    ratings = dict(Action.objects.filter(area__plan__local_area="Northmoor").values_list("ref", "current_rag"))
    assert ratings == {"4.01.01": "green", "4.01.02": "blue", "4.02.01": "red", "4.03.01": "green"}
    assert ProgressUpdate.objects.get(action__ref="4.02.01").period.name == "Spring term 2025"


SUMMER_TERM = PeriodGuess("Summer term 2025", date(2025, 4, 1), date(2025, 8, 31))


def test_a_list_sheet_with_area_heading_rows_and_dated_narrative_status_comes_in_whole_and_again_unchanged(world):
    """One list sheet for the plan, each area a heading row of its own (merged across, or in the first cell alone),
    status a dated narrative with no RAG, outcomes headed as published plans head them: nothing lost or refused."""
    built = tracker_builders.area_rows_tracker()
    result = bring_in_built(world.manager, built, words={}, dry_run=False, current_period=SUMMER_TERM)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(local_area="Northmoor")
    areas = AreaOfWeakness.objects.filter(plan=plan).order_by("ref")
    assert [(a.ref, a.title) for a in areas] == [
        ("1", "Identification of need in the early years"),
        ("2", "Joint commissioning of therapies"),
    ]
    # The heading rows are areas, not actions; each action belongs to the area above it.
    actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
    assert {ref: a.area.ref for ref, a in actions.items()} == {"1.1": "1", "1.2": "1", "2.1": "2", "2.2": "2"}
    # Two actions in one cell are kept as written; two leads on new lines are two leads.
    assert actions["2.1"].text.startswith("Agree a section 75 agreement; and publish therapy waiting times")
    posts = sorted(o.post_title for o in actions["2.1"].leads.all())
    assert (
        len(posts) == 2 and posts[0].startswith("Designated Clinical Officer") and posts[1] == "Head of Commissioning"
    )
    # Each part of the narrative dated in brackets is that month's entry; undated text is the round's.
    entries = ProgressUpdate.objects.filter(action__area__plan=plan).order_by("action__ref", "period__start")
    assert [(u.action.ref, u.period.name, u.progress) for u in entries if u.progress] == [
        ("1.1", "January 2025", "Training began (January 2025)."),
        ("1.1", "March 2025", "80 settings trained (March 2025)."),
        ("1.2", "Summer term 2025", "Drafted with the parent carer forum."),
        ("2.1", "March 2025", "Panel meets weekly (March 2025)."),
        ("2.1", "June 2025", "Backlog cleared (June 2025)."),
    ]
    assert not any(u.rag for u in entries)
    # Outcomes as the plan words them are its own fields. "Impact" is the impact of the round's entry; with the
    # progress all dated in brackets, of the latest dated entry (an entry of impact alone would be refused).
    values = {(v.action.ref, v.field.label): v.text for v in PlanFieldValue.objects.filter(action__area__plan=plan)}
    assert values[("1.1", "What we will see")] == "Needs identified before school"
    assert values[("1.1", "Success criteria")] == "90% of settings trained"
    assert values[("2.1", "What we will see")] == "A signed section 75 agreement"
    assert ProgressUpdate.objects.get(action=actions["2.1"], period__name="June 2025").impact == "Families wait less"
    assert ProgressUpdate.objects.get(action=actions["1.1"], period__name="March 2025").impact == "Earlier support"
    counts = (Action.objects.count(), ProgressUpdate.objects.count(), PlanFieldValue.objects.count())
    again = bring_in_built(world.manager, built, words={}, dry_run=False, current_period=SUMMER_TERM)
    assert again.ok and not again.created and not again.changed, (again.created, again.changed)
    assert (Action.objects.count(), ProgressUpdate.objects.count(), PlanFieldValue.objects.count()) == counts


def test_a_single_latest_update_column_with_no_rating_is_the_rounds_entry_and_again_changes_nothing(world):
    """An undated "Latest update" and no RAG column: each text is the progress entry of the round the programme
    manager names. The importer reads an Actions row's progress only beside a rating, so it comes in as an update."""
    headers = ["Ref", "Area", "Action", "Lead", "Latest update", "Impact"]
    table = tracker(
        (3, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "Two of four in post.", "Plans written sooner"]),
        (4, ["1.2", "1. Timeliness", "Panel", "Head of SEND", None, None]),
        headers=headers,
    )
    facts = PlanFacts(**{**FACTS.__dict__, "current_period": SPRING_TERM})

    def bring():
        workbook = tracker_workbook([table], mapped(table), facts)
        return import_workbook(None, by=world.manager, dry_run=False, workbook=workbook)

    assert bring().ok
    [entry] = ProgressUpdate.objects.filter(action__area__plan__local_area="Northmoor")
    assert (entry.action.ref, entry.period.name, entry.progress, entry.impact, entry.rag) == (
        "1.1", "Spring term 2025", "Two of four in post.", "Plans written sooner", "",
    )  # fmt: skip
    again = bring()
    assert again.ok and not again.created and not again.changed


def test_undated_progress_with_no_round_named_is_a_located_problem(world):
    headers = ["Ref", "Area", "Action", "Lead", "Latest update"]
    table = tracker((3, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "Two in post."]), headers=headers)
    result = import_workbook(
        None, by=world.manager, dry_run=True, workbook=tracker_workbook([table], mapped(table), FACTS)
    )
    assert [(p.sheet, p.row, p.column, p.value) for p in result.problems] == [
        ("WSoA tracker", 3, "Latest update", "Two in post.")
    ]


def test_a_sheet_of_kpis_is_proposed_left_out_saying_why_and_its_rows_are_not_actions(world):
    """KPIs are not read from a tracker yet: the sheet is named, proposed to be left out with the reason, and none of
    its rows becomes an action; the actions sheet comes in, and again changes nothing."""
    built = tracker_builders.tracker_with_kpi_sheet()
    result = bring_in_built(world.manager, built, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    assert any(w.startswith("Sheet “KPIs” was left out: it holds KPIs") for w in result.warnings), result.warnings
    refs = list(Action.objects.filter(area__plan__local_area="Northmoor").values_list("ref", flat=True))
    assert refs == ["1.1"]
    again = bring_in_built(world.manager, built, dry_run=False)
    assert again.ok and not again.created and not again.changed


def test_the_mapping_page_names_a_sheet_of_kpis_with_its_leave_out_ticked(world):
    from workbooks.forms import TrackerMappingForm
    from workbooks.tracker.bring_in import tracker_proposals
    from workbooks.tracker.tables import read_tracker

    built = tracker_builders.tracker_with_kpi_sheet()
    tables = read_tracker(built.data, filename=built.filename).tables
    form = TrackerMappingForm(None, tables=tables, mapping=tracker_proposals(tables), plans=Plan.objects.none())
    [kpis] = [sheet for sheet in form.sheets if sheet.table.sheet == "KPIs"]
    assert kpis.skip.value() is True
    assert "it holds KPIs" in kpis.skip.label
