"""Reading the fuzzy cell values that real SEND improvement-plan trackers contain.

Pure functions, no database access. Each returns a clean value or raises ParseError, whose message is written for
the programme manager who has to fix the workbook. None of them guesses: a value that could be read two ways is
refused, and no input makes them raise anything but ParseError.

Rules chosen where the import contract left a choice
----------------------------------------------------
Due dates (parse_due)
- Numeric dates are read day first: 31/03/2020, 31.3.2020, 31-03-20. Year first is ISO: 2020-03-31. A month
  above 12 is refused, so a US-style 03/31/2020 is never silently turned into another date.
- A two-digit number after a month name is a year, never a day: "May 25" is May 2025 and "March 31" is March
  2031 ("May 5" and "May 25th" are refused). A day after a month name needs a four-digit year after it:
  "March 31 2020", "March 31st, 2020".
- Two-digit years 00-69 are 2000-2069 and 70-99 are 1970-1999. Any year outside 1970-2099 is refused, from
  text and from date cells alike.
- Date and datetime cells are kind "day" (the time is dropped) and their label is the ISO date.
- Plain numbers are refused: Excel serial numbers are not expected, and a year alone (2020) is not a due date.
- Terms, school and financial years, quarters and "end of 2024" are read as the last day they cover, the
  wording kept as the label. Where that is a guess, Due.note says what was assumed, for the importer's preview:
  - "end of 2024" (and "by the end of 2024") is 31 December 2024; a year alone ("2024", "in 2024") is refused.
  - A term and its year ("Spring term 2024", "Summer 2025", "Autumn 24", "Autumn term 2024/25") is the last day
    of the term as SCHOOL_TERMS counts it (autumn September-December, spring January-March, summer April-August,
    as the tracker's rounds are counted), with a note: schools' own term dates differ. Winter, and a term
    without a year, are refused.
  - "2023-24", "2023/24", "2023/2024" is the end of the school year (31 August 2024), with a note that it could
    be the financial year; "financial year 2023/24" / "FY 2023-24" is 31 March 2024 and "academic year 2023-24"
    / "AY" 31 August 2024, without a note. A second year that does not follow the first is refused.
  - "Q3 2024/25" (and "Q3 FY 2024") is a financial-year quarter counted from April: Q3 ends 31 December 2024.
    "Q3 2024" is a calendar quarter (30 September 2024), with a note that it could be a financial one.
- A month without a year and "TBC"-style markers are refused, each with a hint.
- A range ("Apr 19 - Jul 19", "Feb 2018 to April 2018", "01/04/2019 - 31/07/2019") is due at its end. Its start
  may leave out the year ("Feb - April 2018"): it is then the latest such month not after the end. A range that
  ends before it starts is refused.
- Recurring ("Termly, beginning Dec 2017", "March 2018 and annually"): a frequency word (termly, monthly,
  weekly, fortnightly, quarterly, annually, yearly, every/each/per term...) plus at most one date. The date is
  the first occurrence (for a month, its last day); a frequency with no date ("Termly") has no date.
- Publication: a phrase about publishing this plan ("By the time this plan is published", "on publication")
  with no date in it.
- A single date inside longer text ("To be signed off by all three agencies by December 2020", "End of March
  2020") is accepted when the rest is plain words: no other numbers, no month without a year ("March or April
  2020"), and none of the words that move or qualify the date (after, before, within, from, since, starting,
  beginning, onwards, until, not, weeks, days, months, years, or, originally, ongoing...). Two or more dates
  that are not a range are refused. "Early/mid/late March 2020" is read as the month (its last day).
- `today` is accepted for the importer's convenience but deliberately unused: a workbook reads the same
  whenever it is imported.

Leads (parse_leads)
- Split on ";", newlines, "/", "," and on "&" or the word "and", never inside brackets and never on spaces.
  "&" and "and" split only where both sides can stand as leads: not beside a single word that is not an acronym
  ("Head of SEND & Inclusion", "Inclusion & SEND Delivery Group"), nor between a single word and a team's or a
  board's name ("SEND & Inclusion Board"). A person in brackets closes a lead ("Head of SEND (Jo Bloggs) & ...").
- An organisation alone (one in `organisations`, "ICB", "CCG", or a name ending in ICB, CCG, NHS Trust,
  Foundation Trust or Council) is not a person: it leads through "<organisation> lead" in that organisation. In
  brackets after a post it is the post's organisation ("Head of SEND (Northgate NHS Trust)"), as after a comma.
- is_placeholder_lead: "TBC", "to be confirmed", "vacant", "post vacant", "vacancy"... mean no lead yet; the
  importer leaves the action without that lead and warns. A placeholder never qualifies a post after a comma.
- A name of an organisation in `organisations` is never split, even when it contains "and" or "/", and is
  written the way `organisations` spells it ("PACIP" -> "PaCiP").
- Brackets at the end of a lead name the person: "Head of SEND (Jayne Howarth)". Brackets holding an acronym or
  an organisation are part of the post ("Director of Children's Services (DCS)"); brackets elsewhere stay in the
  post ("Parent Carer Forum (PCF) Chairs"). A name in brackets with no post before it is refused.
- A post takes at most one qualifier. After a comma, an acronym-like word (2-10 letters, at least two capitals,
  e.g. CYPDS, PaCiP) that is not an organisation is joined to the lead before it as its qualifier
  ("Service Leader, CYPDS"), but only when that lead is a post written in words, has no person, and is not
  already qualified by a comma qualifier, by "of"/"for" or by an acronym of its own ("Head of SEND, DCO" and
  "Designated Clinical Officer – DCO, DCO" are two leads each). Otherwise the
  acronym is a lead of its own, so "Service Leader, CYPDS, PaCiP" is [Service Leader, CYPDS] and [PaCiP] with
  or without `organisations`.
- Known limits, so the importer should show the leads it read for confirmation: "Service Leader, Education
  Leadership" is two leads (a qualifier written in words cannot be told apart from a second post); "DCO & SEND
  Board" is one lead.

RAG (parse_rag), bands (parse_band) and scores (parse_score)
- Case, surrounding whitespace and trailing . , ; : ! ? are ignored. "Complete", "Completed" and "Done" are
  blue; "Not started" and "Not yet started" are white; "On track" and the like are refused. Two ratings in one
  cell ("A/G", "Medium/High") are refused with their own message; "Blue - Completed" (one rating said twice)
  is refused like any other unlisted spelling.

Numbers (parse_number)
- "projected" anywhere ("projected 60%", "60% (projected)", "Projected: 60") marks a projection.
- Thousands need exact groups of three ("1,234"); "1,23" and scientific notation are refused.
- With unit="percent" and no % sign, a value strictly between 0 and 1 is a fraction (Excel stores 54% as 0.54)
  and becomes a percentage rounded half-up to 2 dp. Exactly 1 is refused as ambiguous (1% or 100%?); 0 and
  values above 1 are taken as written.
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from workbooks.schema import normalise

__all__ = [
    "Due",
    "Lead",
    "Number",
    "ParseError",
    "is_placeholder_lead",
    "organisation_lead",
    "parse_band",
    "parse_due",
    "parse_leads",
    "parse_number",
    "parse_rag",
    "parse_score",
]


class ParseError(ValueError):
    """A value the importer must refuse. str(error) is the reason, written for a programme manager, e.g.
    "not a date we can read: expected a month and year like 'March 2020', a date like 31/03/2020, or a phrase
    like 'ongoing'"."""


def _show(value) -> str:
    """The value, quoted and cut short, for a message."""
    try:
        text = str(value)
    except ValueError:  # an int too long to print
        return "a very long number"
    text = " ".join(text.split())
    return f"'{text[:57]}...'" if len(text) > 60 else f"'{text}'"


def _words(text: str) -> str:
    """Lower case, whitespace collapsed, trailing punctuation dropped: ' Green. ' -> 'green'."""
    return " ".join(text.split()).lower().rstrip(".,;:!? ")


def _two_in_one(words: str, accepted: dict[str, str]) -> bool:
    """'a/g', 'amber - green', 'medium or high': every part is an accepted value, and they differ."""
    parts = [p for p in re.split(r"\s*(?:[/\\&+,\-–—]|\bor\b|\band\b|\bto\b)\s*|\s+", words) if p]
    return all(p in accepted for p in parts) and len({accepted[p] for p in parts}) >= 2


# ----------------------------------------------------------------------------------------------- due dates

YEAR_MIN, YEAR_MAX = 1970, 2099

_MONTH_NAMES = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTHS = {
    m: n
    for n, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}


def _mon(group: str) -> str:
    return rf"\b(?P<{group}>{_MONTH_NAMES})\b\.?"


def _yr(group: str) -> str:
    return rf"['’]?(?P<{group}>\d{{4}}|\d{{2}})(?!\w)"


_DATE = re.compile(
    "|".join(
        (
            # 31/03/2020, 31.3.2020, 31-03-20 (day first)
            r"(?<![\d./-])(?P<d1>\d{1,2})(?P<s1>[/.-])(?P<m1>\d{1,2})(?P=s1)(?P<y1>\d{4}|\d{2})(?!\w)(?![./-]\d)",
            # 2020-03-31, optionally with a time
            r"(?<![\d./-])(?P<y2>\d{4})(?P<s2>[/.-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2})"
            r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?!\w)(?![./-]\d)",
            # 31 March 2020, 31st of March, 2020, 31-Mar-20
            rf"(?<![\d./-])(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?[\s/-]*{_mon('n3')}[\s,/-]*{_yr('y3')}",
            # March 31 2020, March 31st, 2020 (four-digit year only)
            rf"{_mon('n4')}\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}})(?!\w)",
            # March 2020, Sept 19, Mar-20, Dec '17
            rf"{_mon('n5')}[\s,/-]*{_yr('y5')}",
        )
    )
)
_BARE_MONTH = re.compile(_mon("n0"))
_ANY_MONTH = re.compile(rf"\b(?:{_MONTH_NAMES})\b")
_RANGE_SEP = re.compile(r"\s*(?:-|\bto\b|\buntil\b|\btill\b|\bthrough\b)\s*")
_IMMEDIATE = {"immediate", "immediately", "with immediate effect"}
_ONGOING = {"ongoing", "on-going", "on going"}
_RECURRING = re.compile(
    r"\b(?:(?:half[- ]?)?termly|monthly|weekly|fortnightly|quarterly|annually|yearly|bi-?annually|bi-?monthly"
    r"|(?:six|6|three|3|twelve|12)[- ]monthly"
    r"|(?:every|each|per)\s+(?:half[- ]term|term|month|week|fortnight|quarter|year))\b"
)
_PUBLISH = re.compile(r"\bpublish|\bpublication\b")
_THIS_PLAN = re.compile(r"\b(?:this|the)\s+(?:plan|statement|written statement|wsoa)\b|\bwsoa\b")
_PUBLICATION_PHRASES = {"publication", "on publication", "upon publication", "at publication", "by publication"}
_SHIFTS = re.compile(
    r"\b(?:after|before|prior|within|following|from|since|begin\w*|start\w*|commenc\w*|until|till|not|or"
    r"|weeks?|days?|months?|years?|fortnights?|earliest|onwards?|beyond|originally|previously|was|ongoing|on-going)\b"
)
# The school terms as the app counts them (first and last month), shared by due dates ("Summer 2025") and the
# reporting rounds a tracker heading names ("Summer term 2025 update", workbooks/tracker/columns.py), so that an
# action due in a term falls in that term's round. The terms cover the whole year: summer runs to the end of August.
SCHOOL_TERMS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 8)}
_BY = r"(?:(?:by|in|during|for)\s+)?(?:(?:the\s+)?end\s+of\s+)?(?:the\s+)?"
_END_OF_YEAR = re.compile(r"(?:by\s+)?(?:the\s+)?end\s+of\s+(?:the\s+)?(?:year\s+)?(?P<year>\d{4})")
_YEAR_SPAN = r"(?P<y1>\d{4})\s*[/-]\s*(?P<y2>\d{4}|\d{2})"
_TERM = re.compile(
    rf"{_BY}(?P<term>autumn|spring|summer)(?:\s+term)?[\s,'’]*(?:(?P<year>\d{{4}}|\d{{2}})|{_YEAR_SPAN})"
)
_WHICH_YEAR = r"(?:(?P<which>academic|school|financial|fiscal)\s+year|(?P<short>ay|fy))"
_SPAN = re.compile(rf"{_BY}(?:{_WHICH_YEAR}\s*)?{_YEAR_SPAN}")
_QUARTER = re.compile(
    rf"{_BY}(?:q|quarter\s*)(?P<q>[1-4])[\s,'’]*(?:(?P<fy>fy|financial\s+year)\s*)?(?:{_YEAR_SPAN}|(?P<year>\d{{4}}))"
)
_EXPECTED_DUE = "expected a month and year like 'March 2020', a date like 31/03/2020, or a phrase like 'ongoing'"


@dataclass(frozen=True)
class Due:
    date: date | None  # the date the action is due (for a month: its LAST day; for a range: the range's end)
    label: str  # the original text, stripped (kept so nothing is lost), "" when the cell was empty
    # "day" | "month" | "range" | "term" | "year" | "quarter" | "immediate" | "ongoing" | "recurring"
    # | "publication" | "none"
    kind: str
    # What was assumed when the wording could mean more than one date ("2023-24": the school year or the financial
    # year?), for the importer to show beside the row: "read as 31 August 2024, the end of the school year 2023-24:
    # write a month if you meant otherwise". "" when the reading is not a guess.
    note: str = ""


@dataclass(frozen=True)
class _Point:
    start: date
    end: date
    kind: str  # "day" | "month"


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ParseError(f"the year {year} looks wrong: due dates must fall between {YEAR_MIN} and {YEAR_MAX}")
    return year


def _day(year: int, month: int, day: int) -> _Point:
    if not 1 <= month <= 12:
        raise ParseError(f"there is no month {month}: dates are read day first, like 31/03/2020")
    try:
        when = date(year, month, day)
    except ValueError:
        raise ParseError(f"there is no {day} {calendar.month_name[month]} {year}") from None
    return _Point(when, when, "day")


def _point(m: re.Match) -> _Point:
    g = m.groupdict()
    if g["d1"]:
        return _day(_year(g["y1"]), int(g["m1"]), int(g["d1"]))
    if g["y2"]:
        return _day(_year(g["y2"]), int(g["m2"]), int(g["d2"]))
    if g["d3"]:
        return _day(_year(g["y3"]), _MONTHS[g["n3"][:3]], int(g["d3"]))
    if g["d4"]:
        return _day(_year(g["y4"]), _MONTHS[g["n4"][:3]], int(g["d4"]))
    year, month = _year(g["y5"]), _MONTHS[g["n5"][:3]]
    return _Point(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]), "month")


def _range_end(text: str, label: str) -> date | None:
    """The end of 'Apr 19 - Jul 19' style text, or None when the text is not a range of two dates."""
    found = []
    for sep in _RANGE_SEP.finditer(text):
        start, end = re.sub(r"^from\s+", "", text[: sep.start()].strip()), text[sep.end() :].strip()
        end_match = _DATE.fullmatch(end)
        start_match = _DATE.fullmatch(start) or _BARE_MONTH.fullmatch(start)
        if end_match and start_match:
            found.append((start_match, end_match))
    if not found:
        return None
    if len(found) > 1:
        raise ParseError(f"{_show(label)} can be read as more than one range: write it like 'Apr 2019 - Jul 2019'")
    start_match, end_match = found[0]
    end = _point(end_match)
    if start_match.re is _DATE:
        start = _point(start_match).start
    else:  # a month with no year: the latest such month not after the end
        month = _MONTHS[start_match["n0"][:3]]
        start = date(end.start.year - (month > end.start.month), month, 1)
    if start > end.end:
        raise ParseError(f"{_show(label)} ends before it starts")
    return end.end


def _spelt(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _span(label: str, first: str, second: str) -> int:
    """The first year of a span written "2023-24", "2023/24" or "2023/2024", which must end the next year."""
    start = _year(first)
    if int(second) != (start + 1) % 10 ** len(second):  # "1999/00" follows on; "2023/25" does not
        raise ParseError(
            f"{_show(label)} is not a school or financial year: the second year must follow the first, like '2023-24'"
        )
    return start


def _season_or_year(text: str, label: str) -> Due | None:
    """A due date given as the end of a year, a school term, a school or financial year, or a quarter; None when the
    text is none of these. The year a plan's actions run over is counted two ways (the school year to August, the
    financial year to March), so a reading that has to pick one says so in its note."""
    if match := _END_OF_YEAR.fullmatch(text):
        return Due(date(_year(match["year"]), 12, 31), label, "year")
    if match := _TERM.fullmatch(text):
        first, last = SCHOOL_TERMS[match["term"]]
        # "Autumn term 2024/25": autumn opens the school year, spring and summer close it.
        year = _year(match["year"]) if match["year"] else _span(label, match["y1"], match["y2"]) + (first < 9)
        end = _month_end(year, last)
        note = (
            f"read as {_spelt(end)}, the end of the {match['term']} term {year} as the app counts terms "
            f"({calendar.month_name[first]} to {calendar.month_name[last]}): write a month if you meant otherwise"
        )
        return Due(end, label, "term", note)
    if match := _QUARTER.fullmatch(text):
        quarter = int(match["q"])
        if match["year"] and not match["fy"]:  # "Q3 2024": a calendar quarter, July to September
            end = _month_end(_year(match["year"]), 3 * quarter)
            note = (
                f"read as {_spelt(end)}, the end of quarter {quarter} of the calendar year {end.year}: write a month "
                "if you meant a financial-year quarter"
            )
            return Due(end, label, "quarter", note)
        # "Q3 2024/25": councils and the NHS count quarters from April, so Q3 is October to December 2024.
        start = _year(match["year"]) if match["year"] else _span(label, match["y1"], match["y2"])
        last = 3 * quarter + 3
        return Due(_month_end(start + (last > 12), (last - 1) % 12 + 1), label, "quarter")
    if match := _SPAN.fullmatch(text):
        start = _span(label, match["y1"], match["y2"])
        which = match["which"] or {"ay": "academic", "fy": "financial"}.get(match["short"] or "", "")
        if which in ("financial", "fiscal"):
            return Due(date(start + 1, 3, 31), label, "year")
        end = date(start + 1, 8, 31)
        if which:
            return Due(end, label, "year")
        shown = f"{start}-{str(start + 1)[2:]}"
        note = (
            f"read as {_spelt(end)}, the end of the school year {shown}: write a month if you meant otherwise "
            f"(the financial year {shown} ends on 31 March {start + 1})"
        )
        return Due(end, label, "year", note)
    return None


def _no_date_reason(text: str, label: str) -> str:
    if re.fullmatch(r"(?:in|by|during|end of)?\s*\d{4}", text):
        return f"{_show(label)} is a year on its own: give the month too, like 'March 2020'"
    if re.search(r"\bq[1-4]\b|\bquarter\b", text):
        return (
            f"{_show(label)} is a quarter we cannot read: write it like 'Q3 2024/25' (a financial-year quarter) "
            "or 'Q3 2024' (a calendar quarter), or give the month it ends, like 'March 2021'"
        )
    if re.search(r"\b\d{4}\s*[/-]\s*(?:\d{2}|\d{4})\b|\b(?:academic|financial)\s+year\b", text):
        return (
            f"{_show(label)} is an academic or financial year we cannot read: write it like '2023-24' or "
            "'financial year 2023/24', or give the month it is due, like 'July 2020'"
        )
    if re.search(r"\b(?:spring|summer|autumn|winter|term)\b", text):
        return (
            f"{_show(label)} is not a school term we can read: write the term and its year, like 'Summer term 2025', "
            "or give the month, like 'July 2020'"
        )
    if _ANY_MONTH.search(text):
        return f"{_show(label)} has a month but no year: write it like 'March 2020'"
    if re.search(r"(?<![\d./-])\d{1,2}[/.-]\d{1,2}(?![\d./-])", text):
        return f"{_show(label)} has a day and month but no year: write it like 31/03/2020"
    if re.fullmatch(r"tb[acd]|n/?a|none|unknown|not known|-+|\?+", text):
        return f"{_show(label)} gives no due date: leave the cell empty or give a date like 'March 2020'"
    return f"{_show(label)} is not a date we can read: {_EXPECTED_DUE}"


def _due_from_text(label: str) -> Due:
    text = " ".join(label.split()).lower()
    text = re.sub(r"[–—‒−]", "-", text).rstrip(".,;:!? ")
    if not text:
        raise ParseError(f"{_show(label)} is not a date we can read: {_EXPECTED_DUE}")
    if text in _IMMEDIATE:
        return Due(None, label, "immediate")
    if text in _ONGOING:
        return Due(None, label, "ongoing")
    if whole := _DATE.fullmatch(text):
        point = _point(whole)
        return Due(point.end, label, point.kind)
    if end := _range_end(text, label):
        return Due(end, label, "range")
    if due := _season_or_year(text, label):
        return due
    found = list(_DATE.finditer(text))
    if len(found) > 1:
        raise ParseError(
            f"{_show(label)} has {len(found)} dates in one cell: give the one date the action is due, "
            "or a range like 'Apr 2019 - Jul 2019'"
        )
    if _RECURRING.search(text):
        return Due(_point(found[0]).end if found else None, label, "recurring")
    if not found:
        if _PUBLISH.search(text) and (_THIS_PLAN.search(text) or text in _PUBLICATION_PHRASES):
            return Due(None, label, "publication")
        raise ParseError(_no_date_reason(text, label))
    match = found[0]
    point = _point(match)
    rest = f"{text[: match.start()]} {text[match.end() :]}"
    if re.search(r"\d", rest):
        raise ParseError(f"{_show(label)} has other numbers besides the date: give the due date on its own")
    if _ANY_MONTH.search(rest):
        raise ParseError(f"{_show(label)} also names a month without a year: give the one date the action is due")
    if shift := _SHIFTS.search(rest):
        raise ParseError(
            f"{_show(label)} says '{shift.group()}' next to the date, so we can't tell when the action is due: "
            "give the due date on its own, like 'March 2020'"
        )
    return Due(point.end, label, point.kind)


def parse_due(value, *, today: date | None = None) -> Due:
    """Read a due-date cell. See the module docstring for the rules; `today` is deliberately unused."""
    if value is None:
        return Due(None, "", "none")
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        if not YEAR_MIN <= value.year <= YEAR_MAX:
            raise ParseError(f"the date {_show(value)} looks wrong: due dates must fall between 1970 and 2099")
        return Due(value, value.isoformat(), "day")
    if isinstance(value, bool):
        raise ParseError(f"{_show(value)} is a yes/no value, not a date: {_EXPECTED_DUE}")
    if isinstance(value, int | float | Decimal):
        if isinstance(value, int) and 1900 <= value <= 2100:
            raise ParseError(f"{_show(value)} is a year on its own: give the month too, like 'March 2020'")
        raise ParseError(
            f"{_show(value)} is a number, not a date: type the date like 31/03/2020 or 'March 2020', "
            "or format the cell as a date"
        )
    if not isinstance(value, str):
        raise ParseError(f"{_show(value)} is not a date we can read: {_EXPECTED_DUE}")
    label = value.strip()
    if not label:
        return Due(None, "", "none")
    return _due_from_text(label)


# ----------------------------------------------------------------------------------------------- leads


@dataclass(frozen=True)
class Lead:
    post: str  # "Head of SEND", "DCO", "Service Leader, CYPDS", "CCG" (an organisation leading as such)
    person: str = ""  # "Jayne Howarth" when the cell gives a name in brackets
    # The organisation the post is in, when the cell names it with the post: "Head of Inclusion (CFC)",
    # "Designated Clinical Officer, Northgate ICB" (decision 0023). "" when not said.
    organisation: str = ""


_LEAD_SEP = re.compile(r"\s*(?:(,)|[&;/\r\n]|(?<=\s)and(?=\s))\s*", re.IGNORECASE)
_ACRONYM = re.compile(r"[A-Za-z]{2,10}")
_QUALIFIED = re.compile(r"\b(?:of|for)\b", re.IGNORECASE)
# How the names of NHS and council bodies end: after a comma, such a name is the organisation of the post before
# it even when the plan's organisations do not include it yet ("Service Manager, Northgate NHS Trust").
_ORGANISATION_NAME = re.compile(r"\S.*\b(?:ICB|CCG|NHS Trust|Foundation Trust|Council)$")


# What trackers write where a lead is not known yet, compared without case, spaces or punctuation: "no lead yet"
# (the importer warns), never an officer called "TBC" or "Vacant".
PLACEHOLDER_LEADS = frozenset(
    {
        "tbc",
        "tba",
        "tbd",
        "tobeconfirmed",
        "tobeagreed",
        "tobeannounced",
        "tobeappointed",
        "tobedecided",
        "tobedetermined",
        "toberecruited",
        "vacant",
        "postvacant",
        "vacantpost",
        "currentlyvacant",
        "vacancy",
    }
)
# Organisations known by their kind alone: "ICB" leading an action is the ICB, not a person called ICB.
_ORGANISATIONS_BY_KIND = {"icb", "ccg"}

# How a tracker names the local area's own council without its name: "Head of SEND (Council)" is the council's Head
# of SEND, not a person called Council. The importer reads these as the plan's home organisation.
HOME_ORGANISATION_WORDS = frozenset({"council", "thecouncil", "localauthority", "thelocalauthority", "la"})


def is_placeholder_lead(text) -> bool:
    """Whether a lead cell (or one lead in it) says that nobody leads yet: "TBC", "to be confirmed", "Post vacant"."""
    return isinstance(text, str) and normalise(text) in PLACEHOLDER_LEADS


def _names_organisation(text: str, orgs: dict[str, str]) -> bool:
    """An organisation the plan knows (by name or short name), "ICB" or "CCG", the council without its name
    ("Council", "LA"), or a name ending as NHS and council bodies' names end ("Northgate NHS Trust")."""
    key = normalise(text)
    return (
        key in orgs
        or key in _ORGANISATIONS_BY_KIND
        or key in HOME_ORGANISATION_WORDS
        or bool(_ORGANISATION_NAME.fullmatch(text))
    )


def organisation_lead(text: str, organisations=frozenset()) -> Lead | None:
    """The lead an organisation alone stands for ("ICB", "PaCiP", "Northgate NHS Trust"): its lead for the action,
    the officer "<organisation> lead" in that organisation. None when the text is not an organisation."""
    names = {" ".join(o.split()) for o in organisations if isinstance(o, str) and normalise(o)}
    orgs = {normalise(name): name for name in names}
    text = " ".join(text.split())
    if not text or not _names_organisation(text, orgs):
        return None
    name = orgs.get(normalise(text), text)
    return Lead(f"{name} lead", "", name)


def _is_acronym(text: str) -> bool:
    return bool(_ACRONYM.fullmatch(text)) and sum(c.isupper() for c in text) >= 2


def _split_leads(text: str, org_re: re.Pattern | None) -> list[tuple[str, str]]:
    """Segments between separators at bracket depth 0, each with the separator before it as written ("", ",", "&",
    "and", ";", "/", a newline)."""
    segments, start, depth, i, before = [], 0, 0, 0, ""
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise ParseError(f"{_show(text)} closes a bracket that was never opened")
        elif depth == 0:
            if org_re is not None and (org := org_re.match(text, i)):
                i = org.end()
                continue
            if sep := _LEAD_SEP.match(text, i):
                segments.append((before, text[start:i]))
                before = sep.group().strip(" \t") or sep.group()
                start = i = sep.end()
                continue
        i += 1
    if depth:
        raise ParseError(f"{_show(text)} opens a bracket that is never closed")
    segments.append((before, text[start:]))
    return segments


# The last word of a team's or a board's name: "Inclusion & SEND Delivery Group" is one lead, not two.
_TEAM_WORD = re.compile(
    r"\b(?:group|board|team|panel|partnership|forum|committee|network|hub|service|services|directorate"
    r"|department|unit|alliance|collaborative|steering group|working group)$",
    re.IGNORECASE,
)


def _bare_post(segment: str) -> tuple[str, bool]:
    """The segment without a person in brackets at its end, and whether it had one."""
    segment = " ".join(segment.split())
    match = re.fullmatch(r"(?P<post>.*?)\s*\((?P<inner>[^()]*)\)", segment)
    if match and match["post"] and not _is_acronym(match["inner"].strip()):
        return match["post"], True
    return segment, False


def _a_word_of_a_name(text: str) -> bool:
    """One word that is not an acronym or a placeholder: "Inclusion" in "Head of SEND & Inclusion" names part of
    a post or a team, never a lead of its own."""
    return bool(re.fullmatch(r"[A-Za-z'’-]+", text)) and not _is_acronym(text) and not is_placeholder_lead(text)


def _joined_by_and(before: str, after: str, orgs: dict[str, str]) -> bool:
    """Whether "&" or "and" between two segments is inside one name rather than between two leads. Splitting is
    kept only where both sides can stand as leads: "Head of SEND & DCO", "DCS and CCG lead", "Head of SEND (Jayne
    Howarth) & Head of Access (Allyson Milward)". "Head of SEND & Inclusion", "Inclusion & SEND Delivery Group"
    and "SEND & Inclusion Board" are one lead each."""
    first, first_person = _bare_post(before)
    second, second_person = _bare_post(after)
    if not first or not second or normalise(first) in orgs or normalise(second) in orgs:
        return False
    if first_person:  # "Head of SEND (Jayne Howarth) & Inclusion": the person closes the first lead
        return False
    single_first = bool(re.fullmatch(r"[A-Za-z'’-]+", first)) and not is_placeholder_lead(first)
    return _a_word_of_a_name(first) or _a_word_of_a_name(second) or (single_first and bool(_TEAM_WORD.search(second)))


def _join_names(segments: list[tuple[str, str]], orgs: dict[str, str]) -> list[tuple[str, str]]:
    joined: list[tuple[str, str]] = []
    for before, text in segments:
        if joined and before.casefold() in ("&", "and") and _joined_by_and(joined[-1][1], text, orgs):
            joined[-1] = (joined[-1][0], f"{joined[-1][1].rstrip()} {before} {text.lstrip()}")
        else:
            joined.append((before, text))
    return joined


def _post_and_person(text: str, orgs: dict[str, str]) -> tuple[str, str]:
    if not text.endswith(")"):
        return text, ""
    depth = 0
    for opening in range(len(text) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(text[opening], 0)
        if depth == 0:
            break
    else:
        return text, ""
    head, inner = text[:opening].strip(), text[opening + 1 : -1].strip()
    if not inner:
        return head, ""
    if head and _names_organisation(inner, orgs):
        return head, f"({orgs.get(normalise(inner), inner)})"  # the post's organisation, read by parse_leads
    if _is_acronym(inner) or normalise(inner) in orgs:
        return text, ""
    if not head:
        raise ParseError(f"{_show(text)} gives a name in brackets but no post before it")
    return head, inner


def parse_leads(value, *, organisations: set[str] = frozenset()) -> list[Lead]:
    """Read a 'responsible officers' cell into leads. See the module docstring for the splitting rules."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise ParseError(f"{_show(value)} is not a lead: write the post, like 'Head of SEND (Jayne Howarth)'")
    names = {" ".join(o.split()) for o in organisations if isinstance(o, str) and normalise(o)}
    orgs = {normalise(name): name for name in names}
    org_re = None
    if names:
        spelt = (r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=len, reverse=True))
        org_re = re.compile(rf"(?<!\w)(?:{'|'.join(spelt)})(?!\w)", re.IGNORECASE)
    text = re.sub(r"[^\S\r\n]+", " ", value)
    leads: list[Lead] = []
    closed: list[bool] = []  # whether the lead can no longer take a qualifier
    # Whether the lead can still be given its organisation after a comma: a post in words, no person, no
    # organisation and no comma qualifier yet, not itself an organisation.
    open_to_organisation: list[bool] = []
    for before, raw in _join_names(_split_leads(text, org_re), orgs):
        after_comma = before == ","
        post, person = _post_and_person(" ".join(raw.split()), orgs)
        if not post:
            continue
        if person.startswith("(") and person.endswith(")"):  # "Head of Inclusion (CFC)": the post's organisation
            leads.append(Lead(post, "", person[1:-1]))
            closed.append(True)
            open_to_organisation.append(False)
            continue
        key = normalise(post)
        post = orgs.get(key, post)
        names_organisation = _names_organisation(post, orgs)
        if after_comma and leads and open_to_organisation[-1] and names_organisation and not person:
            leads[-1] = Lead(leads[-1].post, "", post)
            closed[-1], open_to_organisation[-1] = True, False
            continue
        qualifier = _is_acronym(post) and key not in orgs and not is_placeholder_lead(post)
        if after_comma and leads and not closed[-1] and qualifier:
            leads[-1] = Lead(f"{leads[-1].post}, {post}", person)
            closed[-1], open_to_organisation[-1] = True, False
            continue
        if names_organisation and not person:
            # An organisation alone leads through its lead for the action: the officer "ICB lead" in the ICB.
            leads.append(Lead(f"{post} lead", "", post))
            closed.append(True)
            open_to_organisation.append(False)
            continue
        leads.append(Lead(post, person))
        open_to_organisation.append(not person and not names_organisation)
        has_acronym = any(_is_acronym(word) for word in re.findall(r"[A-Za-z]+", post))
        closed.append(bool(person or has_acronym or key in orgs or _QUALIFIED.search(post)))
    return leads


# ----------------------------------------------------------------------------------------------- RAG, bands, scores

RAG_SPELLINGS = {
    "blue": ("b", "blue", "complete", "completed", "done"),
    "green": ("g", "green"),
    "amber": ("a", "amber"),
    "red": ("r", "red"),
    "white": ("w", "white", "not started", "not yet started"),
}
_RAG = {spelling: code for code, spellings in RAG_SPELLINGS.items() for spelling in spellings}

BAND_SPELLINGS = {
    "low": ("l", "low"),
    "medium": ("m", "med", "medium"),
    "high": ("h", "high"),
    "very_high": ("vh", "v high", "very high"),
}
_BAND = {spelling: code for code, spellings in BAND_SPELLINGS.items() for spelling in spellings}


def parse_rag(value) -> str:
    """'blue', 'green', 'amber', 'red', 'white', or '' for a blank cell (not rated)."""
    if value is None:
        return ""
    if isinstance(value, str):
        words = _words(value)
        if not value.strip():
            return ""
        if words in _RAG:
            return _RAG[words]
        if _two_in_one(words, _RAG):
            raise ParseError(f"{_show(value)} gives two ratings in one cell: choose one")
    raise ParseError(
        f"{_show(value)} is not a RAG rating: use Blue (or Completed), Green, Amber, Red or White (or Not started), "
        "or their first letters, or leave the cell empty"
    )


STAGE_SPELLINGS = {
    "not_started": ("not started", "not yet started", "not begun"),
    "in_progress": ("in progress", "started", "underway", "under way", "ongoing", "on going"),
    "complete": ("complete", "completed", "done", "finished"),
    "closed": ("closed",),
}
_STAGE = {spelling: code for code, spellings in STAGE_SPELLINGS.items() for spelling in spellings}


# The words trackers use for an area's kind (decision 0021), read case-insensitively; hyphens as spaces.
AREA_KIND_SPELLINGS = {
    "weakness": ("area of weakness", "areas of weakness", "weakness"),
    "priority": (
        "area for priority action",
        "areas for priority action",
        "priority action",
        "priority",
        "api",
        "afpa",
    ),
    "improvement": ("area for improvement", "areas for improvement", "improvement", "improvement area", "afi"),
    "cross_cutting": ("cross cutting", "cross cutting area", "cross cutting theme", "crosscutting"),
    "workstream": ("workstream", "work stream"),
}
_AREA_KIND = {spelling: code for code, spellings in AREA_KIND_SPELLINGS.items() for spelling in spellings}


def parse_area_kind(value) -> str:
    """'weakness', 'priority', 'improvement', 'cross_cutting' or 'workstream'; a blank cell is an area of weakness
    (what every area was before kinds)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "weakness"
    if isinstance(value, str):
        text = _words(value.replace("-", " ").replace("_", " "))
        if text in _AREA_KIND:
            return _AREA_KIND[text]
    raise ParseError(
        f"{_show(value)} is not a kind of area: use Area for priority action (API), Area for improvement (AFI), "
        "Cross-cutting, Workstream or Area of weakness, or leave it empty"
    )


def stage_words(labels: dict[str, str]) -> dict[str, str]:
    """A plan's own words for its stages (code -> word), keyed as parse_stage reads a cell."""
    return {_words(word.replace("-", " ").replace("_", " ")): code for code, word in labels.items() if word}


def parse_stage(value, *, words: dict[str, str] | None = None) -> str:
    """'not_started', 'in_progress', 'complete', 'closed', or '' for a blank cell (not recorded). `words`: the
    plan's own words for the stages (normalised word -> code), read as well as the standard ones."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.strip():
            return ""
        text = _words(value.replace("-", " ").replace("_", " "))
        if text in _STAGE:
            return _STAGE[text]
        if words and text in words:
            return words[text]
    raise ParseError(
        f"{_show(value)} is not a stage: use Not started, In progress, Complete or Closed, or leave it empty"
    )


def parse_percent_complete(value) -> int | None:
    """A percentage complete, 0 to 100, as a whole number; None for a blank cell. "60%", " 60 % ", "60", "0.6" and a
    cell Excel holds as 0.6 (formatted 60%) are all 60. Exactly 1 as a number is refused: 1% or 100%? (a column of
    Excel fractions is read as such before it gets here, workbooks/tracker/translate.py); the text "1" is 1%."""
    reason = f"{_show(value)} is not a percentage complete: write a whole number from 0 to 100, like 60%"
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ParseError(reason)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,3}(?:\.\d+)?|\.\d+)\s*(%?)", text)
        if not match:
            raise ParseError(reason)
        number = Decimal(match.group(1))
        if not match.group(2) and 0 < number < 1:  # "0.8" typed, or a CSV of Excel's 80%: a fraction
            number *= 100
    elif isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise ParseError(reason)
        number = Decimal(str(value))
        if number == 1:
            raise ParseError(f"{_show(value)} could be 1% or 100%: write the percentage with its sign, like 100%")
        if 0 < number < 1:  # Excel's 60% is the number 0.6
            number *= 100
    else:
        raise ParseError(reason)
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise ParseError(reason)
    return int(number)


def parse_band(value) -> str:
    """'low', 'medium', 'high', 'very_high', or '' for a blank cell."""
    if value is None:
        return ""
    if isinstance(value, str):
        if not value.strip():
            return ""
        words = _words(re.sub(r"[_.\-]", " ", value))
        if words in _BAND:
            return _BAND[words]
        if _two_in_one(words, _BAND):
            raise ParseError(f"{_show(value)} gives two bands in one cell: choose one")
    raise ParseError(f"{_show(value)} is not a risk band: use Low, Medium, High or Very high (L, M, H, VH)")


def parse_score(value) -> int | None:
    """A likelihood or impact score, 1 to 5; None for a blank cell."""
    reason = f"{_show(value)} is not a score: likelihood and impact are scored from 1 to 5"
    if value is None:
        return None
    if isinstance(value, bool):
        raise ParseError(reason)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if not re.fullmatch(r"\d{1,3}(?:\.0*)?", text):
            raise ParseError(reason)
        value = int(text.split(".")[0])
    elif isinstance(value, float | Decimal):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)) or value != int(value):
            raise ParseError(reason)
        value = int(value)
    if isinstance(value, int) and 1 <= value <= 5:
        return value
    raise ParseError(reason)


# ----------------------------------------------------------------------------------------------- numbers


@dataclass(frozen=True)
class Number:
    value: Decimal
    projected: bool = False
    percent: bool = False  # the cell said % (or was a 0..1 fraction read as a percentage)


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_PROJECTED = re.compile(r"\(\s*projected\s*\)|\bprojected\b\s*:?", re.IGNORECASE)


def _tidy(d: Decimal) -> Decimal:
    """54.50 -> 54.5 and 54.00 -> 54, without turning 100 into 1E+2."""
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def parse_number(value, *, unit: str = "") -> Number | None:
    """A KPI value: '54%', '1,234', 'projected 60%', or a number cell; None for a blank cell."""
    reason = (
        f"not a number: {_show(value)}; expected a number like 54, 54% or 1,234 "
        "(write 'projected' next to a projection)"
    )
    if value is None:
        return None
    projected = percent = False
    if isinstance(value, bool):
        raise ParseError(reason)
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ParseError(reason)
        number = Decimal(int(value)) if value.is_integer() and abs(value) < 1e15 else Decimal(repr(value))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise ParseError(reason)
        number = value
    elif isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return None
        text, found = _PROJECTED.subn(" ", text)
        projected = found > 0
        text = text.strip().replace("−", "-")
        if text.endswith("%"):
            percent, text = True, text[:-1].strip()
        if not _NUMBER.fullmatch(text):
            raise ParseError(reason)
        number = Decimal(text.replace(",", ""))
    else:
        raise ParseError(reason)
    if unit == "percent" and not percent and 0 < number <= 1:
        if number == 1:
            raise ParseError(f"{_show(value)} is ambiguous for a percentage: write 1% or 100%")
        try:
            number = _tidy((number * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        except InvalidOperation:  # pragma: no cover - a value below 1 always fits
            raise ParseError(reason) from None
        percent = True
    return Number(number, projected=projected, percent=percent)
