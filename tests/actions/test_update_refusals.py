"""The update form of an action the user can read but not update answers 403 with the reason, never "Page not
found": not their action, a role that only reads, an action that takes no more updates, no open period."""

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate, ReportingPeriod


def update_url(action) -> str:
    return reverse("action-update", args=[action.pk])


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_lead_is_told_they_do_not_lead_the_action(client, world, method):
    client.force_login(world.bob)
    data = {"rag": "amber", "progress": "Not mine", "version": "1"}
    response = getattr(client, method)(update_url(world.alice_action), data if method == "post" else None)
    assert response.status_code == 403
    page = response.content.decode()
    assert "You do not lead action 1.1, so you cannot update it." in page
    assert "Its leads are: Head of SEND (Alice Moreno)." in page
    assert not ProgressUpdate.objects.exists()


def test_a_completed_action_says_it_takes_no_more_updates(client, world):
    Action.objects.filter(pk=world.alice_action.pk).update(status=Action.Status.COMPLETED, completed_on="2026-01-05")
    client.force_login(world.alice)
    response = client.get(update_url(world.alice_action))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Action 1.1 is completed, so it takes no more updates." in page
    assert f'href="{world.alice_action.get_absolute_url()}">Back to action 1.1' in page


def test_a_plan_with_no_open_period_says_so(client, world):
    ReportingPeriod.objects.filter(pk=world.period.pk).update(status=ReportingPeriod.Status.CLOSED)
    client.force_login(world.alice)
    response = client.post(update_url(world.alice_action), {"rag": "amber", "progress": "Words", "version": "1"})
    assert response.status_code == 403
    assert "has no open reporting period, so there is nothing to update yet." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_missing_action_is_still_not_found(client, world):
    client.force_login(world.bob)
    assert client.get(reverse("action-update", args=[999999])).status_code == 404
