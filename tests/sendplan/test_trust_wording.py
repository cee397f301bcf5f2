"""Words people read: no double full stop after a time, no command name for a programme manager to run, and the
workbook's RAG vocabulary as the import docs give it."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate
from actions.services import progress_update_save_draft
from workbooks.parsing import ParseError, parse_rag


def test_a_draft_saved_in_the_afternoon_reads_without_a_double_full_stop(client, world):
    action = world.alice_action
    progress_update_save_draft(
        action=action,
        period=world.period,
        rag="amber",
        progress="Half-written",
        by=world.alice,
        expected_version=action.version,
        submitted_at=timezone.make_aware(datetime(2026, 12, 4, 16, 44)),
    )
    assert ProgressUpdate.objects.get(action=action).is_draft
    client.force_login(world.alice)
    for url in (reverse("action-detail", args=[action.pk]), reverse("action-update", args=[action.pk])):
        page = client.get(url).content.decode()
        assert "on 4 December 2026 at 16:44. It is not part" in page
        assert ".." not in page.replace("...", "")


def test_opening_a_round_says_what_will_happen_not_which_command_to_run(client, world):
    client.force_login(world.manager)
    page = client.get(reverse("round-open", args=[world.closed_period.pk])).content.decode()
    assert "send_reminders" not in page
    assert "the reminder email sent each weekday morning" in page


def test_the_bad_rag_message_uses_the_words_the_import_docs_use():
    with pytest.raises(ParseError) as raised:
        parse_rag("Purple")
    assert "use Blue (or Completed), Green, Amber, Red or White (or Not started)" in str(raised.value)
    assert parse_rag("Completed") == "blue"
