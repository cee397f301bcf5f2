"""SQL queries and server time of the pages people open most, measured in-process with Django's test client.

Server time is Django's whole request/response cycle (middleware, session, view, queries, template) for one GET,
without a network or a WSGI server: the median of `runs` requests after `warmups`. The query count is read from
one more request under CaptureQueriesContext, apart from the timed ones so that capturing costs them nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benchmarks.seed import BenchPlan


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # "lead" (a SEND lead who leads the action) or "chair" (the board chair)
    url: Callable[[BenchPlan], str]


PAGES = [
    Page("My actions", "lead", lambda b: reverse("my-actions")),
    Page("Action list", "chair", lambda b: reverse("action-list")),
    Page("Plan", "chair", lambda b: reverse("plan-detail", args=[b.plan.slug])),
    Page("Area", "chair", lambda b: reverse("area-detail", args=[b.plan.areas.order_by("order").first().pk])),
    Page("Action detail", "lead", lambda b: reverse("action-detail", args=[b.lead_action.pk])),
    Page("Scorecard", "chair", lambda b: reverse("scorecard", args=[b.plan.slug])),
    Page("Risk register", "chair", lambda b: reverse("risk-register", args=[b.plan.slug])),
    Page("Dashboard", "chair", lambda b: reverse("dashboard", args=[b.plan.slug])),
]


@dataclass
class PageTiming:
    label: str
    url: str
    queries: int
    median_ms: float
    bytes: int


def measure_pages(bench: BenchPlan, *, runs: int = 15, warmups: int = 2) -> list[PageTiming]:
    clients = {"lead": _client(bench.lead), "chair": _client(bench.chair)}
    timings = []
    for page in PAGES:
        client, url = clients[page.who], page.url(bench)
        for _ in range(warmups):
            _get(client, url)
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, url)
        # Counted now: the next request empties the connection's query log.
        queries = len(captured.captured_queries)
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            _get(client, url)
            seconds.append(time.perf_counter() - started)
        timings.append(
            PageTiming(
                label=page.label,
                url=url,
                queries=queries,
                median_ms=statistics.median(seconds) * 1000,
                bytes=len(response.content),
            )
        )
    return timings


def _client(user) -> Client:
    # The test runner is not set up here (it would instrument template rendering): name an allowed host.
    client = Client(SERVER_NAME="localhost")
    client.force_login(user)
    return client


def _get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200: the benchmark measures nothing")
    return response
