"""Submitted updates of closed periods are the record: nothing in the admin deletes them, neither directly nor by
deleting the action, area or plan they belong to (one record or several from the list)."""

import pytest
from django.urls import reverse

from actions.models import Action, AreaOfWeakness, Plan, ProgressUpdate
from tests import factories


@pytest.fixture
def on_record(world):
    """Alice's update for the closed period: the record of that term."""
    return ProgressUpdate.objects.create(
        action=world.alice_action,
        period=world.closed_period,
        status=ProgressUpdate.Status.SUBMITTED,
        rag="amber",
        progress="Panel dates agreed with schools.",
    )


def test_the_admin_offers_no_delete_of_a_progress_update(client, world, on_record):
    client.force_login(world.manager)
    url = reverse("admin:actions_progressupdate_delete", args=[on_record.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:actions_progressupdate_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    bulk = client.post(
        reverse("admin:actions_progressupdate_changelist"),
        {"action": "delete_selected", "_selected_action": [on_record.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert ProgressUpdate.objects.filter(pk=on_record.pk).exists()


def test_deleting_the_action_in_the_admin_is_refused_and_says_why(client, world, on_record):
    client.force_login(world.manager)
    url = reverse("admin:actions_action_delete", args=[world.alice_action.pk])
    confirm = client.get(url)
    assert "submitted for a closed period, so it is the record and cannot be deleted" in confirm.content.decode()
    client.post(url, {"post": "yes"})
    assert Action.objects.filter(pk=world.alice_action.pk).exists()
    assert ProgressUpdate.objects.filter(pk=on_record.pk).exists()


@pytest.mark.parametrize(
    ("model", "record"), [("action", "alice_action"), ("areaofweakness", "area"), ("plan", "plan")]
)
def test_bulk_deletes_from_the_list_keep_the_record(client, world, on_record, model, record):
    client.force_login(world.manager)
    target = getattr(world, record)
    client.post(
        reverse(f"admin:actions_{model}_changelist"),
        {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"},
    )
    assert type(target).objects.filter(pk=target.pk).exists()
    assert ProgressUpdate.objects.filter(pk=on_record.pk).exists()


def test_an_action_with_no_record_can_still_be_deleted(client, world, on_record):
    spare = factories.make_action(world.area, "1.9", [world.head_of_send])
    client.force_login(world.manager)
    assert client.post(reverse("admin:actions_action_delete", args=[spare.pk]), {"post": "yes"}).status_code == 302
    assert not Action.objects.filter(pk=spare.pk).exists()
    assert Plan.objects.filter(pk=world.plan.pk).exists() and AreaOfWeakness.objects.filter(pk=world.area.pk).exists()


def test_an_action_whose_updates_are_not_yet_the_record_can_be_deleted(client, world):
    """A draft, or an update of the open period, goes with its action."""
    spare = factories.make_action(world.area, "1.9", [world.head_of_send])
    ProgressUpdate.objects.create(action=spare, period=world.period, status=ProgressUpdate.Status.DRAFT, rag="")
    client.force_login(world.manager)
    assert client.post(reverse("admin:actions_action_delete", args=[spare.pk]), {"post": "yes"}).status_code == 302
    assert not ProgressUpdate.objects.filter(action_id=spare.pk).exists()
