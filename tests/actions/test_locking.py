"""Optimistic locking: a stale save is refused with who changed what, and nothing is overwritten."""

import pytest

from actions.locking import StaleEditError
from actions.models import Organisation, ProgressUpdate
from actions.services import progress_update_submit, record_save


def test_second_update_from_a_stale_form_is_refused_with_who_and_what(world):
    loaded_version = world.shared_action.version  # alice and bob both open the form
    progress_update_submit(
        action=world.shared_action,
        period=world.period,
        rag="amber",
        progress="Bob's progress",
        by=world.bob,
        expected_version=loaded_version,
    )
    world.shared_action.refresh_from_db()
    with pytest.raises(StaleEditError) as raised:
        progress_update_submit(
            action=world.shared_action,
            period=world.period,
            rag="green",
            progress="Alice's progress",
            impact="Alice's impact",
            by=world.alice,
            expected_version=loaded_version,
        )
    message = raised.value.message
    assert "Designated Clinical Officer (Bob Hale) changed" in message
    fields = {(c.object_label, c.field, c.new) for c in raised.value.changes}
    assert ("Action", "Current RAG", "Amber") in fields
    assert ("Update for Spring 2026", "Progress", "Bob's progress") in fields
    update = ProgressUpdate.objects.get(action=world.shared_action, period=world.period)
    assert (update.rag, update.progress) == ("amber", "Bob's progress")


def test_record_save_refuses_a_stale_version(world):
    org = Organisation.objects.get(name="Riverside ICB")
    org.short_name = "RICB"
    record_save(instance=org, expected_version=1, by=world.manager)
    stale = Organisation.objects.get(pk=org.pk)
    stale.short_name = "Other"
    with pytest.raises(StaleEditError) as raised:
        record_save(instance=stale, expected_version=1, by=world.alice)
    assert [(c.field, c.old, c.new) for c in raised.value.changes] == [("Short name", "(blank)", "RICB")]
    assert Organisation.objects.get(pk=org.pk).short_name == "RICB"
