"""SQL queries and server time of the pages people open most, measured in-process with Django's test client.

Server time is Django's whole request/response cycle (middleware, session, view, queries, template) for one GET,
without a network or a WSGI server: the median of `runs` requests after `warmups`. The query count is read from
one more request under CaptureQueriesContext, apart from the timed ones so that capturing costs them nothing.

The first page is the floor (benchmarks/views.py): signed in, through the same middleware, one query of its own and
the base layout around a sentence. Every page's median is also given as a multiple of the floor's, which takes out
most of the machine's speed of the hour. The floor is served by the benchmarks' own URLconf (benchmarks/urls.py),
switched to while pages are measured, so no server's URLconf ever routes to it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.module_loading import import_string

from benchmarks.seed import BenchPlan
from sendplan import settings as production_settings


@dataclass(frozen=True)
class Page:
    label: str
    who: str  # "lead" (a SEND lead who leads the action), "chair" (the board chair) or "manager" (programme manager)
    url: Callable[[BenchPlan], str]
    # Run before each request, untimed: a change to the data, or the page cache emptied.
    before_each: Callable[[BenchPlan], None] | None = None
    # Run once before the page is measured, in a transaction rolled back after it: the data the page needs that the
    # seeded plan does not hold, undone so that no other measurement sees it.
    prepare: Callable[[BenchPlan], None] | None = None


def _empty_page_cache(bench: BenchPlan) -> None:
    """As if nobody had opened the page since the last change and no worker had built it: both levels emptied."""
    caches["pages"].clear()
    caches["pages_shared"].clear()


def _change_then_warm(bench: BenchPlan) -> None:
    """A change to plan data (committed: the data-version token moves, so every cached part is out of date), then
    what the worker does after it (the production settings' SENDPLAN_PAGE_WARMERS: the dashboards and scorecards,
    run here in-process; the test settings queue none), then this process's own memory emptied: an app process
    that has not built the page itself, reading what the worker built."""
    from actions.data_version import current_token
    from actions.models import AreaOfWeakness

    area = AreaOfWeakness.objects.filter(plan=bench.plan).order_by("order").first()
    area.save(update_fields=["title"])
    for warmer in production_settings.SENDPLAN_PAGE_WARMERS:
        import_string(warmer).call(current_token())
    caches["pages"].clear()


def _nothing(bench: BenchPlan) -> None:
    pass


def _first_area(bench: BenchPlan):
    return bench.plan.areas.order_by("order").first()


def _round_half_done(bench: BenchPlan) -> None:
    """The seeded plan has every action updated in the open period: take back the lead's updates to every other
    action, so that their round is half done, as in the middle of a round."""
    from actions.models import ProgressUpdate
    from actions.permissions import writable_actions

    actions = writable_actions(bench.lead).filter(area__plan=bench.plan).order_by("pk").values_list("pk", flat=True)
    ProgressUpdate.objects.filter(period=bench.periods[-1], action__in=list(actions)[::2]).delete()


FLOOR = "Floor"
# The label's end for a page measured with nothing cached: the first view after a change that nobody has opened.
BUILT = ", built in the request"
# The label's end for a page built for each request by its nature, never cached: a form to fill in, or a search's
# results. Its queries must not grow with the plan; decision 0016's "near the floor" is for pages read between changes.
PER_REQUEST = " (form)"
SEARCH_RESULTS = " (results)"
# The floor's own URLconf: the site's URLs plus the floor page.
URLCONF = "benchmarks.urls"

PAGES = [
    Page(FLOOR, "chair", lambda b: reverse("bench-floor")),
    Page("My actions", "lead", lambda b: reverse("my-actions")),
    Page("Action list", "chair", lambda b: reverse("action-list")),
    Page("Plan", "chair", lambda b: reverse("plan-detail", args=[b.plan.slug])),
    Page("Area", "chair", lambda b: reverse("area-detail", args=[_first_area(b).pk])),
    # The lead's round (the Head of SEND leads every third action): one action at a time, and every action needing
    # an update on one page; their queries must not grow with the plan (docs/rounds.md).
    Page(
        f"Your round, one action{PER_REQUEST}",
        "lead",
        lambda b: reverse("lead-round", args=[b.plan.slug]),
        prepare=_round_half_done,
    ),
    Page(
        f"Your round, all on one page{PER_REQUEST}",
        "lead",
        lambda b: reverse("lead-round-all", args=[b.plan.slug]),
        prepare=_round_half_done,
    ),
    Page(f"Search{SEARCH_RESULTS}", "chair", lambda b: reverse("search") + "?q=EHC+plans"),
    # The programme manager's sheet of an area's actions (docs/editing.md): a picker of the plan's posts per row.
    Page(f"Edit an area's actions{PER_REQUEST}", "manager", lambda b: reverse("area-sheet", args=[_first_area(b).pk])),
    # The pages below are as a reader gets them between changes to the data: the part of the page every reader
    # with the same rights sees alike is cached ({% shared_part %}, sendplan.page_cache). "built in the request"
    # is the first view after a change of a page that nobody has opened since.
    Page("Action detail", "lead", lambda b: reverse("action-detail", args=[b.lead_action.pk])),
    Page(
        f"Action detail{BUILT}",
        "lead",
        lambda b: reverse("action-detail", args=[b.lead_action.pk]),
        before_each=_empty_page_cache,
    ),
    Page("Scorecard", "chair", lambda b: reverse("scorecard", args=[b.plan.slug])),
    Page(
        "Scorecard, first view after a change",
        "chair",
        lambda b: reverse("scorecard", args=[b.plan.slug]),
        before_each=_change_then_warm,
    ),
    Page(
        f"Scorecard{BUILT}",
        "chair",
        lambda b: reverse("scorecard", args=[b.plan.slug]),
        before_each=_empty_page_cache,
    ),
    Page("Risk register", "chair", lambda b: reverse("risk-register", args=[b.plan.slug])),
    # As a board member sees it: the body cached (sendplan.page_cache), as it is between changes to the data.
    Page("Dashboard", "chair", lambda b: reverse("dashboard", args=[b.plan.slug])),
    # The first view after a change to the plan's data, once the worker has built it (a fraction of a second after
    # the change: f"Dashboard{BUILT}" is its time).
    Page(
        "Dashboard, first view after a change",
        "chair",
        lambda b: reverse("dashboard", args=[b.plan.slug]),
        before_each=_change_then_warm,
    ),
    # The same before the worker has built it, or with no worker: built in the request.
    Page(
        f"Dashboard{BUILT}",
        "chair",
        lambda b: reverse("dashboard", args=[b.plan.slug]),
        before_each=_empty_page_cache,
    ),
]


@dataclass
class PageTiming:
    label: str
    url: str
    queries: int
    median_ms: float
    bytes: int
    # The median CPU time of the app's own process for the same requests (time.process_time: PostgreSQL's share is
    # not in it). On a shared machine wall time includes waiting for a core; this does not, so it moves less.
    cpu_median_ms: float = 0.0


def measure_pages(bench: BenchPlan, *, runs: int = 15, warmups: int = 2) -> list[PageTiming]:
    # The production page cache, which the test settings turn off (their tests never commit: sendplan.settings_test).
    with override_settings(CACHES=production_settings.CACHES, ROOT_URLCONF=URLCONF):
        # Its shared table, which migrate makes under the production settings (actions/apps.py).
        call_command("createcachetable", verbosity=0)
        return _measure_pages(bench, runs=runs, warmups=warmups)


def _measure_pages(bench: BenchPlan, *, runs: int, warmups: int) -> list[PageTiming]:
    clients = {"lead": _client(bench.lead), "chair": _client(bench.chair), "manager": _client(bench.manager)}
    timings = []
    for page in PAGES:
        if page.prepare is None:
            timings.append(_measure(page, clients[page.who], bench, runs=runs, warmups=warmups))
            continue
        with transaction.atomic():
            page.prepare(bench)
            timings.append(_measure(page, clients[page.who], bench, runs=runs, warmups=warmups))
            transaction.set_rollback(True)
    return timings


def _measure(page: Page, client: Client, bench: BenchPlan, *, runs: int, warmups: int) -> PageTiming:
    url, before_each = page.url(bench), page.before_each or _nothing
    for _ in range(warmups):
        before_each(bench)
        _get(client, url)
    before_each(bench)
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, url)
    # Counted now: the next request empties the connection's query log.
    queries = len(captured.captured_queries)
    seconds, cpu_seconds = [], []
    for _ in range(runs):
        before_each(bench)
        started, cpu_started = time.perf_counter(), time.process_time()
        _get(client, url)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
    return PageTiming(
        label=page.label,
        url=url,
        queries=queries,
        median_ms=statistics.median(seconds) * 1000,
        bytes=len(response.content),
        cpu_median_ms=statistics.median(cpu_seconds) * 1000,
    )


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
