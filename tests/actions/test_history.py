"""Every change is recorded with the user who made it, and the History tab reads it back field by field."""

from actions.selectors import action_history
from actions.services import progress_update_submit


def test_history_records_user_field_old_and_new(world):
    action = world.alice_action
    progress_update_submit(
        action=action,
        period=world.period,
        rag="amber",
        progress="Started",
        by=world.alice,
        expected_version=action.version,
    )
    action.refresh_from_db()
    progress_update_submit(
        action=action,
        period=world.period,
        rag="green",
        progress="Panel running",
        impact="Decisions in 6 weeks",
        by=world.alice,
        expected_version=action.version,
    )
    record = action.history.latest()
    assert record.history_user == world.alice
    changes = action_history(action)
    rag_changes = [c for c in changes if c.object_label == "Action" and c.field == "Current RAG"]
    assert [(c.old, c.new, c.who) for c in rag_changes] == [
        ("Amber", "Green", "Head of SEND (Alice Moreno)"),
        ("(blank)", "Amber", "Head of SEND (Alice Moreno)"),
    ]
    progress = [c for c in changes if c.object_label == "Update for Spring 2026" and c.field == "Progress"]
    assert (progress[0].old, progress[0].new) == ("Started", "Panel running")
