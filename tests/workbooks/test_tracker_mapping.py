"""A tracker's confirmed mapping kept as JSON and used again for next term's file (workbooks/tracker/mapping.py)."""

import io
import json
from dataclasses import dataclass
from datetime import date

import pytest

from tests.workbooks import tracker_builders
from workbooks.parsing import stage_words
from workbooks.tracker.columns import Field, PeriodGuess, Proposal, word_choices
from workbooks.tracker.mapping import (
    Mapping,
    MappingError,
    mapping_from_json,
    mapping_json,
    proposals_for,
    unread_words,
)
from workbooks.tracker.tables import read_tracker


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


def test_a_mappings_words_survive_its_json():
    mapping = Mapping(words={Field.RAG: {"On track": "green", "n/a": ""}, Field.STAGE: {"Delivering": "in_progress"}})
    data = json.loads(json.dumps(mapping_json(mapping)))
    assert data["words"] == {"rag": {"On track": "green", "n/a": ""}, "stage": {"Delivering": "in_progress"}}
    assert mapping_from_json(data).words == mapping.words


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["On track"], '"words" should be an object'),
        ({"due": {"Soon": "2025-03-31"}}, "Words for “due”: words are given only for rag, stage, percent_complete."),
        ({"rag": "green"}, "Words for “rag”: give each word and the app's value"),
        ({"rag": {"On track": "greenish"}}, "Words for “rag”: “On track” is given “greenish”, which is not one of"),
        ({"percent_complete": {"1": "1000"}}, "“1” is given “1000”, which is not one of 0, 1, 10"),
    ],
)
def test_words_in_a_mapping_file_that_cannot_be_used_say_which_and_why(words, message):
    with pytest.raises(MappingError) as refused:
        mapping_from_json({"sheets": {}, "words": words})
    assert message in str(refused.value)


def test_unread_words_lists_each_word_the_importer_cannot_read_once_as_first_written():
    # The % complete column holds Excel fractions (0.5, 1), so its 1 reads as 100% and is not asked about.
    tables = read_tracker(io.BytesIO(tracker_builders.directorate_tracker().data), filename="d.xlsx").tables
    assert unread_words(tables, None) == {Field.RAG: ["On track", "Off track"]}


def test_unread_words_leaves_out_the_words_the_mapping_gives_a_value_and_the_plans_own_stage_words():
    tables = read_tracker(io.BytesIO(tracker_builders.per_area_tracker().data), filename="p.xlsx").tables
    assert unread_words(tables, None) == {Field.STAGE: ["Delivering"]}
    mapping = Mapping(words={Field.STAGE: {"Delivering": "in_progress"}})
    assert unread_words(tables, mapping) == {}
    assert unread_words(tables, None, stage_words=stage_words({"in_progress": "Delivering"})) == {}


def test_the_choices_for_a_word_are_the_apps_values_with_leaving_it_empty_first():
    assert word_choices(Field.RAG)[0] == ("", "Not rated")
    assert [value for value, _label in word_choices(Field.RAG)][1:] == ["blue", "green", "amber", "red", "white"]
    assert [value for value, _ in word_choices(Field.STAGE)][1:] == ["not_started", "in_progress", "complete", "closed"]
    assert ("100", "100%") in word_choices(Field.PERCENT_COMPLETE)
    assert word_choices(Field.LEADS) == []
