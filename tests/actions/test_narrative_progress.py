"""Progress without a rating: a plan whose key publishes no ratings takes dated narrative entries, each with its
date and author, and a plan brought in from elsewhere keeps its unrated historical entries; new updates in a
rated plan still need their rating."""

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, Plan, ProgressUpdate
from actions.services import progress_update_submit
from actions.snapshot import plan_snapshot
from reports.content import report_content
from reports.rendering import render_body
from tests.workbook_builders import workbook
from tests.workbooks.test_workbook_stage import load_cells
from workbooks import exporter
from workbooks.importer import import_workbook


def submit(world, **fields):
    action = world.alice_action
    action.refresh_from_db()
    return progress_update_submit(
        action=action, period=world.period, by=world.alice, expected_version=action.version, **fields
    )


@pytest.fixture
def narrative(world):
    world.plan.publishes_ratings = False
    world.plan.save()
    return world


def test_a_rated_plan_still_needs_a_rating_for_a_new_update(world):
    with pytest.raises(ValidationError) as raised:
        submit(world, rag="", progress="Panel dates agreed.")
    assert raised.value.message_dict["rag"] == ["Select a RAG rating."]


def test_a_plan_without_ratings_takes_a_dated_narrative_entry_by_its_author(narrative):
    entry = submit(narrative, rag="", progress="Panel dates agreed with schools (March 2026).")
    assert (entry.rag, entry.submitted_by_officer, entry.status) == ("", narrative.head_of_send, "submitted")
    assert entry.submitted_at is not None
    assert Action.objects.get(pk=narrative.alice_action.pk).current_rag == ""


def test_a_narrative_entry_needs_its_words_and_a_plan_without_ratings_takes_none(narrative):
    with pytest.raises(ValidationError) as raised:
        submit(narrative, rag="", progress="  ")
    assert "with no rating, the entry is its dated narrative" in raised.value.message_dict["progress"][0]
    with pytest.raises(ValidationError) as raised:
        submit(narrative, rag="green", progress="Going well.", impact="Families notice.")
    assert "publishes no RAG ratings" in raised.value.message_dict["rag"][0]


def test_the_form_of_a_plan_without_ratings_asks_for_no_rating_and_the_page_shows_the_entry(client, narrative):
    client.force_login(narrative.alice)
    url = reverse("action-update", args=[narrative.alice_action.pk])
    page = client.get(url).content.decode()
    assert 'name="rag"' not in page and "publishes no RAG ratings" in page
    refused = client.post(url, {"progress": "", "stage": "in_progress", "percent_complete": "30", "version": 1})
    assert refused.status_code == 400
    assert refused.context["form"]["percent_complete"].value() == "30"
    response = client.post(url, {"progress": "Panel dates agreed (March 2026).", "stage": "in_progress", "version": 1})
    assert response.status_code == 302
    detail = client.get(reverse("action-detail", args=[narrative.alice_action.pk])).content.decode()
    assert "Current rating" not in detail and ">Narrative</strong>" in detail
    assert "Panel dates agreed (March 2026)." in detail and "Head of SEND (Alice Moreno)" in detail


TRACKER_PLAN = [
    ["field", "value"],
    ["local area", "Northgate"],
    ["title", "SEND Improvement Plan"],
    ["type", "improvement plan"],
    ["start date", "01/09/2024"],
    ["publishes ratings", "no"],
]


def narrative_tracker() -> io.BytesIO:
    """A published plan with no RAG: each action's status a dated narrative, appended term by term."""
    return workbook(
        {
            "Plan": TRACKER_PLAN,
            "Areas": [["Ref", "Title"], ["1", "Identification of need"]],
            "Actions": [
                ["Area", "Ref", "Action", "Lead", "Due"],
                ["1", "1.1", "Publish the graduated approach", "Head of Inclusion (Dana Pike)", "Dec 25"],
            ],
            "Updates": [
                ["Action", "Period", "Progress", "By", "Submitted on"],
                ["1.1", "October 2025", "Guidance drafted with SENCOs.", "Head of Inclusion (Dana Pike)", "20/10/2025"],
                ["1.1", "March 2025", "Working group formed.", "SEND Manager (Lee Hart)", "14/03/2025"],
            ],
        }
    )


def test_appended_dated_entries_are_kept_in_order_each_with_its_date_and_author(db, world):
    result = import_workbook(narrative_tracker(), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    plan = Plan.objects.get(local_area="Northgate")
    assert plan.publishes_ratings is False
    entries = ProgressUpdate.objects.filter(action__area__plan=plan).order_by("period__start")
    assert [
        (e.period.name, e.rag, e.progress, str(e.submitted_by_officer), e.submitted_at.date()) for e in entries
    ] == [
        ("March 2025", "", "Working group formed.", "SEND Manager (Lee Hart)", date(2025, 3, 14)),
        ("October 2025", "", "Guidance drafted with SENCOs.", "Head of Inclusion (Dana Pike)", date(2025, 10, 20)),
    ]
    # Exported and imported into an empty database, the same workbook, cell for cell.
    first = exporter.export_workbook(plan)
    ProgressUpdate.objects.all().delete()
    Plan.objects.all().delete()
    again = import_workbook(io.BytesIO(first), by=world.manager, dry_run=False)
    assert again.ok, [str(p) for p in again.problems]
    assert load_cells(exporter.export_workbook(Plan.objects.get(local_area="Northgate"))) == load_cells(first)


def test_the_report_of_a_plan_without_ratings_gives_dated_narrative(db, world):
    import_workbook(narrative_tracker(), by=world.manager, dry_run=False)
    plan = Plan.objects.get(local_area="Northgate")
    html = render_body(report_content(plan, plan.periods.get(name="October 2025")), draft=True)
    assert "How we report progress" in html and "publishes no RAG ratings" in html
    assert "The ratings used in this report" not in html
    assert "Entry of 20 October 2025" in html and "Guidance drafted with SENCOs." in html


def test_imported_history_without_ratings_in_a_rated_plan_leaves_the_rating_as_it_was(world):
    """History from elsewhere: an unrated entry after a rating keeps the rating (the dashboard and the report read
    the latest rating given), and it shows as the term's narrative."""
    sheets = {
        "Plan": [["field", "value"], ["slug", world.plan.slug], *TRACKER_PLAN[1:5]],
        "Areas": [["Ref", "Title"], ["1", "Timeliness"]],
        "Actions": [
            ["Area", "Ref", "Action", "Lead", "Due"],
            ["1", "1.1", "Act", "Head of SEND (Alice Moreno)", "ongoing"],
        ],
        "Updates": [
            ["Action", "Period", "RAG", "Progress", "Impact"],
            ["1.1", "Autumn 2025", "Green", "Started.", "Families notice."],
            ["1.1", "Spring 2026", "", "Narrative from the old tracker.", ""],
        ],
    }
    result = import_workbook(workbook(sheets), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    action = Action.objects.get(pk=world.alice_action.pk)
    assert action.current_rag == "green"
    snapshot = plan_snapshot(world.plan, period=world.period)
    assert snapshot.rating[action.pk] == "green"
    assert snapshot.ratings.upto(action.pk, world.period).progress == "Narrative from the old tracker."


def test_completed_in_a_plan_without_ratings_is_the_stage_complete_and_no_rating(db, world):
    sheets = {
        "Plan": TRACKER_PLAN,
        "Areas": [["Ref", "Title"], ["1", "Identification of need"]],
        "Actions": [
            ["Area", "Ref", "Action", "Lead", "Due"],
            ["1", "1.1", "Publish it", "Head of Inclusion", "Dec 25"],
        ],
        "Updates": [["Action", "Period", "RAG", "Progress"], ["1.1", "December 2025", "Completed", "Published."]],
    }
    result = import_workbook(workbook(sheets), by=world.manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems]
    entry = ProgressUpdate.objects.get(action__ref="1.1", action__area__plan__local_area="Northgate")
    assert (entry.rag, entry.stage, entry.completion_date) == ("", "complete", date(2025, 12, 31))
    action = entry.action
    assert (action.current_rag, action.stage, action.status) == ("", "complete", "open")
