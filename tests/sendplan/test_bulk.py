"""Many rows' fields written in one UPDATE a batch (sendplan/bulk.py): what Django's bulk_update writes, every type."""

from datetime import date

import pytest

from actions.models import Action, ProgressUpdate
from sendplan.bulk import bulk_update_rows

pytestmark = pytest.mark.django_db


def test_rows_are_written_as_djangos_bulk_update_writes_them_nulls_and_every_type_included(world):
    actions = list(Action.objects.order_by("pk")[:2])
    assert len(actions) == 2
    first, second = actions
    first.text, first.due_date, first.percent_complete, first.current_rag = "Reworded, with 'quotes'", None, 40, "red"
    second.text, second.due_date, second.percent_complete, second.current_rag = "Second", date(2026, 3, 31), None, ""
    fields = ["text", "due_date", "percent_complete", "current_rag"]
    bulk_update_rows(Action, actions, fields)
    stored = {a.pk: [getattr(a, f) for f in fields] for a in Action.objects.filter(pk__in=[first.pk, second.pk])}
    assert stored == {
        first.pk: ["Reworded, with 'quotes'", None, 40, "red"],
        second.pk: ["Second", date(2026, 3, 31), None, ""],
    }


def test_a_batch_is_one_update(world, django_assert_num_queries):
    updates = [
        ProgressUpdate.objects.create(action=action, period=world.period, status="draft", progress=f"Draft {n}")
        for n, action in enumerate([world.alice_action, world.bob_action, world.shared_action])
    ]
    for update in updates:
        update.progress = f"{update.progress} (revised)"
        update.submitted_by_officer = world.dco
    with django_assert_num_queries(1):
        bulk_update_rows(ProgressUpdate, updates, ["progress", "submitted_by_officer"])
    stored = ProgressUpdate.objects.filter(pk__in=[u.pk for u in updates])
    assert sorted(stored.values_list("progress", "submitted_by_officer")) == [
        (f"Draft {n} (revised)", world.dco.pk) for n in range(3)
    ]


def test_nothing_to_write_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        bulk_update_rows(Action, [], ["text"])
