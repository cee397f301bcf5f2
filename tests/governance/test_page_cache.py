"""The board dashboard's cached body (sendplan.page_cache) and the data-version token it is keyed on
(actions.data_version): a board member never sees a dashboard older than the data, however the data was written.

These tests commit (transaction=True): the token changes when a writing transaction commits, and a test's usual
rolled-back transaction never does. The cache is on here as in production; the rest of the suite runs without it.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.data_version import TRIGGER, current_token, data_tables, install_triggers
from actions.models import Action, DataVersion, Officer, Rag
from actions.services import progress_update_submit
from governance import dashboard, views
from governance.dashboard import plan_dashboard

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the data-version triggers are PostgreSQL's"),
]

PRODUCTION_PAGES_CACHE = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "test-pages",
}


@pytest.fixture
def page_cache():
    with override_settings(CACHES={**settings.CACHES, "pages": PRODUCTION_PAGES_CACHE}):
        from django.core.cache import caches

        caches["pages"].clear()
        yield caches["pages"]


@pytest.fixture
def builds(monkeypatch):
    """How many times the dashboard was computed, rather than read from the cache."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return plan_dashboard(*args, **kwargs)

    monkeypatch.setattr(dashboard, "plan_dashboard", counted)
    return calls


def _triggered_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s", [TRIGGER])
        return {name.strip('"') for (name,) in cursor.fetchall()}


def _submit(world, action, rag, **words):
    action.refresh_from_db()
    return progress_update_submit(
        action=action,
        period=world.period,
        rag=rag,
        progress=words.pop("progress", "Caseworkers recruited."),
        by=world.alice,
        expected_version=action.version,
        **words,
    )


def test_every_data_table_has_the_trigger_and_every_table_the_dashboard_reads_is_one(world):
    assert set(data_tables()) <= _triggered_tables()
    assert install_triggers() == []  # after migrate, nothing left to install
    # Every table read in building the cached body, found in the SQL: a table without the trigger (a new kind of
    # data, or an app missing from DATA_APPS) could change without the cache noticing.
    with CaptureQueriesContext(connection) as captured:
        render_to_string("governance/_dashboard_body.html", {"plan": world.plan, "board": plan_dashboard(world.plan)})
    read = {table for query in captured for table in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])}
    assert {"actions_historicalaction", "actions_historicalprogressupdate", "risks_risk"} <= read
    assert read <= _triggered_tables()


def test_the_token_changes_when_a_write_commits_and_not_before_nor_after_a_rollback(world):
    before = current_token()
    with transaction.atomic():
        Action.objects.filter(pk=world.alice_action.pk).update(text="Reworded in bulk")
        assert current_token() == before  # deferred to the commit: no new token for data not yet visible
    after_update = current_token()
    assert after_update not in (None, before)

    with transaction.atomic():
        Action.objects.filter(pk=world.alice_action.pk).update(text="Never committed")
        transaction.set_rollback(True)
    assert current_token() == after_update

    # Many rows in one transaction: one new token (the row is written once per transaction, not per row).
    with transaction.atomic():
        for action in Action.objects.all():
            action.save()
        assert DataVersion.objects.get().token == after_update
    assert current_token() != after_update


def test_the_dashboard_is_built_once_then_served_from_the_cache_until_an_update_is_submitted(
    client, world, page_cache, builds, django_assert_num_queries
):
    client.force_login(world.chair)
    url = reverse("dashboard", args=[world.plan.slug])
    first = client.get(url).content.decode()
    # Session, user, roles, plan, token (read once for the body and the filters, both cached): nothing of the
    # dashboard, nor the filter form's areas and organisations.
    with django_assert_num_queries(5):
        again = client.get(url).content.decode()
    assert len(builds) == 1
    assert (
        again.split("As it stands now")[1].split("</p>", 1)[1] == first.split("As it stands now")[1].split("</p>", 1)[1]
    )
    assert "No action is rated Red." in again

    _submit(world, world.shared_action, Rag.RED, recovery_note="Two more caseworkers start in May.")
    page = client.get(url).content.decode()
    assert len(builds) == 2
    assert "Two more caseworkers start in May." in page
    assert "No action is rated Red." not in page


def test_a_bulk_update_that_bypasses_the_models_still_reaches_the_dashboard(client, world, page_cache, builds):
    _submit(world, world.shared_action, Rag.RED, recovery_note="Recruiting.")
    client.force_login(world.chair)
    url = reverse("dashboard", args=[world.plan.slug])
    assert "Designated Clinical Officer for SEND" not in client.get(url).content.decode()
    # No save(), no signal, no history row: only the trigger sees it. (The Red action's leads are read as they are.)
    Officer.objects.filter(pk=world.dco.pk).update(post_title="Designated Clinical Officer for SEND")
    assert "Designated Clinical Officer for SEND" in client.get(url).content.decode()
    assert len(builds) == 2


def test_each_filter_and_each_day_has_its_own_entry(client, world, page_cache, builds, monkeypatch):
    client.force_login(world.chair)
    url = reverse("dashboard", args=[world.plan.slug])
    client.get(url)
    client.get(url, {"area": world.area.pk})
    client.get(url, {"area": world.area.pk})
    assert len(builds) == 2
    # Tomorrow, with no data changed: built again, since what is overdue or due soon moves with the date.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(views.timezone, "localdate", lambda *args, **kwargs: tomorrow)
    client.get(url)
    assert len(builds) == 3


def test_nothing_is_cached_before_any_data_version_exists(client, world, page_cache, builds):
    DataVersion.objects.all().delete()  # as after a flush: the triggers write the row again on the next commit
    assert current_token() is None
    client.force_login(world.chair)
    url = reverse("dashboard", args=[world.plan.slug])
    client.get(url)
    client.get(url)
    assert len(builds) == 2
