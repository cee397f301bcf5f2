"""Proposing, from a tracker's own headings, what each column fills (workbooks/tracker/columns.py, issue 18)."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbooks.parsing import parse_due
from workbooks.tracker.columns import Field, PeriodGuess, period_named_in, propose_column, propose_columns


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Ref", Field.REF),
        ("Action No.", Field.REF),
        ("Action Ref", Field.REF),
        ("#", Field.REF),
        ("Area of weakness", Field.AREA),
        ("Workstream", Field.AREA),
        ("Action", Field.ACTION),
        ("What we will do", Field.ACTION),
        ("Lead Officer", Field.LEADS),
        ("Lead(s)", Field.LEADS),
        ("Responsible Officer", Field.LEADS),
        ("Owner", Field.LEADS),
        ("Accountable officer", Field.ACCOUNTABLE),
        ("Senior Responsible Officer (SRO)", Field.ACCOUNTABLE),
        ("Partners involved", Field.PARTNERS),
        ("Target Date", Field.DUE),
        ("By when", Field.DUE),
        ("Deadline", Field.DUE),
        ("Timescale", Field.DUE),
        ("RAG Status", Field.RAG),
        ("BRAG", Field.RAG),
        ("Status", Field.RAG),
        ("Stage", Field.STAGE),
        ("% Complete", Field.PERCENT_COMPLETE),
        ("Percentage complete", Field.PERCENT_COMPLETE),
        ("%", Field.PERCENT_COMPLETE),
        ("Date completed", Field.COMPLETION_DATE),
        ("Completion date", Field.COMPLETION_DATE),
        ("Progress", Field.PROGRESS),
        ("Latest update", Field.PROGRESS),
        ("Position statement", Field.PROGRESS),
        ("Evidence of impact", Field.EVIDENCE),
        ("Impact", Field.IMPACT),
        ("Comments", Field.COMMENTS),
        ("Notes", Field.COMMENTS),
        ("KPI", Field.KPI),
        ("Outcome", Field.OUTCOME),
    ],
)
def test_a_heading_in_a_councils_own_words_proposes_its_field(header, field):
    proposal = propose_column(header)
    assert (proposal.field, proposal.period) == (field, None)
    assert proposal.why


@pytest.mark.parametrize(
    ("header", "field", "period"),
    [
        ("Update Jan 2025", Field.PROGRESS, PeriodGuess("January 2025", date(2025, 1, 1), date(2025, 1, 31))),
        ("Progress update March 2025", Field.PROGRESS, PeriodGuess("March 2025", date(2025, 3, 1), date(2025, 3, 31))),
        ("Progress Dec 24", Field.PROGRESS, PeriodGuess("December 2024", date(2024, 12, 1), date(2024, 12, 31))),
        ("Mar-25", Field.PROGRESS, PeriodGuess("March 2025", date(2025, 3, 1), date(2025, 3, 31))),
        ("Sept 18 update", Field.PROGRESS, PeriodGuess("September 2018", date(2018, 9, 1), date(2018, 9, 30))),
        (
            "Spring term 2024 update",
            Field.PROGRESS,
            PeriodGuess("Spring term 2024", date(2024, 1, 1), date(2024, 3, 31)),
        ),
        ("Autumn 25", Field.PROGRESS, PeriodGuess("Autumn term 2025", date(2025, 9, 1), date(2025, 12, 31))),
        (
            "Summer Term 2026 position",
            Field.PROGRESS,
            PeriodGuess("Summer term 2026", date(2026, 4, 1), date(2026, 8, 31)),
        ),
        # Quarters as a due date reads them: a year alone is the calendar's, a span or "FY" the financial year's.
        ("Q1 2025 update", Field.PROGRESS, PeriodGuess("Q1 2025", date(2025, 1, 1), date(2025, 3, 31))),
        ("Q4 2024/25 commentary", Field.PROGRESS, PeriodGuess("Q4 2024/25", date(2025, 1, 1), date(2025, 3, 31))),
        ("Q1 2025/26 update", Field.PROGRESS, PeriodGuess("Q1 2025/26", date(2025, 4, 1), date(2025, 6, 30))),
        ("Q3 FY 2024 progress", Field.PROGRESS, PeriodGuess("Q3 FY 2024", date(2024, 10, 1), date(2024, 12, 31))),
        ("RAG Jan 2025", Field.RAG, PeriodGuess("January 2025", date(2025, 1, 1), date(2025, 1, 31))),
        ("Status June 2025", Field.RAG, PeriodGuess("June 2025", date(2025, 6, 1), date(2025, 6, 30))),
    ],
)
def test_a_heading_naming_a_reporting_period_is_that_periods_progress_or_rating(header, field, period):
    proposal = propose_column(header)
    assert (proposal.field, proposal.period) == (field, period)
    assert period.name in proposal.why


@pytest.mark.parametrize("header", ["Target date 31/03/2025", "Due March 2025", "Deadline Dec 2024"])
def test_a_due_date_heading_with_a_date_in_it_is_the_due_date_not_a_period(header):
    assert (propose_column(header).field, propose_column(header).period) == (Field.DUE, None)


@pytest.mark.parametrize(
    "header", ["What we want", "Where are we now", "What we will see", "The difference this will make", "Directorate"]
)
def test_a_five_field_block_heading_is_an_own_field_kept_as_written(header):
    proposal = propose_column(header)
    assert (proposal.field, proposal.label) == (Field.OWN, header)


def test_a_heading_we_cannot_place_is_an_own_field_never_dropped():
    proposal = propose_column("Funding source")
    assert (proposal.field, proposal.label) == (Field.OWN, "Funding source")
    assert "not a column we know" in proposal.why


def test_an_unheaded_column_is_left_out_only_when_it_holds_nothing():
    headers = ["Ref", "", "Action", ""]
    proposals = propose_columns(headers, values_in=[True, False, True, True])
    assert [p.field for p in proposals] == [Field.REF, Field.LEAVE_OUT, Field.ACTION, Field.OWN]


def test_a_heading_naming_one_of_the_plans_own_fields_fills_it():
    proposal = propose_columns(["SECTION ", "success criteria"], own_labels=["Section", "Success criteria"])
    assert [(p.field, p.label) for p in proposal] == [(Field.OWN, "Section"), (Field.OWN, "Success criteria")]


def test_a_second_column_for_a_one_per_action_field_is_kept_apart_not_overwriting_the_first():
    proposals = propose_columns(["Ref", "Target date", "Revised target date", "Update Jan 2025", "Jan 2025 update"])
    assert [p.field for p in proposals] == [Field.REF, Field.DUE, Field.OWN, Field.PROGRESS, Field.OWN]
    assert "repeats “Target date”" in proposals[2].why and proposals[2].label == "Revised target date"
    assert "repeats “Update Jan 2025”" in proposals[4].why


def test_leads_may_come_from_several_columns():
    proposals = propose_columns(["Lead officer", "Lead agency"])
    assert [p.field for p in proposals] == [Field.LEADS, Field.LEADS]


def test_a_word_inside_another_word_does_not_count():
    assert propose_column("Leadership team").field == Field.OWN  # "lead" is not "leadership"


@pytest.mark.parametrize("header", ["No. of children seen", "Target 2025 (national average)", "ID checks done"])
def test_a_short_word_names_a_field_only_as_the_whole_heading(header):
    assert propose_column(header).field == Field.OWN


MONTHS = st.integers(min_value=1, max_value=12)
YEARS = st.integers(min_value=2015, max_value=2035)


@given(
    month=MONTHS,
    year=YEARS,
    short_month=st.booleans(),
    short_year=st.booleans(),
    template=st.sampled_from(["Update {}", "Progress update {}", "{} update", "Progress {}", "{}", "Commentary - {}"]),
)
def test_any_month_and_year_in_a_progress_heading_is_that_months_period(month, year, short_month, short_year, template):
    month_word = (calendar.month_abbr if short_month else calendar.month_name)[month]
    when = f"{month_word} {str(year)[2:] if short_year else year}"
    proposal = propose_column(template.format(when))
    assert proposal.field == Field.PROGRESS
    assert proposal.period == period_named_in(when)
    assert (proposal.period.start, proposal.period.end.month) == (date(year, month, 1), month)


@given(st.lists(st.text(max_size=30), max_size=12))
def test_every_column_gets_a_proposal_and_none_with_a_heading_is_left_out(headers):
    proposals = propose_columns(headers)
    assert len(proposals) == len(headers)
    for header, proposal in zip(headers, proposals, strict=True):
        assert proposal.why
        if str(header).strip() and proposal.field == Field.LEAVE_OUT:
            pytest.fail(f"{header!r} was left out")


def test_a_narrative_dated_in_brackets_splits_into_its_months_keeping_every_word():
    from datetime import date

    from workbooks.tracker.columns import dated_parts

    text = "Training began (January 2025). 80 settings trained (March 2025). Audit planned (Sept 2025)"
    rest, dated = dated_parts(text, until=date(2025, 3, 31))
    assert [(period.name, part) for period, part in dated] == [
        ("January 2025", "Training began (January 2025)."),
        ("March 2025", "80 settings trained (March 2025)."),
    ]
    assert rest == "Audit planned (Sept 2025)"  # after the round the file reports: a plan, not a record
    assert dated_parts("Drafted (see annex).") == ("Drafted (see annex).", [])


@pytest.mark.parametrize(
    ("values", "narrative"),
    [
        (["Panel meets weekly (March 2025).", "Drafted with the parent carer forum.", "Green"], True),
        (["Green", "On track", "Panel meets weekly (March 2025)."], False),
        (["Off track", "Delayed"], False),
    ],
)
def test_a_status_column_of_narrative_is_told_from_one_of_ratings(values, narrative):
    from workbooks.tracker.columns import narrative_column

    assert narrative_column(values) is narrative


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
@pytest.mark.parametrize("written", ["Q{q} {y}", "Q{q} {y}/{n}", "Q{q} FY {y}", "q{q} {y}-{n}"])
def test_a_quarter_heading_ends_where_the_same_words_as_a_due_date_end(quarter, written):
    words = written.format(q=quarter, y=2024, n=25)
    assert period_named_in(f"{words} update").end == parse_due(words).date
