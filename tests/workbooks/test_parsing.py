"""workbooks.parsing: fuzzy tracker cells, read exactly or refused. Examples are from real plans (Oxfordshire, RBWM)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from workbooks.parsing import (
    Due,
    Lead,
    Number,
    ParseError,
    is_placeholder_lead,
    parse_band,
    parse_due,
    parse_leads,
    parse_number,
    parse_percent_complete,
    parse_rag,
    parse_score,
)
from workbooks.tracker.columns import period_named_in

FAST = settings(max_examples=100, deadline=None)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# ----------------------------------------------------------------------------------------------- parse_due

DUE_EXAMPLES = [
    ("March 2020", date(2020, 3, 31), "month"),
    ("September 2020", date(2020, 9, 30), "month"),
    ("Sept 19", date(2019, 9, 30), "month"),
    ("Sep 2019", date(2019, 9, 30), "month"),
    ("Jan 2020", date(2020, 1, 31), "month"),
    ("January 2018", date(2018, 1, 31), "month"),
    ("May 25", date(2025, 5, 31), "month"),  # a two-digit number after a month is a year
    ("March 31", date(2031, 3, 31), "month"),
    ("Dec 17", date(2017, 12, 31), "month"),
    ("Feb 2020", date(2020, 2, 29), "month"),
    ("Mar-20", date(2020, 3, 31), "month"),
    ("Dec '17", date(2017, 12, 31), "month"),
    ("Sept. 2019", date(2019, 9, 30), "month"),
    ("March, 2020", date(2020, 3, 31), "month"),
    ("  April 2020.  ", date(2020, 4, 30), "month"),
    ("31/03/2020", date(2020, 3, 31), "day"),
    ("31.3.2020", date(2020, 3, 31), "day"),
    ("1/4/19", date(2019, 4, 1), "day"),
    ("2020-03-31", date(2020, 3, 31), "day"),
    ("2020-03-31 00:00:00", date(2020, 3, 31), "day"),
    ("31 March 2020", date(2020, 3, 31), "day"),
    ("31st of March, 2020", date(2020, 3, 31), "day"),
    ("29 Feb 2020", date(2020, 2, 29), "day"),
    ("March 31 2020", date(2020, 3, 31), "day"),
    ("March 31st, 2020", date(2020, 3, 31), "day"),
    ("Apr 19 - Jul 19", date(2019, 7, 31), "range"),
    ("Apr 19 – Apr 20", date(2020, 4, 30), "range"),
    ("Apr 19-Jul 19", date(2019, 7, 31), "range"),
    ("Feb 2018 to April 2018", date(2018, 4, 30), "range"),
    ("From Feb 2018 until April 2018", date(2018, 4, 30), "range"),
    ("Feb - April 2018", date(2018, 4, 30), "range"),
    ("Nov - Feb 2019", date(2019, 2, 28), "range"),  # a yearless start is the latest such month before the end
    ("01/04/2019 - 31/07/2019", date(2019, 7, 31), "range"),
    ("Immediate", None, "immediate"),
    ("Immediately", None, "immediate"),
    ("ongoing", None, "ongoing"),
    ("Ongoing", None, "ongoing"),
    ("On-going.", None, "ongoing"),
    ("Termly, beginning Dec 2017", date(2017, 12, 31), "recurring"),
    ("Monthly meeting beginning in Dec 2017", date(2017, 12, 31), "recurring"),
    ("March 2018 and annually.", date(2018, 3, 31), "recurring"),
    ("Quarterly from 1 April 2019", date(2019, 4, 1), "recurring"),
    ("Termly", None, "recurring"),
    ("By the time this plan is published.", None, "publication"),
    ("On publication", None, "publication"),
    ("To be signed off by all three agencies by December 2020", date(2020, 12, 31), "month"),
    ("To be signed off by all\nthree agencies by\nDecember 2020", date(2020, 12, 31), "month"),
    ("End of March 2020", date(2020, 3, 31), "month"),
    ("By 31/03/2020", date(2020, 3, 31), "day"),
    ("Progress to be reported to the Schools Forum in May 2017", date(2017, 5, 31), "month"),
]


@pytest.mark.parametrize(("value", "when", "kind"), DUE_EXAMPLES)
def test_due_examples(value, when, kind):
    assert parse_due(value) == Due(when, value.strip(), kind)


@pytest.mark.parametrize("value", [None, "", "   ", "\n"])
def test_due_empty(value):
    assert parse_due(value) == Due(None, "", "none")


def test_due_date_cells():
    assert parse_due(date(2020, 3, 31)) == Due(date(2020, 3, 31), "2020-03-31", "day")
    assert parse_due(datetime(2020, 3, 31, 17, 30)) == Due(date(2020, 3, 31), "2020-03-31", "day")


def test_due_ignores_today():
    assert parse_due("May 25", today=date(2090, 1, 1)) == parse_due("May 25")


DUE_REFUSED = [
    ("Quarter 5 2021", "quarter we cannot read"),
    ("Spring", "not a school term we can read"),
    ("Winter 2020", "not a school term we can read"),
    ("2019/21", "the second year must follow the first"),
    ("2020-03", "the second year must follow the first"),
    ("Autumn term 2024/26", "the second year must follow the first"),
    ("financial year 2019", "academic or financial year we cannot read"),
    ("2020", "year on its own"),
    ("in 2024", "year on its own"),
    ("March", "no year"),
    ("May 25th", "no year"),
    ("TBC", "no due date"),
    ("n/a", "no due date"),
    ("-", "no due date"),
    ("...", "not a date we can read"),
    ("asap", "not a date we can read"),
    ("31/02/2020", "no 31 February 2020"),
    ("29/02/2019", "no 29 February 2019"),
    ("03/31/2020", "no month 31"),
    ("2020-13-01", "no month 13"),
    ("March 2202", "the year 2202 looks wrong"),
    ("Jul 19 - Apr 19", "ends before it starts"),
    ("July 2018  December 2017  April 2018", "3 dates"),
    ("March 2020, June 2020", "2 dates"),
    ("March July October 2018", "month without a year"),
    ("March or April 2020", "month without a year"),
    ("within 6 weeks of March 2020", "other numbers"),
    ("From March 2020", "'from'"),
    ("Starting March 2020", "'starting'"),
    ("Not before March 2020", "'not'"),
    ("Before March 2020", "'before'"),
    ("Ongoing from Sept 2019", "'ongoing'"),
    ("Dec 2017 onwards", "'onwards'"),
    ("31/03", "no year"),
]


# Terms, school and financial years, quarters and "end of 2024" (issue 18): the wording is the label, the date the
# last day it covers, and a note says what was assumed when the wording could mean more than one date.
SCHOOL_YEAR_NOTE = "read as 31 August 2024, the end of the school year 2023-24: write a month if you meant otherwise"
DUE_SEASONS = [
    ("end of 2024", date(2024, 12, 31), "year", ""),
    ("By the end of 2024", date(2024, 12, 31), "year", ""),
    ("Spring term 2024", date(2024, 3, 31), "term", "the end of the spring term 2024"),
    ("Summer 2025", date(2025, 8, 31), "term", "the end of the summer term 2025"),  # the demo tracker's target date
    ("Autumn term 2024", date(2024, 12, 31), "term", "the end of the autumn term 2024"),
    ("by Autumn 24", date(2024, 12, 31), "term", "the end of the autumn term 2024"),
    ("Autumn term 2024/25", date(2024, 12, 31), "term", "the end of the autumn term 2024"),
    ("Summer term 2024-25", date(2025, 8, 31), "term", "the end of the summer term 2025"),
    ("2023-24", date(2024, 8, 31), "year", SCHOOL_YEAR_NOTE),
    ("2023/24", date(2024, 8, 31), "year", SCHOOL_YEAR_NOTE),
    ("2023/2024", date(2024, 8, 31), "year", SCHOOL_YEAR_NOTE),
    ("Academic year 2023-24", date(2024, 8, 31), "year", ""),
    ("Financial year 2023/24", date(2024, 3, 31), "year", ""),
    ("FY 2023-24", date(2024, 3, 31), "year", ""),
    ("Q3 2024/25", date(2024, 12, 31), "quarter", ""),  # financial-year quarters count from April
    ("Q4 2024/25", date(2025, 3, 31), "quarter", ""),
    ("Q1 FY 2025", date(2025, 6, 30), "quarter", ""),
    ("Q3 2024", date(2024, 9, 30), "quarter", "the end of quarter 3 of the calendar year 2024"),
]


@pytest.mark.parametrize(("value", "when", "kind", "note"), DUE_SEASONS)
def test_due_terms_years_and_quarters(value, when, kind, note):
    due = parse_due(value)
    assert (due.date, due.label, due.kind) == (when, value, kind)
    if note:
        assert note in due.note and due.note.startswith(f"read as {when.day} {calendar.month_name[when.month]}")
    else:
        assert due.note == ""


def test_due_term_ends_agree_with_the_rounds_a_heading_names():
    """An action due "Summer 2025" falls due on the last day of the round "Summer term 2025 update"."""
    for term in ("Autumn", "Spring", "Summer"):
        round_ = period_named_in(f"{term} term 2025 update")
        assert parse_due(f"{term} 2025").date == round_.end


@FAST
@given(
    st.integers(1970, 2098),
    st.sampled_from(["-", "/", " - ", " / "]),
    st.booleans(),
    st.sampled_from([str, str.lower, str.upper]),
)
def test_due_year_span_is_the_school_year_unless_it_says_financial(start, sep, long_end, case):
    second = str(start + 1) if long_end else f"{(start + 1) % 100:02d}"
    span = f"{start}{sep}{second}"
    guessed = parse_due(span)
    assert (guessed.date, guessed.kind) == (date(start + 1, 8, 31), "year")
    assert "school year" in guessed.note and f"31 March {start + 1}" in guessed.note
    financial = parse_due(case(f"financial year {span}"))
    assert (financial.date, financial.note) == (date(start + 1, 3, 31), "")


@FAST
@given(st.integers(1, 4), st.integers(1970, 2098))
def test_due_quarters_end_on_their_last_day(quarter, year):
    calendar_quarter = parse_due(f"Q{quarter} {year}")
    assert calendar_quarter.date == month_end(year, 3 * quarter) and calendar_quarter.note
    financial = parse_due(f"Q{quarter} {year}/{(year + 1) % 100:02d}")
    months = [(year, m) for m in range(4, 13)] + [(year + 1, m) for m in range(1, 4)]
    assert financial.date == month_end(*months[3 * quarter - 1]) and financial.note == ""


@pytest.mark.parametrize(("value", "reason"), DUE_REFUSED)
def test_due_refused(value, reason):
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_due(value)


@pytest.mark.parametrize(
    ("value", "reason"),
    [(2020, "year on its own"), (43921, "a number, not a date"), (43921.5, "a number"), (True, "yes/no")],
)
def test_due_refuses_numbers(value, reason):
    with pytest.raises(ParseError, match=reason):
        parse_due(value)


def test_due_refuses_implausible_date_cells():
    with pytest.raises(ParseError, match="looks wrong"):
        parse_due(date(1899, 12, 30))  # Excel's day zero


MONTH_SPELLINGS = (
    [(calendar.month_name[m], m) for m in range(1, 13)]
    + [(calendar.month_abbr[m], m) for m in range(1, 13)]
    + [("Sept", 9)]
)
CASES = st.sampled_from([str, str.lower, str.upper, str.title])


@FAST
@given(st.sampled_from(MONTH_SPELLINGS), st.integers(1970, 2099), CASES, st.sampled_from(["", "By ", "End of "]))
def test_due_month_and_year_is_that_months_last_day(spelling, year, case, prefix):
    name, month = spelling
    text = prefix + case(f"{name} {year}")
    assert parse_due(text) == Due(month_end(year, month), text, "month")
    long = f"To be signed off by all three agencies by {text}"
    assert parse_due(long) == Due(month_end(year, month), long, "month")


@FAST
@given(st.sampled_from(MONTH_SPELLINGS), st.integers(0, 99))
def test_due_two_digit_year_after_a_month(spelling, yy):
    name, month = spelling
    year = 2000 + yy if yy < 70 else 1900 + yy
    assert parse_due(f"{name} {yy:02d}").date == month_end(year, month)


@FAST
@given(st.dates(min_value=date(1970, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 4))
def test_due_day_dates_read_exactly(when, style):
    text = [
        f"{when.day:02d}/{when.month:02d}/{when.year}",
        f"{when.day}.{when.month}.{when.year}",
        when.isoformat(),
        f"{when.day} {calendar.month_name[when.month]} {when.year}",
        f"by {when.day}/{when.month}/{when.year}",
    ][style]
    assert parse_due(text) == Due(when, text, "day")


@st.composite
def impossible_days(draw):
    year, month = draw(st.integers(1970, 2099)), draw(st.sampled_from([2, 4, 6, 9, 11, 1, 3]))
    day = draw(st.integers(calendar.monthrange(year, month)[1] + 1, 99))
    return year, month, day


@FAST
@given(impossible_days(), st.sampled_from("/.-"))
def test_due_invalid_day_is_refused_never_moved(ymd, sep):
    year, month, day = ymd
    with pytest.raises(ParseError):
        parse_due(f"{day:02d}{sep}{month:02d}{sep}{year}")


@FAST
@given(st.integers(1, 31), st.integers(13, 99), st.integers(1970, 2099))
def test_due_month_above_twelve_is_refused(day, month, year):
    with pytest.raises(ParseError):
        parse_due(f"{day}/{month}/{year}")


@FAST
@given(st.sampled_from(MONTH_SPELLINGS), st.sampled_from(MONTH_SPELLINGS), st.integers(1970, 2098), st.integers(0, 1))
def test_due_range_is_due_at_its_end(start, end, year, later):
    (start_name, start_month), (end_name, end_month) = start, end
    end_year = year + later
    assume((year, start_month) <= (end_year, end_month))
    due = parse_due(f"{start_name} {year} - {end_name} {end_year}")
    assert due.kind == "range" and due.date == month_end(end_year, end_month)


ANYTHING = st.none() | st.text() | st.integers() | st.floats(allow_nan=True) | st.dates() | st.datetimes()
ANYTHING |= st.booleans() | st.decimals()
WORDS = ["March", "2020", "Sept", "19", "31/03/2020", "2020-02-30", "-", "–", "to", "and", ",", "/", "&", "("]
WORDS += [")", ";", "%", ".", "0.5", "1,234", "projected", "termly", "ongoing", "by", "the", "plan", "published"]
WORDS += ["Q1", "from", "31", "99", "7", "A", "G", "Amber", "Head", "of", "SEND", "(Jo", "Bloggs)", "DCO", "CYPDS"]
WORDS += ["PaCiP", "very", "high", "3.0"]
FRAGMENTS = st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join)
PARSERS = [parse_due, parse_leads, parse_rag, parse_band, parse_score, parse_number]
PARSERS += [
    lambda v: parse_number(v, unit="percent"),
    lambda v: parse_leads(v, organisations={"PaCiP", "Parents and Carers in Partnership", "x (y"}),
]


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(ANYTHING, FRAGMENTS))
def test_parsers_never_crash(value):
    for parse in PARSERS:
        try:
            parse(value)
        except ParseError as error:
            assert str(error)


# ----------------------------------------------------------------------------------------------- parse_leads

RBWM = {"PaCiP", "CCG", "BHFT"}
HOWARTH, GIBBS, PCF = (
    ("Head of SEND", "Jayne Howarth"),
    ("DCO", "Adeline Gibbs"),
    "Julia Stackhouse/ Stephanie Harrison",
)
SLC = ("Service Leader, CYPDS",)
# An organisation alone leads through its lead for the action (issue 18): not a person called "CCG".
CCG_LEAD, PACIP_LEAD = ("CCG lead", "", "CCG"), ("PaCiP lead", "", "PaCiP")
LEAD_EXAMPLES = [  # (cell, organisations, [(post, person?), ...])
    ("Head of SEND (Jayne Howarth) & DCO (Adeline Gibbs)", set(), [HOWARTH, GIBBS]),
    (
        "Head of SEND (Jayne Howarth) & Head of Access to Learning (Allyson Milward)",
        set(),
        [HOWARTH, ("Head of Access to Learning", "Allyson Milward")],
    ),
    (
        "Board Chair (Cllr Lindsay-Gale) & Director of Children's Services (Lucy Butler)",
        set(),
        [("Board Chair", "Cllr Lindsay-Gale"), ("Director of Children's Services", "Lucy Butler")],
    ),
    ("PCF Chairs (Julia Stackhouse/ Stephanie Harrison)", set(), [("PCF Chairs", PCF)]),
    (
        "SENDIASS Manager (Wendy Cliffe) & Parent Carer Forum (PCF) Chairs (Julia Stackhouse/ Stephanie Harrison)",
        set(),
        [("SENDIASS Manager", "Wendy Cliffe"), ("Parent Carer Forum (PCF) Chairs", PCF)],
    ),
    (
        "Designated Clinical Officer – DCO (Adeline Gibbs), Head of SEND (Jayne Howarth), & Head of Disabled Children",
        set(),
        [("Designated Clinical Officer – DCO", "Adeline Gibbs"), HOWARTH, ("Head of Disabled Children",)],
    ),
    ("Director of Children's Services (DCS)", set(), [("Director of Children's Services (DCS)",)]),
    ("DCO/CCG", set(), [("DCO",), CCG_LEAD]),
    ("DCO/ BHFT", set(), [("DCO",), ("BHFT",)]),
    ("CCG BHFT", RBWM, [("CCG BHFT",)]),
    ("DCS and CCG lead", set(), [("DCS",), ("CCG lead",)]),
    ("DCS, CCG Lead", set(), [("DCS",), ("CCG Lead",)]),
    ("Head of SEND; DCO\nSENCO", set(), [("Head of SEND",), ("DCO",), ("SENCO",)]),
    ("Service Leader, CYPDS", set(), [SLC]),
    ("Service Leader, CYPDS,", set(), [SLC]),
    ("Service Leader, CYPDS (Jo Bloggs)", set(), [("Service Leader, CYPDS", "Jo Bloggs")]),
    ("Service Leader, CYPDS, PaCiP", {"PaCiP"}, [SLC, PACIP_LEAD]),
    # without organisations too: an acronym after an already-qualified post is a lead of its own
    ("Service Leader, CYPDS, PaCiP", set(), [SLC, ("PaCiP",)]),
    ("Service Leader, CYPDS, PACIP,DCO", RBWM, [SLC, PACIP_LEAD, ("DCO",)]),
    ("Service Leader, CYPDS, PACIP,DCO", set(), [SLC, ("PACIP",), ("DCO",)]),
    ("Service Leader, CYPDS, PaCiP, IAS DCO", RBWM, [SLC, PACIP_LEAD, ("IAS DCO",)]),
    # A known organisation after a post in words is the post's organisation (decision 0023): PaCiP's service leader.
    ("Service Leader, PaCiP", {"PaCiP"}, [("Service Leader", "", "PaCiP")]),
    ("Head of Inclusion (CFC)", {"CFC"}, [("Head of Inclusion", "", "CFC")]),
    (
        "Head of Inclusion (cfc) & DCO (Adeline Gibbs)",
        {"CFC"},
        [("Head of Inclusion", "", "CFC"), ("DCO", "Adeline Gibbs")],
    ),
    ("Head of Inclusion (CFC)", set(), [("Head of Inclusion (CFC)",)]),  # an acronym nobody named an organisation
    ("Designated Clinical Officer, Northgate ICB", set(), [("Designated Clinical Officer", "", "Northgate ICB")]),
    ("Service Manager, Northgate NHS Trust", set(), [("Service Manager", "", "Northgate NHS Trust")]),
    ("Head of SEND, Riverside Council & DCO", set(), [("Head of SEND", "", "Riverside Council"), ("DCO",)]),
    ("CCG, Northgate ICB", {"CCG"}, [CCG_LEAD, ("Northgate ICB lead", "", "Northgate ICB")]),  # two organisations
    ("CCG Lead, Service Leader, CYPDS", RBWM, [("CCG Lead",), SLC]),
    ("Service Leader, CYPDS / DCO/BHFT", RBWM, [SLC, ("DCO",), ("BHFT lead", "", "BHFT")]),
    ("Head of SEND, DCO", set(), [("Head of SEND",), ("DCO",)]),  # "of" already qualifies the post
    ("Service Leader for CYPDS, DCO", set(), [("Service Leader for CYPDS",), ("DCO",)]),
    ("DCO, CYPDS", set(), [("DCO",), ("CYPDS",)]),
    # known limit, documented: a qualifier in words
    ("Service Leader, Education Leadership", set(), [("Service Leader",), ("Education Leadership",)]),
    ("Head of Access and Inclusion", set(), [("Head of Access and Inclusion",)]),
    (
        "Parents and Carers in Partnership & DCO",
        {"Parents and Carers in Partnership"},
        [("Parents and Carers in Partnership lead", "", "Parents and Carers in Partnership"), ("DCO",)],
    ),
    # issue 18: "&" inside a team's, a board's or a post's name does not split it; ";" and new lines do
    ("Inclusion & SEND Delivery Group", set(), [("Inclusion & SEND Delivery Group",)]),
    ("Head of SEND & Inclusion", set(), [("Head of SEND & Inclusion",)]),
    ("Head of SEND & Inclusion (Jo Bloggs)", set(), [("Head of SEND & Inclusion", "Jo Bloggs")]),
    ("SEND & Inclusion Board", set(), [("SEND & Inclusion Board",)]),
    ("Head of SEND (Jayne Howarth) & Inclusion", set(), [HOWARTH, ("Inclusion",)]),  # the name closes the lead
    ("Head of SEND & DCO", set(), [("Head of SEND",), ("DCO",)]),
    ("Head of SEND & Head of Inclusion", set(), [("Head of SEND",), ("Head of Inclusion",)]),
    (
        "Inclusion & SEND Delivery Group; Head of SEND\nDCO",
        set(),
        [("Inclusion & SEND Delivery Group",), ("Head of SEND",), ("DCO",)],
    ),
    # an organisation alone, in brackets or after a comma (issue 18)
    ("ICB", set(), [("ICB lead", "", "ICB")]),
    ("Northgate NHS Trust", set(), [("Northgate NHS Trust lead", "", "Northgate NHS Trust")]),
    ("pacip", RBWM, [PACIP_LEAD]),  # written the way the plan spells it
    ("Designated Clinical Officer, ICB", set(), [("Designated Clinical Officer", "", "ICB")]),
    ("Head of SEND (Northgate NHS Trust)", set(), [("Head of SEND", "", "Northgate NHS Trust")]),
    ("CCG (Jo Bloggs)", set(), [("CCG", "Jo Bloggs")]),  # a person at the CCG: the cell does not give the post
    ("Head of SEND, TBC", set(), [("Head of SEND",), ("TBC",)]),  # a placeholder never qualifies a post
    ("  Head   of SEND  ", set(), [("Head of SEND",)]),
    ("Head of SEND ()", set(), [("Head of SEND",)]),
    ("& ; ,", set(), []),
    ("", set(), []),
    (None, set(), []),
]


@pytest.mark.parametrize(("value", "organisations", "leads"), LEAD_EXAMPLES)
def test_lead_examples(value, organisations, leads):
    assert parse_leads(value, organisations=organisations) == [Lead(*lead) for lead in leads]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("Head of SEND (Jayne Howarth", "never closed"),
        ("Head of SEND Jayne Howarth)", "never opened"),
        ("(Jayne Howarth) & DCO", "no post"),
        (42, "not a lead"),
    ],
)
def test_leads_refused(value, reason):
    with pytest.raises(ParseError, match=reason):
        parse_leads(value)


@pytest.mark.parametrize(
    "value",
    ["TBC", "tba", "T.B.D.", "To be confirmed", "to be agreed", "To be appointed", "Vacant", "Post vacant"]
    + ["Vacant post", "VACANCY", "currently vacant", " tbc "],
)
def test_placeholder_leads(value):
    assert is_placeholder_lead(value)


@pytest.mark.parametrize("value", ["Head of SEND", "DCO", "Vacancy Manager", "TBC Panel", "", None, 3])
def test_leads_that_are_not_placeholders(value):
    assert not is_placeholder_lead(value)


WORD = st.builds(str.__add__, st.sampled_from("BCDEFGHJKLMNPRSTW"), st.text("aeioulnrst", min_size=1, max_size=8))
POST = st.one_of(
    st.builds("{} of {}".format, WORD, WORD),
    st.sampled_from(
        ["Head of SEND", "DCO", "CCG", "Service Leader, CYPDS", "Designated Clinical Officer – DCO", "PCF Chairs"]
    ),
)
PERSON = st.one_of(st.just(""), st.builds("{} {}".format, WORD, WORD), st.builds("{} {}/ {} {}".format, *[WORD] * 4))
SEPARATOR = st.sampled_from([" & ", " and ", " AND ", "; ", ";", "/", " / ", ", ", ",", "\n", " &\n"])


@FAST
@given(st.lists(st.tuples(POST, PERSON), min_size=1, max_size=5), st.data())
def test_leads_round_trip(pairs, data):
    text = ""
    for i, (post, person) in enumerate(pairs):
        if i:
            separator = data.draw(SEPARATOR)
            # "Head of SEND, CCG" is the Head of SEND at the CCG (an organisation after a comma): not a round trip.
            assume(not (separator.strip() == "," and post == "CCG" and not person))
            text += separator
        text += f"{post} ({person})" if person else post
    # A name ending "Panel" after a single word is read as one team ("DCO & Bae of Panel"): not a round trip.
    assume(not any(post.endswith("Panel") for post, _ in pairs))
    expected = [
        Lead(f"{post} lead", "", post) if post == "CCG" and not person else Lead(post, person) for post, person in pairs
    ]
    assert parse_leads(text) == expected


TEAM = st.sampled_from(["Delivery Group", "Board", "Partnership Board", "Team", "Steering Group", "Panel"])


@FAST
@given(WORD, WORD, TEAM, st.sampled_from([" & ", " and ", " AND "]))
def test_and_inside_a_team_or_a_post_does_not_split_it(first, second, team, sep):
    team_name = f"{first}{sep}{second} {team}"  # "Inclusion & SEND Delivery Group"
    assert parse_leads(team_name) == [Lead(" ".join(team_name.split()))]
    post = f"Head of {first}{sep}{second}"  # "Head of SEND & Inclusion"
    assert parse_leads(post) == [Lead(" ".join(post.split()))]
    # ... while two posts, or a post and an acronym, are two leads
    assert parse_leads(f"Head of {first}{sep}Head of {second}") == [Lead(f"Head of {first}"), Lead(f"Head of {second}")]
    assert parse_leads(f"Head of {first}{sep}DCO") == [Lead(f"Head of {first}"), Lead("DCO")]


@FAST
@given(st.lists(st.tuples(POST, PERSON), min_size=1, max_size=4), st.sampled_from(["; ", ";", "\n", " ;\n"]))
def test_semicolons_and_new_lines_always_split(pairs, sep):
    assume(not any(post == "CCG" for post, _ in pairs))
    parts = [f"{post} ({person})" if person else post for post, person in pairs]
    leads = parse_leads(sep.join(parts))
    assert len(leads) == len(parts)


def count_separators(text: str) -> int:
    return len(re.findall(r"[&;/,\r\n]", text)) + len(re.findall(r"(?<=\s)and(?=\s)", text, re.IGNORECASE))


@FAST
@given(st.one_of(st.text(), st.text(alphabet="aAbB &;/,\n()"), FRAGMENTS, st.lists(WORD | SEPARATOR).map("".join)))
def test_leads_never_exceed_separators_plus_one(text):
    try:
        leads = parse_leads(text)
    except ParseError:
        return
    assert len(leads) <= count_separators(text) + 1
    assert all(lead.post and lead.post == lead.post.strip() for lead in leads)


# ----------------------------------------------------------------------------------------------- parse_rag

RAG_CODES = {"blue": "b|blue|complete|completed|done", "green": "g|green", "amber": "a|amber", "red": "r|red"}
RAG_CODES["white"] = "w|white|not started|not yet started"
RAG_ACCEPTED = {spelling: code for code, spellings in RAG_CODES.items() for spelling in spellings.split("|")}


@pytest.mark.parametrize(
    ("value", "code"),
    [("G", "green"), ("Green", "green"), ("A", "amber"), ("Amber.", "amber"), (" R ", "red"), ("Red", "red")]
    + [("B", "blue"), ("Blue", "blue"), ("Completed", "blue"), ("Complete", "blue"), ("Done!", "blue")]
    + [("W", "white"), ("White", "white"), ("Not started", "white"), ("Not yet  started", "white")]
    + [(None, ""), ("", ""), ("  ", "")],
)
def test_rag_examples(value, code):
    assert parse_rag(value) == code


@pytest.mark.parametrize(
    ("value", "reason"),
    [("A/G", "two ratings"), ("Amber/Green", "two ratings"), ("R-A", "two ratings"), ("Red or Amber", "two")]
    + [("On track", "not a RAG rating"), ("Amber: on track, minor concerns", "not a RAG"), ("Gren", "Blue")]
    + [("Blue - Completed", "not a RAG rating")]
    + [(1, "not a RAG rating"), (True, "not a RAG rating"), (date(2020, 1, 1), "not a RAG rating")],
)
def test_rag_refused(value, reason):
    with pytest.raises(ParseError, match=reason):
        parse_rag(value)


@st.composite
def rag_spellings(draw):
    spelling = draw(st.sampled_from(sorted(RAG_ACCEPTED)))
    flips = draw(st.lists(st.booleans(), min_size=len(spelling), max_size=len(spelling)))
    text = "".join(c.upper() if flip else c for c, flip in zip(spelling, flips, strict=True))
    text = text.replace(" ", draw(st.sampled_from([" ", "  ", "\t", "\u00a0"])))
    space = st.text(" \t\n", max_size=3)
    return draw(space) + text + draw(st.text(".,;:!?", max_size=2)) + draw(space), RAG_ACCEPTED[spelling]


@FAST
@given(rag_spellings())
def test_rag_any_case_and_spacing(example):
    text, code = example
    assert parse_rag(text) == code


@FAST
@given(st.one_of(st.text(), st.sampled_from(["on track", "gren", "a/g", "green green", "not-started", "ambr"])))
def test_rag_accepts_exactly_the_listed_spellings(text):
    words = " ".join(text.split()).lower().rstrip(".,;:!? ")
    if not text.strip():
        assert parse_rag(text) == ""
    elif words in RAG_ACCEPTED:
        assert parse_rag(text) == RAG_ACCEPTED[words]
    else:
        with pytest.raises(ParseError):
            parse_rag(text)


# ----------------------------------------------------------------------------------------------- parse_number

NUMBER_EXAMPLES = [
    ("54%", "", Number(Decimal("54"), percent=True)),
    ("54.5 %", "", Number(Decimal("54.5"), percent=True)),
    ("0.54", "percent", Number(Decimal("54"), percent=True)),
    ("0.54", "", Number(Decimal("0.54"))),
    ("0.54", "rate", Number(Decimal("0.54"))),
    (0.545, "percent", Number(Decimal("54.5"), percent=True)),
    (0.12345, "percent", Number(Decimal("12.35"), percent=True)),
    (0.1, "percent", Number(Decimal("10"), percent=True)),
    ("54", "percent", Number(Decimal("54"))),
    ("0.5%", "percent", Number(Decimal("0.5"), percent=True)),
    (0, "percent", Number(Decimal("0"))),
    ("projected 60%", "", Number(Decimal("60"), projected=True, percent=True)),
    ("60% (projected)", "", Number(Decimal("60"), projected=True, percent=True)),
    ("Projected: 60", "", Number(Decimal("60"), projected=True)),
    ("1,234", "", Number(Decimal("1234"))),
    ("1,234,567.5", "count", Number(Decimal("1234567.5"))),
    ("-3", "", Number(Decimal("-3"))),
    ("−3", "", Number(Decimal("-3"))),
    (".5", "", Number(Decimal("0.5"))),
    (12, "days", Number(Decimal("12"))),
    (54.0, "", Number(Decimal("54"))),
    (0.1, "", Number(Decimal("0.1"))),
    (Decimal("7.25"), "", Number(Decimal("7.25"))),
    (None, "", None),
    ("", "", None),
    ("  ", "percent", None),
]


@pytest.mark.parametrize(("value", "unit", "number"), NUMBER_EXAMPLES)
def test_number_examples(value, unit, number):
    assert parse_number(value, unit=unit) == number


@pytest.mark.parametrize(
    ("value", "unit", "reason"),
    [("n/a", "", "not a number"), ("tbc", "", "not a number: 'tbc'"), ("—", "", "not a number")]
    + [(True, "", "not a number"), (False, "percent", "not a number"), (float("nan"), "", "not a number")]
    + [(float("inf"), "", "not a number"), ("1,23", "", "not a number"), ("1e5", "", "not a number")]
    + [("projected", "", "not a number"), ("54%%", "", "not a number"), (date(2020, 1, 1), "", "not a number")]
    + [(1, "percent", "ambiguous"), ("1.0", "percent", "ambiguous")],
)
def test_number_refused(value, unit, reason):
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_number(value, unit=unit)


DECIMALS = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@FAST
@given(DECIMALS)
def test_number_round_trips(d):
    assert parse_number(str(d)) == Number(d)
    assert str(parse_number(str(d)).value) == str(d)
    assert parse_number(f"{d}%") == Number(d, percent=True)
    assert parse_number(f"{d}%", unit="percent") == Number(d, percent=True)
    assert parse_number(f"projected {d}") == Number(d, projected=True)


@FAST
@given(st.decimals(min_value="0.01", max_value="0.99", places=2))
def test_number_percent_fractions(d):
    assert parse_number(str(d), unit="percent") == Number(d * 100, percent=True)
    assert parse_number(float(d), unit="percent") == Number(d * 100, percent=True)


# ----------------------------------------------------------------------------------------------- bands and scores


@pytest.mark.parametrize(
    ("value", "band"),
    [("Low", "low"), ("L", "low"), ("medium", "medium"), ("Med", "medium"), ("Med.", "medium"), ("M", "medium")]
    + [("High", "high"), ("h", "high"), ("Very high", "very_high"), ("VH", "very_high"), ("very_high", "very_high")]
    + [("Very-High", "very_high"), ("V. High", "very_high"), (None, ""), ("", ""), (" ", "")],
)
def test_band_examples(value, band):
    assert parse_band(value) == band


@pytest.mark.parametrize(
    ("value", "reason"),
    [("Medium/High", "two bands"), ("medium-high", "two bands"), ("Extreme", "not a risk band"), (3, "Low")],
)
def test_band_refused(value, reason):
    with pytest.raises(ParseError, match=reason):
        parse_band(value)


@pytest.mark.parametrize(
    ("value", "score"),
    [(1, 1), (5, 5), ("3", 3), (" 3 ", 3), ("3.0", 3), (3.0, 3), (Decimal("4"), 4), (None, None), ("", None)],
)
def test_score_examples(value, score):
    assert parse_score(value) == score


@pytest.mark.parametrize("value", [0, 6, -1, "0", "6", "3.5", 3.5, "three", "3/5", True, float("nan"), date.today()])
def test_score_refused(value):
    with pytest.raises(ParseError, match="scored from 1 to 5"):
        parse_score(value)


# ----------------------------------------------------------------------------------------------- % complete (issue 18)


@pytest.mark.parametrize("value", [80, "80", "80%", " 80 % ", "0.8", " 0.80 ", ".8", 0.8])
def test_percent_complete_eighty_however_written(value):
    assert parse_percent_complete(value) == 80


def test_a_lone_text_one_stays_one_percent():
    assert parse_percent_complete("1") == 1 and parse_percent_complete("1%") == 1


@FAST
@given(st.integers(0, 100), st.sampled_from(["{}", "{}%", " {} % ", "{} %", "  {}"]))
def test_percent_complete_whole_numbers_read_as_written(percent, shape):
    assert parse_percent_complete(shape.format(percent)) == percent


@FAST
@given(st.integers(1, 99))
def test_percent_complete_fractions_typed_as_text_are_percentages(percent):
    assert parse_percent_complete(f"0.{percent:02d}") == percent
    with pytest.raises(ParseError, match="whole number"):  # with its sign it is a fraction of one percent
        parse_percent_complete(f"0.{percent:02d}%")


@FAST
@given(
    st.sampled_from(sorted(RAG_ACCEPTED)),
    st.sampled_from([str, str.upper, str.title]),
    st.sampled_from(["", " ", "  \t"]),
)
def test_rag_reads_letters_and_words_in_any_case_and_spacing(spelling, case, pad):
    spaced = pad + case(spelling).replace(" ", "   ") + pad
    assert parse_rag(spaced) == RAG_ACCEPTED[spelling]


@pytest.mark.parametrize("written", ["Council", "the Council", "LA", "Local Authority"])
def test_the_council_unnamed_in_brackets_is_the_posts_organisation_not_a_person(written):
    assert parse_leads(f"Head of SEND ({written})") == [Lead("Head of SEND", "", written)]
