"""What each column of an area's own tracker holds: a proposal, from its heading, for the mapping page (issue 18).

A council's tracker heads its columns in its own words ("Lead Officer", "By when", "RAG Status", "Update Jan 2025",
"% Complete", "Directorate"). `propose_columns` reads each heading and proposes the field it fills, with the reason
in words the programme manager confirms or changes on the mapping page. Three rules keep nothing from being lost:

- A heading naming a reporting period ("Update Jan 2025", "Progress update March 2025", "Spring term 2024 update",
  "RAG Dec 24", or "Progress" over "Jun 25" in a two-row header) is that period's progress (or rating): the column
  becomes dated progress entries, the period created as needed, in date order.
- A heading we cannot place is proposed as one of the plan's own fields, labelled with the heading as written:
  never left out silently. Only a column with no heading and no values is proposed to be left out.
- A heading that repeats a field holding one value per action (a second "Due date") is proposed as an own field too,
  saying so, rather than overwriting the first.

Pure: no database. The plan's existing own fields come in as labels, so a heading that names one fills it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db import models

# The due-date reader's month words, so a heading and a due date read a month alike.
from actions.models import Rag, Stage
from workbooks.parsing import _MONTHS as MONTH_NUMBERS
from workbooks.parsing import SCHOOL_TERMS, ParseError, _mon, parse_percent_complete, parse_rag, parse_stage


class Field(models.TextChoices):
    """What a tracker column can fill (the mapping page's choices, in this order)."""

    REF = "ref", "Reference"
    AREA = "area", "Area"
    ACTION = "action", "Action (what we will do)"
    LEADS = "leads", "Leads"
    ACCOUNTABLE = "accountable", "Accountable officer"
    PARTNERS = "partners", "Partners"
    DUE = "due", "Due"
    RAG = "rag", "RAG rating"
    STAGE = "stage", "Stage"
    PERCENT_COMPLETE = "percent_complete", "% complete"
    COMPLETION_DATE = "completion_date", "Completion date"
    PROGRESS = "progress", "Progress"
    IMPACT = "impact", "Impact"
    EVIDENCE = "evidence", "Evidence"
    COMMENTS = "comments", "Comments"
    OUTCOME = "outcome", "Outcome"
    KPI = "kpi", "KPI or measure"
    OWN = "own", "A field of this plan's own"
    LEAVE_OUT = "leave_out", "Leave out"


# Fields an action has one of: a second column proposing one is proposed as an own field instead. Leads, partners,
# comments and evidence may come from several columns (joined), and dated progress has one column per period.
ONE_PER_ACTION = {
    Field.REF,
    Field.AREA,
    Field.ACTION,
    Field.ACCOUNTABLE,
    Field.DUE,
    Field.RAG,
    Field.STAGE,
    Field.PERCENT_COMPLETE,
    Field.COMPLETION_DATE,
    Field.OUTCOME,
}

# Headings as trackers write them, normalised (lower case, words only), most specific first: the first whose words
# all appear in the heading, in order, wins. "completion date" before "date", "rag status" before "status".
HEADING_WORDS: list[tuple[str, Field]] = [
    ("percent complete", Field.PERCENT_COMPLETE),
    ("percentage complete", Field.PERCENT_COMPLETE),
    ("complete %", Field.PERCENT_COMPLETE),
    ("% complete", Field.PERCENT_COMPLETE),
    ("%", Field.PERCENT_COMPLETE),
    ("date completed", Field.COMPLETION_DATE),
    ("completion date", Field.COMPLETION_DATE),
    ("completed on", Field.COMPLETION_DATE),
    ("date of completion", Field.COMPLETION_DATE),
    ("actual completion", Field.COMPLETION_DATE),
    ("senior responsible officer", Field.ACCOUNTABLE),
    ("accountable", Field.ACCOUNTABLE),
    ("sro", Field.ACCOUNTABLE),
    ("executive lead", Field.ACCOUNTABLE),
    ("strategic lead", Field.ACCOUNTABLE),
    ("partner", Field.PARTNERS),
    ("agencies involved", Field.PARTNERS),
    ("key stakeholders", Field.PARTNERS),
    ("lead", Field.LEADS),
    ("responsible", Field.LEADS),
    ("owner", Field.LEADS),
    ("officer", Field.LEADS),
    ("who", Field.LEADS),
    ("by whom", Field.LEADS),
    ("target date", Field.DUE),
    ("due", Field.DUE),
    ("deadline", Field.DUE),
    ("by when", Field.DUE),
    ("timescale", Field.DUE),
    ("timeframe", Field.DUE),
    ("when", Field.DUE),
    ("target", Field.DUE),
    ("brag", Field.RAG),
    ("rag", Field.RAG),
    ("rating", Field.RAG),
    ("stage", Field.STAGE),
    ("status", Field.RAG),
    ("evidence", Field.EVIDENCE),
    ("impact", Field.IMPACT),
    ("progress", Field.PROGRESS),
    ("update", Field.PROGRESS),
    ("position", Field.PROGRESS),
    ("commentary", Field.PROGRESS),
    ("comment", Field.COMMENTS),
    ("notes", Field.COMMENTS),
    ("remarks", Field.COMMENTS),
    ("kpi", Field.KPI),
    ("measure", Field.KPI),
    ("indicator", Field.KPI),
    ("outcome", Field.OUTCOME),
    ("area of weakness", Field.AREA),
    ("area for improvement", Field.AREA),
    ("area for priority action", Field.AREA),
    ("workstream", Field.AREA),
    ("priority", Field.AREA),
    ("theme", Field.AREA),
    ("area", Field.AREA),
    ("what we will do", Field.ACTION),
    ("action no", Field.REF),
    ("action number", Field.REF),
    ("action ref", Field.REF),
    ("action", Field.ACTION),
    ("activity", Field.ACTION),
    ("task", Field.ACTION),
    ("description", Field.ACTION),
    ("ref", Field.REF),
    ("reference", Field.REF),
    ("no", Field.REF),
    ("number", Field.REF),
    ("#", Field.REF),
    ("id", Field.REF),
]

# Short words that name a field only as the whole heading: "No." is the reference, "No. of children seen" is not.
WHOLE_HEADING_ONLY = {"no", "number", "#", "id", "who", "when", "target", "%"}

# Headings that are a plan's own block fields, kept as written (decision 0022), even though a word in them ("what
# we want", "difference") would otherwise read as something else.
OWN_BLOCK_HEADINGS = {
    "what we want",
    "where are we now",
    "what we will see",
    "the difference this will make",
    "what difference will it make",
    "success criteria",
    "directorate",
    "section",
    "service",
}

_MONTH_YEAR = re.compile(rf"{_mon('month')}[\s'’,/-]*(?P<year>\d{{4}}|\d{{2}})\b")
_TERM_YEAR = re.compile(r"\b(?P<term>autumn|spring|summer)(?:\s+term)?[\s'’,/-]*(?P<year>\d{4}|\d{2})\b")
_QUARTER = re.compile(
    r"\bq(?P<quarter>[1-4])[\s'’,/-]*(?P<fy>(?:fy|financial\s+year)\s*)?"
    r"(?P<year>(?P<first>\d{4}|\d{2})(?P<span>\s*[/-]\s*\d{2}(?:\d{2})?)?)\b"
)
# School terms as the demo plans date them: autumn September to December, spring January to March, summer April
# to August (a tracker's "Summer term update" is written in July, after the term's last round).
_TERMS = SCHOOL_TERMS  # shared with due dates, so that "Summer 2025" is due at the end of that round
_PERIOD_WORDS = re.compile(r"\b(?:update|progress|position|commentary|comments?|rag|brag|status|rating)\b")
_RATING_WORDS = re.compile(r"\b(?:rag|brag|rating|status)\b")


@dataclass(frozen=True)
class PeriodGuess:
    """The reporting period a heading names: its name as the tracker words it, and its first and last days."""

    name: str
    start: date
    end: date


@dataclass(frozen=True)
class Proposal:
    """A column's proposed field, and why, for the mapping page."""

    header: str
    field: Field
    why: str
    period: PeriodGuess | None = None  # dated progress or rating: the period whose entries the column holds
    label: str = ""  # an own field's label (the heading as written)


def normalise(header) -> str:
    """Lower case, single spaces, punctuation other than % and # dropped: "Lead Officer(s):" -> "lead officer s"."""
    text = str(header or "").lower().replace("’", "'")
    text = re.sub(r"[^\w%#']+", " ", text).replace("'", "")
    return " ".join(text.split())


def _year(text: str) -> int:
    year = int(text[:4] if len(text) >= 4 else text[:2])
    return year + 2000 if year < 100 else year


def period_named_in(header) -> PeriodGuess | None:
    """The reporting period a heading names: a month and year ("Update Jan 2025", "Dec 24", "Mar-25"), a school
    term ("Spring term 2024 update", "Autumn 25") or a quarter, read as a due date reads it ("Q1 2025/26": the
    financial year's, April to June; "Q1 2025": the calendar year's, January to March);
    None when it names none. A day or a bare year is not a period: "Target date 31/03/2025" is a due date."""
    text = normalise(header)
    raw = str(header or "").strip()
    if match := _TERM_YEAR.search(text):
        year = _year(match["year"])
        first, last = _TERMS[match["term"]]
        name = f"{match['term'].capitalize()} term {year}"
        return PeriodGuess(name, date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))
    if match := _QUARTER.search(raw.lower()):
        year = _year(match["first"])
        quarter = int(match["quarter"])
        # As a due date reads them (workbooks/parsing.py): "Q4 2024/25" or "Q4 FY 2024" is a financial-year quarter,
        # counted from April (Q1 April to June, Q4 January to March of the next year); "Q1 2025" a calendar one.
        financial = bool(match["span"] or match["fy"])
        first_month = 4 + 3 * (quarter - 1) if financial else 1 + 3 * (quarter - 1)
        start_year = year + (first_month - 1) // 12
        first_month = (first_month - 1) % 12 + 1
        last_month = first_month + 2
        end = date(start_year, last_month, calendar.monthrange(start_year, last_month)[1])
        name = f"Q{quarter} {'FY ' if match['fy'] else ''}{' '.join(match['year'].split())}"
        return PeriodGuess(name, date(start_year, first_month, 1), end)
    if match := _MONTH_YEAR.search(text):
        month, year = MONTH_NUMBERS[match["month"][:3]], _year(match["year"])
        if re.search(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}", raw):
            return None  # a whole date, not a month's round
        name = f"{calendar.month_name[month]} {year}"
        return PeriodGuess(name, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return None


def _singular(word: str) -> str:
    """ "comments" -> "comment", "partners" -> "partner": a heading's plural matches the phrase (both sides alike,
    so "status" and "progress" still match themselves)."""
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _by_words(text: str) -> Field | None:
    words = [_singular(word) for word in text.split()]
    for phrase, field in HEADING_WORDS:
        if phrase in WHOLE_HEADING_ONLY:
            if text == phrase:
                return field
            continue
        wanted = [_singular(word) for word in phrase.split()]
        # The phrase's words in order, each a whole word of the heading ("lead" in "lead officer", not in "leader").
        for start in range(len(words) - len(wanted) + 1):
            if words[start : start + len(wanted)] == wanted:
                return field
    return None


def propose_column(header, *, own_labels: dict[str, str] | None = None, has_values: bool = True) -> Proposal:
    """One column's proposal (see the module's rules); `own_labels`: the plan's own fields, by normalised label."""
    shown = str(header or "").strip()
    text = normalise(shown)
    own_labels = own_labels or {}
    if not text:
        if has_values:
            return Proposal(
                shown, Field.OWN, "has no heading but holds values: kept as a field of the plan's own", label="Notes"
            )
        return Proposal(shown, Field.LEAVE_OUT, "has no heading and no values")
    if text in own_labels:
        return Proposal(shown, Field.OWN, f"is the plan's own field “{own_labels[text]}”", label=own_labels[text])
    if text in OWN_BLOCK_HEADINGS:
        return Proposal(shown, Field.OWN, "is a heading of the plan's own, kept as written", label=shown)
    period = period_named_in(shown) if (_PERIOD_WORDS.search(text) or _is_only_a_period(text)) else None
    if period is not None:
        rating = bool(_RATING_WORDS.search(text)) and not re.search(r"\b(?:update|progress|commentary)\b", text)
        field = Field.RAG if rating else Field.PROGRESS
        what = "ratings" if rating else "progress entries"
        return Proposal(shown, field, f"names a reporting period: its cells become {what} for {period.name}", period)
    field = _by_words(text)
    if field is None:
        return Proposal(shown, Field.OWN, "is not a column we know: kept as a field of the plan's own", label=shown)
    return Proposal(shown, field, f"reads as {field.label.lower()}")


def _is_only_a_period(text: str) -> bool:
    """A heading that is nothing but a period ("Jan 2025", "Spring term 2024"): a progress column of a tracker that
    adds one per round, under a "Progress" heading the header's first row may have held."""
    rest = _TERM_YEAR.sub("", text)
    rest = _MONTH_YEAR.sub("", rest)
    return not rest.strip() and rest != text


def propose_columns(headers, *, own_labels=(), values_in=None) -> list[Proposal]:
    """A proposal for each of a table's columns, in order. `own_labels`: the labels of the plan's own fields;
    `values_in`: for each column, whether any data row has a value (an unheaded empty column is left out).

    A second column proposing a field an action has only one of becomes an own field, saying which column came
    first; two columns for the same period's progress likewise."""
    labels = {normalise(label): label for label in own_labels}
    proposals: list[Proposal] = []
    first_of: dict[tuple, str] = {}
    for index, header in enumerate(headers):
        has_values = True if values_in is None else bool(values_in[index])
        proposal = propose_column(header, own_labels=labels, has_values=has_values)
        key = (proposal.field, proposal.period.name if proposal.period else None)
        repeated = proposal.field in ONE_PER_ACTION or proposal.period is not None
        if repeated and key in first_of:
            proposal = Proposal(
                proposal.header,
                Field.OWN,
                f"repeats “{first_of[key]}” ({proposal.field.label.lower()}): kept as a field of the plan's own",
                label=proposal.header or "Notes",
            )
        else:
            first_of.setdefault(key, proposal.header)
        proposals.append(proposal)
    return proposals


# Word-valued fields: a cell of one is read as one of a few values ("Green", "In progress", "60%"), and a tracker may
# use its own word for one ("On track", "Delivering", a bare 1 meaning 100%). The mapping page asks the programme
# manager for the app's value of each word the importer cannot read (mapping.unread_words); Mapping.words keeps the
# answers and translate puts the app's value in the word's place before the importer reads the cell.
WORD_FIELDS = (Field.RAG, Field.STAGE, Field.PERCENT_COMPLETE)

# Percentages a manager is offered for a word of a % column: 1 and 100 for the bare 1 (1% or 100%?), tenths and
# quarters for words such as "half" or "nearly there".
_PERCENT_CHOICES = (0, 1, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100)


def word_choices(field: Field) -> list[tuple[str, str]]:
    """The app's values a tracker's word can be given for `field` on the mapping page, as (value, label), the
    first being "leave it empty" (a word such as "n/a" that says nothing)."""
    if field == Field.RAG:
        return [("", "Not rated"), *Rag.choices]
    if field == Field.STAGE:
        return [("", "Not recorded"), *Stage.choices]
    if field == Field.PERCENT_COMPLETE:
        return [("", "Not recorded"), *((str(n), f"{n}%") for n in _PERCENT_CHOICES)]
    return []


# A part of a narrative dated in brackets: "Panel meets weekly (March 2025)." up to and including its bracket and
# the punctuation after it. The bracket holds nothing but the date, so "(see the March 2025 report)" is no date.
_BRACKETED_DATE = re.compile(r"\((?P<when>[^()]{3,30})\)[.;,]?")
NARRATIVE_WORDS = 5  # a rating is a word or two ("Green", "On track"); a cell of this many words is narrative


def is_narrative(value) -> bool:
    """A cell of a rating column that is progress written out rather than a rating: not a rating the importer
    reads, and either a sentence or dated in brackets ("Training began (January 2025).")."""
    text = cell_text(value)
    if not text or reads_as_is(Field.RAG, text):
        return False
    return len(re.findall(r"[^\W\d_]+", text)) >= NARRATIVE_WORDS or any(
        period_named_in(match["when"]) for match in _BRACKETED_DATE.finditer(text)
    )


def narrative_column(values) -> bool:
    """A "Status" column that holds dated narrative and no RAG, as many published plans keep it: most of its filled
    cells are narrative. Proposed as progress, so its text is kept, not asked about as words of a rating."""
    filled = [value for value in values if cell_text(value)]
    return bool(filled) and sum(1 for value in filled if is_narrative(value)) * 2 > len(filled)


def dated_parts(text: str, *, until=None) -> tuple[str, list[tuple[PeriodGuess, str]]]:
    """A narrative split where it dates itself in brackets: the undated rest, and each dated part with the period
    its bracket names ("Panel meets weekly (March 2025). Backlog cleared (June 2025)." is two parts, March and June
    2025). Every character is in one or the other, as written. A bracket dated after `until` (the last day of the
    round the file reports) is a plan, not a record of what happened: it stays in the rest."""
    dated: list[tuple[PeriodGuess, str]] = []
    start = 0
    for match in _BRACKETED_DATE.finditer(text):
        period = period_named_in(match["when"])
        if period is None or (until is not None and period.start > until):
            continue  # text up to the next dated bracket belongs to that part
        dated.append((period, text[start : match.end()].strip()))
        start = match.end()
    return text[start:].strip(), dated


def cell_text(value) -> str:
    """A cell as text, as a word mapping names it: a whole number without ".0", spaces around it dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def word_key(value) -> str:
    """How a tracker's word is matched: case and spacing aside ("On Track " is "on track")."""
    return " ".join(cell_text(value).split()).casefold()


def worded(value, words: dict[str, str] | None):
    """The cell with a tracker's word replaced by the app's value the mapping gives it; else as it is. The app's
    value "" empties the cell."""
    if not words or value is None:
        return value
    key = word_key(value)
    for word, app_value in words.items():
        if word_key(word) == key:
            return app_value or None
    return value


def reads_as_is(field: Field, value, *, stage_words: dict[str, str] | None = None) -> bool:
    """Whether the importer reads the cell for `field` without a word mapping (parsing.parse_rag, parse_stage with
    the plan's own stage words, parse_percent_complete)."""
    try:
        if field == Field.RAG:
            parse_rag(value)
        elif field == Field.STAGE:
            parse_stage(value, words=stage_words)
        elif field == Field.PERCENT_COMPLETE:
            parse_percent_complete(value)
    except ParseError:
        return False
    return True
