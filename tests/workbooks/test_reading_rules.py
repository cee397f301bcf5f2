"""The rules of reading of issue 18, through the importer: what a tracker's cells become and what the preview says
about them. The pure readings are in test_parsing.py; here, that the importer keeps the wording, uses the date read,
and locates each assumption by the tracker's own sheet, row, column and value."""

import dataclasses
from datetime import date

import pytest

from actions.models import Action
from tests.workbooks.test_tracker_import import FACTS, bring_in, mapped, tracker
from workbooks.importer import import_workbook
from workbooks.tracker.columns import PeriodGuess
from workbooks.tracker.translate import tracker_workbook

pytestmark = pytest.mark.django_db


def test_terms_and_years_are_due_on_their_last_day_and_the_preview_says_what_was_assumed(world):
    table = tracker(
        (5, ["1.1", "1. Timeliness", "Recruit coordinators", "Head of SEND", "Summer 2025", "50%", "In progress",
             None, None, ""]),
        (6, ["1.2", "1. Timeliness", "Weekly panel", "Head of SEND", "2023-24", "10%", "In progress", None, None, ""]),
        (7, ["1.3", "1. Timeliness", "Joint plan", "Head of SEND", "Q3 2024/25", "0%", "Not started", None, None, ""]),
        (8, ["1.4", "1. Timeliness", "Audit", "Head of SEND", "end of 2024", "0%", "Not started", None, None, ""]),
    )  # fmt: skip
    result = bring_in(world.manager, table)
    assert result.ok, [str(p) for p in result.problems]
    dues = {a.ref: (a.due_label, a.due_date) for a in Action.objects.filter(area__plan__local_area="Northmoor")}
    assert dues == {
        "1.1": ("Summer 2025", date(2025, 8, 31)),
        "1.2": ("2023-24", date(2024, 8, 31)),
        "1.3": ("Q3 2024/25", date(2024, 12, 31)),
        "1.4": ("end of 2024", date(2024, 12, 31)),
    }
    assumed = [w for w in result.warnings if "read as" in w]
    assert assumed == [
        "WSoA tracker row 5, column Target Date: “Summer 2025” read as 31 August 2025, the end of the summer term "
        "2025 as the app counts terms (April to August): write a month if you meant otherwise.",
        "WSoA tracker row 6, column Target Date: “2023-24” read as 31 August 2024, the end of the school year "
        "2023-24: write a month if you meant otherwise (the financial year 2023-24 ends on 31 March 2024).",
    ]


def test_a_due_date_that_still_cannot_be_read_is_a_located_problem(world):
    table = tracker(
        (5, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "Winter 2025", "50%", "In progress", None, None, ""]),
    )  # fmt: skip
    result = bring_in(world.manager, table)
    assert not result.ok
    shown = [str(p) for p in result.problems]
    assert any("row 5" in p and "Target Date" in p and "Winter 2025" in p and "Summer term 2025" in p for p in shown)


def leads_of(ref: str) -> list[tuple[str, str, str]]:
    action = Action.objects.get(area__plan__local_area="Northmoor", ref=ref)
    return sorted((o.post_title, o.person_name, o.organisation.name) for o in action.leads.all())


def test_leads_teams_organisations_and_placeholders(world):
    table = tracker(
        (5, ["1.1", "1. Timeliness", "Panel", "Inclusion & SEND Delivery Group", "March 2025", "0%", "Not started",
             None, None, ""]),
        (6, ["1.2", "1. Timeliness", "Audit", "Head of SEND & Inclusion (Ana Ruiz); ICB", "March 2025", "0%",
             "Not started", None, None, ""]),
        (7, ["1.3", "1. Timeliness", "Review", "Post vacant", "March 2025", "0%", "Not started", None, None, ""]),
        (8, ["1.4", "1. Timeliness", "Plan", "Designated Clinical Officer, ICB", "March 2025", "0%", "Not started",
             None, None, ""]),
    )  # fmt: skip
    result = bring_in(world.manager, table)
    assert result.ok, [str(p) for p in result.problems]
    assert leads_of("1.1") == [("Inclusion & SEND Delivery Group", "", "Northmoor")]
    assert leads_of("1.2") == [("Head of SEND & Inclusion", "Ana Ruiz", "Northmoor"), ("ICB lead", "", "ICB")]
    assert leads_of("1.3") == []
    assert leads_of("1.4") == [("Designated Clinical Officer", "", "ICB")]
    assert any(w.startswith("WSoA tracker row 7, column Lead Officer: “Post vacant” is a placeholder") for w in
               result.warnings)  # fmt: skip
    assert any("“ICB”, named with a post, is not an organisation this plan knows" in w for w in result.warnings)


COMPLETION_HEADERS = ["Ref", "Area", "Action", "Lead Officer", "Target Date", "RAG Status", "Date completed",
                      "Latest update"]  # fmt: skip
SPRING_ROUND = PeriodGuess("March 2025", date(2025, 3, 1), date(2025, 3, 31))


def test_completed_in_the_rag_column_completes_the_action_on_the_rows_date_or_says_it_had_none(world):
    table = tracker(
        (5, ["1.1", "1. Timeliness", "Recruit", "Head of SEND", "March 2025", "Completed", "14/02/2025", "Done."]),
        (6, ["1.2", "1. Timeliness", "Panel", "Head of SEND", "March 2025", "Complete", None, "Running."]),
        (7, ["1.3", "1. Timeliness", "Audit", "Head of SEND", "March 2025", "g", None, "On track."]),
        headers=COMPLETION_HEADERS,
    )
    # The RAG column reports the round named on the mapping page.
    facts = dataclasses.replace(FACTS, current_period=SPRING_ROUND)
    workbook = tracker_workbook([table], mapped(table), facts)
    result = import_workbook(None, by=world.manager, dry_run=False, workbook=workbook)
    assert result.ok, [str(p) for p in result.problems]
    actions = {a.ref: a for a in Action.objects.filter(area__plan__local_area="Northmoor")}
    assert (actions["1.1"].stage, actions["1.1"].completed_on) == ("complete", date(2025, 2, 14))
    assert (actions["1.2"].stage, actions["1.2"].completed_on) == ("complete", date(2025, 3, 31))
    assert actions["1.3"].completed_on is None and actions["1.3"].current_rag == "green"
    undated = [w for w in result.warnings if "no completion date was given" in w]
    assert undated == [
        "WSoA tracker row 6, column RAG Status: “Complete” completes 1.2 but no completion date was given, so it is "
        "recorded as completed on 31 March 2025, the end of March 2025: give the date it was completed if you know it."
    ]
