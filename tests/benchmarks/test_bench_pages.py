"""The bench's "first view after a change" rows (benchmarks/pages.py) measure what they say: after a committed
change, the production settings' page warmers run (the test settings queue none) and the dashboard and the scorecard
are then read from the shared table, not built in the request. Commits: the cache is keyed on the data-version token,
which changes only when a write commits."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from benchmarks.pages import _change_then_warm, _client
from benchmarks.seed import seed_bench
from governance import dashboard
from kpis import selectors
from sendplan import settings as production_settings

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the data-version triggers are PostgreSQL's"),
]


def test_the_first_view_after_a_change_reads_what_the_production_warmers_built(monkeypatch):
    bench = seed_bench(actions=3)
    with override_settings(CACHES=production_settings.CACHES):
        call_command("createcachetable", verbosity=0)
        caches["pages"].clear()
        caches["pages_shared"].clear()
        _change_then_warm(bench)
        monkeypatch.setattr(dashboard, "plan_dashboard", lambda *a, **k: pytest.fail("dashboard built in the request"))
        monkeypatch.setattr(selectors, "scorecard", lambda *a, **k: pytest.fail("scorecard built in the request"))
        client = _client(bench.chair)
        for name in ("dashboard", "scorecard"):
            assert client.get(reverse(name, args=[bench.plan.slug])).status_code == 200
