"""The action list filters on stage and its CSV carries the stage, percentage complete and completion date, in each
plan's own words."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action
from tests.actions.test_action_list import Listing, csv_rows, shown_refs

DONE = date(2026, 1, 20)


@pytest.fixture
def staged(world):
    listing = Listing(world)
    Action.objects.filter(pk=listing.a11.pk).update(stage="in_progress", percent_complete=40)
    Action.objects.filter(pk=listing.a12.pk).update(stage="complete", percent_complete=100, completed_on=DONE)
    Action.objects.filter(pk=listing.a21.pk).update(stage="complete")
    Action.objects.filter(pk=listing.h1.pk).update(stage="not_started", percent_complete=0)
    listing.p1.stage_complete_label = "Delivered"
    listing.p1.save()
    return listing


@pytest.fixture
def chair_client(client, world):
    client.force_login(world.chair)
    return client


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("complete", {"1.2", "2.1"}),
        ("in_progress", {"1.1"}),
        ("not_started", {"H.1"}),
        ("closed", set()),
        ("none", {"1.3", "1.4", "2.2"}),
    ],
)
def test_the_stage_filter_returns_exactly_the_actions_at_that_stage(chair_client, staged, stage, expected):
    assert set(shown_refs(chair_client, stage=stage)) == expected


def test_an_unknown_stage_is_reported_not_applied(chair_client, staged):
    response = chair_client.get(reverse("action-list"), {"stage": "finished"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(response.context["page"].object_list) == 7


def test_complete_but_green_shows_both_in_the_list_and_the_csv(chair_client, staged):
    html = chair_client.get(reverse("action-list"), {"stage": "complete", "rag": "green"}).content.decode()
    row = html.split('<td class="govuk-table__cell">1.2</td>', 1)[1].split("</tr>", 1)[0]
    assert ">Green</strong>" in row and "Delivered" in row and "100% complete" in row

    _, rows = csv_rows(chair_client)
    by_ref = {row["Ref"]: row for row in rows}
    assert [by_ref["1.2"][k] for k in ("RAG", "Stage", "Percentage complete", "Completion date")] == [
        "Green",
        "Delivered",
        "100",
        DONE.isoformat(),
    ]
    assert [by_ref["1.1"][k] for k in ("Stage", "Percentage complete", "Completion date")] == ["In progress", "40", ""]
    assert [by_ref["H.1"][k] for k in ("Stage", "Percentage complete")] == ["Not started", "0"]
    assert [by_ref["1.3"][k] for k in ("Stage", "Percentage complete")] == ["", ""]
