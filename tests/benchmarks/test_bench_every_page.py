"""Every page the bench measures answers 200 to the person it is measured as (pages.measure_pages refuses anything
else), on a small seeded plan: a page added to the bench that cannot be measured fails here, not in `make bench`."""

import pytest
from django.db import connection

from benchmarks.pages import PAGES, measure_pages
from benchmarks.seed import seed_bench

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the data-version triggers are PostgreSQL's"),
]


def test_every_bench_page_is_measured():
    timings = measure_pages(seed_bench(actions=6), runs=1, warmups=0)
    assert [t.label for t in timings] == [page.label for page in PAGES]
    assert all(t.queries > 0 and t.bytes > 0 for t in timings)
