"""Parts of pages cached until plan data changes ({% shared_part %}, sendplan.page_cache): the action page, the
action list, a plan's and an area's page, the scorecard, the risk register, My actions and the dashboard's filters.

The cache must never show one reader what belongs to another (a lead's "Add the update" button, a draft, a lead's
own My actions), nor data older than the last write. These tests commit (transaction=True): the token the cache is
keyed on changes when a writing transaction commits, and a test's usual rolled-back transaction never does.
"""

import pytest
from django.conf import settings
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse

from actions.models import Action, Rag
from actions.services import progress_update_save_draft, progress_update_submit

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the data-version triggers are PostgreSQL's"),
]


@pytest.fixture(autouse=True)
def page_cache():
    pages = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "test-shared-parts"}
    with override_settings(CACHES={**settings.CACHES, "pages": pages}):
        from django.core.cache import caches

        caches["pages"].clear()
        yield caches["pages"]


def _client(client_factory, user):
    client = client_factory()
    client.force_login(user)
    return client


@pytest.fixture
def as_user(world):
    from django.test import Client

    def login(name):
        return _client(Client, getattr(world, name))

    return login


def _submit(world, action, rag, progress):
    action.refresh_from_db()
    return progress_update_submit(
        action=action, period=world.period, rag=rag, progress=progress, by=world.alice, expected_version=action.version
    )


def _render(source, **context):
    return Template("{% load sendplan_tags %}" + source).render(Context(context))


def test_a_part_is_built_once_per_key_and_again_after_a_write(world):
    built = []

    class Counter:
        def __str__(self):
            built.append(1)
            return f"built {len(built)}"

    source = '{% shared_part "t" key %}{{ counter }}{% endshared_part %}'
    assert _render(source, key=1, counter=Counter()) == "built 1"
    assert _render(source, key=1, counter=Counter()) == "built 1"  # from the cache: not evaluated
    assert _render(source, key=2, counter=Counter()) == "built 2"  # another key
    world.area.title = "Renamed"
    world.area.save()  # committed: the data-version token changes
    assert _render(source, key=1, counter=Counter()) == "built 3"


def test_a_form_that_posts_cannot_be_in_a_shared_part(world, rf):
    from django.template import RequestContext

    request = rf.get("/")
    template = Template(
        '{% load sendplan_tags %}{% shared_part "t" %}<form>{% csrf_token %}</form>{% endshared_part %}'
    )
    with pytest.raises(TemplateSyntaxError, match="holds a form"):
        template.render(RequestContext(request, {}))


def test_the_action_page_keeps_each_readers_rights_apart(world, as_user):
    url = reverse("action-detail", args=[world.alice_action.pk])
    progress_update_save_draft(
        action=world.alice_action,
        period=world.period,
        rag=Rag.AMBER,
        progress="Half-written draft about caseworkers",
        by=world.alice,
        expected_version=world.alice_action.version,
    )
    alice, meera, pat = as_user("alice"), as_user("member"), as_user("pcf")
    for _ in range(2):  # the second round reads every page from the cache
        lead_page = alice.get(url).content.decode()
        member_page = meera.get(url).content.decode()
        pcf_page = pat.get(url).content.decode()
        assert "Continue the draft update" in lead_page and "Half-written draft" in lead_page
        assert "Continue the draft update" not in member_page and "Half-written draft" not in member_page
        assert "Challenge the rating" not in member_page  # not rated yet
        assert "Record a comment" in pcf_page and "Record a comment" not in member_page
        assert "Half-written draft" not in pcf_page


def test_a_cached_page_shows_the_next_update_at_once(world, as_user):
    url = reverse("action-detail", args=[world.alice_action.pk])
    list_url = reverse("action-list")
    meera = as_user("member")
    assert "No progress updates yet." in meera.get(url).content.decode()
    assert world.alice_action.get_absolute_url() not in meera.get(list_url, {"rag": Rag.AMBER}).content.decode()
    _submit(world, world.alice_action, Rag.AMBER, "Twelve caseworkers recruited")
    assert "Twelve caseworkers recruited" in meera.get(url).content.decode()
    assert world.alice_action.get_absolute_url() in meera.get(list_url, {"rag": Rag.AMBER}).content.decode()


def test_my_actions_is_each_leads_own(world, as_user):
    alice, bob = as_user("alice"), as_user("bob")
    for _ in range(2):
        mine = alice.get(reverse("my-actions")).content.decode()
        bobs = bob.get(reverse("my-actions")).content.decode()
        assert world.alice_action.get_absolute_url() in mine and world.bob_action.get_absolute_url() not in mine
        assert world.bob_action.get_absolute_url() in bobs and world.alice_action.get_absolute_url() not in bobs


def test_filters_are_part_of_the_key(world, as_user):
    Action.objects.filter(pk=world.bob_action.pk).update(current_rag=Rag.RED)
    meera = as_user("member")
    everything = meera.get(reverse("action-list")).content.decode()
    reds = meera.get(reverse("action-list"), {"rag": Rag.RED}).content.decode()
    assert world.alice_action.get_absolute_url() in everything
    assert world.alice_action.get_absolute_url() not in reds and world.bob_action.get_absolute_url() in reds


@pytest.mark.parametrize("name", ["plan-detail", "area-detail", "scorecard", "risk-register", "dashboard"])
def test_managers_links_are_not_shown_to_members_from_the_cache(world, as_user, name):
    args = [world.area.pk] if name == "area-detail" else [world.plan.slug]
    url = reverse(name, args=args)
    morgan, meera = as_user("manager"), as_user("member")
    first, second = morgan.get(url), meera.get(url)
    assert first.status_code == second.status_code == 200
    for manager_only in ("Roll forward into a new plan", "Close this area", "Record a risk"):
        assert manager_only not in second.content.decode()


@pytest.fixture
def shared_cache():
    """The production shared level: a table in the test database, as migrate makes it."""
    shared = {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "sendplan_page_cache"}
    with override_settings(
        CACHES={**settings.CACHES, "pages_shared": shared},
        SENDPLAN_PAGE_WARMERS=["governance.tasks.warm_dashboards", "kpis.tasks.warm_scorecards"],
    ):
        from django.core.cache import caches
        from django.core.management import call_command

        call_command("createcachetable", verbosity=0)
        caches["pages_shared"].clear()
        yield caches["pages_shared"]


@pytest.fixture
def dashboard_builds(monkeypatch):
    from governance import dashboard

    calls = []
    build = dashboard.plan_dashboard

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return build(*args, **kwargs)

    monkeypatch.setattr(dashboard, "plan_dashboard", counted)
    return calls


def test_a_part_built_by_one_app_process_is_read_by_the_others(world, as_user, page_cache, shared_cache):
    url = reverse("action-detail", args=[world.alice_action.pk])
    first = as_user("member").get(url).content.decode()
    page_cache.clear()  # another app process: its own memory is empty, the database table is not
    again = as_user("member")
    with pytest.MonkeyPatch.context() as patch:
        from actions import selectors

        patch.setattr(selectors, "action_page", lambda *args, **kwargs: pytest.fail("built again"))
        html = again.get(url).content.decode()
    # The same page below the header (the header's sign-out form carries each session's own CSRF token).
    assert html.split("<main", 1)[1] == first.split("<main", 1)[1]


def test_the_shared_table_holds_parts_compressed_and_reads_them_back_as_built(world, page_cache, shared_cache):
    from sendplan.page_cache import cached_html

    html = "<tr><td>Ünïcode & <b>markup</b></td></tr>\n" * 2000
    assert cached_html("t", (1,), lambda: html) == html
    [raw] = [shared_cache.get(key) for key in _shared_keys()]
    assert isinstance(raw, bytes) and len(raw) < len(html) / 10
    page_cache.clear()  # another app process: read from the table
    assert cached_html("t", (1,), lambda: pytest.fail("built again")) == html
    # A part stored uncompressed (before parts were compressed) is still read as it is, until it expires.
    shared_cache.clear()
    page_cache.clear()
    cached_html("t", (2,), lambda: "first")
    [key] = _shared_keys()
    shared_cache.set(key, "<p>stored as text</p>")
    page_cache.clear()
    assert cached_html("t", (2,), lambda: pytest.fail("built again")) == "<p>stored as text</p>"


def _shared_keys():
    """The keys in the shared table, as given to the cache (stored as Django's "prefix:version:key")."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM sendplan_page_cache")
        return [row[0].split(":", 2)[2] for row in cursor.fetchall()]


def test_after_an_update_a_worker_builds_the_dashboard_before_anyone_opens_it(
    world, as_user, page_cache, shared_cache, dashboard_builds
):
    from django_tasks_db.models import DBTaskResult

    from tests.jobs import run_queued_jobs

    dashboard = reverse("dashboard", args=[world.plan.slug])
    as_user("chair").get(dashboard)
    assert len(dashboard_builds) == 1
    alice = as_user("alice")
    response = alice.post(
        reverse("action-update", args=[world.alice_action.pk]),
        {
            "rag": "amber",
            "progress": "Twelve caseworkers recruited",
            "impact": "",
            "recovery_note": "",
            "version": str(world.alice_action.version),
        },
    )
    assert response.status_code == 302
    queued = DBTaskResult.objects.filter(task_path="governance.tasks.warm_dashboards")
    assert queued.count() == 1
    run_queued_jobs()
    assert len(dashboard_builds) == 2  # built by the worker
    page_cache.clear()  # the app processes have not built it themselves
    html = as_user("member").get(dashboard).content.decode()
    assert len(dashboard_builds) == 2  # read, not built
    assert "Amber" in html


def test_after_a_new_value_a_worker_builds_the_scorecard_before_anyone_opens_it(
    kpi_world, as_user, page_cache, shared_cache
):
    from django_tasks_db.models import DBTaskResult

    from kpis import selectors
    from tests.jobs import run_queued_jobs

    world, builds, build = kpi_world.world, [], selectors.scorecard

    def counted(*args, **kwargs):
        builds.append(kwargs)
        return build(*args, **kwargs)

    scorecard = reverse("scorecard", args=[world.plan.slug])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(selectors, "scorecard", counted)
        before = as_user("chair").get(scorecard).content.decode()
        assert len(builds) == 1
        value = {"period_date_0": "31", "period_date_1": "1", "period_date_2": "2026", "value": "47.5"}
        response = as_user("alice").post(
            reverse("measurement-new", args=[kpi_world.timeliness.pk]), {**value, "status": "actual", "note": ""}
        )
        assert response.status_code == 302
        assert DBTaskResult.objects.filter(task_path="kpis.tasks.warm_scorecards").count() == 1
        run_queued_jobs()
        assert len(builds) == 2  # built by the worker, for the unfiltered scorecard
        page_cache.clear()  # the app processes have not built it themselves
        after = as_user("member").get(scorecard).content.decode()
        assert len(builds) == 2  # read, not built
        as_user("member").get(scorecard + "?rag=red")
        assert len(builds) == 3  # a filtered scorecard is built when asked for
    assert "<strong>47.5%</strong>" in after and "47.5%" not in before


def test_a_warmer_whose_data_has_moved_on_leaves_the_work_to_the_next(world, shared_cache, dashboard_builds):
    from actions.data_version import current_token
    from governance.tasks import warm_dashboards

    stale = current_token()
    world.area.title = "Renamed"
    world.area.save()
    assert warm_dashboards.call(stale).startswith("built 0")
    assert dashboard_builds == []
    assert warm_dashboards.call(current_token()) == "built 1"
    assert len(dashboard_builds) == 1


def test_a_request_that_writes_nothing_queues_no_warmer(world, as_user, shared_cache):
    from django_tasks_db.models import DBTaskResult

    refused = as_user("member").post(reverse("action-update", args=[world.alice_action.pk]), {"rag": "green"})
    assert refused.status_code == 403
    assert not DBTaskResult.objects.filter(task_path="governance.tasks.warm_dashboards").exists()
