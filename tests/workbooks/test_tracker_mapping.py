"""A tracker's confirmed mapping kept as JSON and used again for next term's file (workbooks/tracker/mapping.py)."""

import json
from dataclasses import dataclass
from datetime import date

import pytest

from workbooks.tracker.columns import Field, PeriodGuess, Proposal
from workbooks.tracker.mapping import Mapping, MappingError, mapping_from_json, mapping_json, proposals_for


@dataclass
class Row:
    number: int
    cells: list


@dataclass
class Table:
    sheet: str
    headers: list
    rows: list


def test_a_mapping_survives_its_json_as_written():
    mapping = Mapping(
        sheets={
            "Tracker": [
                Proposal("Lead Officer", Field.LEADS, "reads as leads"),
                Proposal(
                    "Update Jan 2025",
                    Field.PROGRESS,
                    "names a period",
                    PeriodGuess("January 2025", date(2025, 1, 1), date(2025, 1, 31)),
                ),
                Proposal("Dept", Field.OWN, "kept", label="Directorate"),
            ]
        },
        skip=["Key"],
    )
    again = mapping_from_json(json.loads(json.dumps(mapping_json(mapping))))
    assert again.skip == ["Key"]
    assert [(p.header, p.field, p.period, p.label) for p in again.sheets["Tracker"]] == [
        (p.header, p.field, p.period, p.label) for p in mapping.sheets["Tracker"]
    ]


def test_next_terms_file_keeps_each_headings_choice_and_proposes_its_new_column():
    saved = mapping_from_json(
        {"sheets": {"Tracker": [{"header": "Lead Officer", "field": "accountable"}, {"header": "Ref", "field": "ref"}]}}
    )
    next_term = Table("Tracker", ["Ref", "Update Jun 2025", "Lead officer", ""], [Row(3, ["1.1", "Done.", "X", None])])
    proposals = proposals_for(next_term, saved)
    assert [p.field for p in proposals] == [Field.REF, Field.PROGRESS, Field.ACCOUNTABLE, Field.LEAVE_OUT]
    assert proposals[1].period.name == "June 2025" and proposals[2].why == "as confirmed before"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], 'should be an object with "sheets"'),
        ({"sheets": {"T": "x"}}, "Sheet “T”: its columns should be a list."),
        ({"sheets": {"T": [{"header": "A"}]}}, 'Sheet “T”, column 1: give the column as {"header": ..., "field": ...}'),
        ({"sheets": {"T": [{"header": "A", "field": "colour"}]}}, "“colour” is not a field we know"),
        (
            {"sheets": {"T": [{"header": "A", "field": "progress", "period": {"name": "X", "start": "2025-13-01"}}]}},
            'the period needs a "name", a "start" and an "end"',
        ),
        (
            {
                "sheets": {
                    "T": [{"field": "progress", "period": {"name": "X", "start": "2025-02-01", "end": "2025-01-01"}}]
                }
            },
            "the period “X” ends before it starts",
        ),
    ],
)
def test_a_mapping_file_that_cannot_be_used_says_where_and_why(data, message):
    with pytest.raises(MappingError) as refused:
        mapping_from_json(data)
    assert message in str(refused.value)
