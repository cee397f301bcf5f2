import subprocess
from contextlib import contextmanager

import pytest

from actions.permissions import Role
from actions.services import role_groups_sync
from tests import factories
from tests.browser import CHROMIUM, CHROMIUM_ARGS

# `make test-fast` leaves out the tests marked browser, pdf, server and upgrade (pyproject.toml). So that it stays
# honest as tests are added, a test without the marker that renders a PDF, starts a process or migrates the
# database fails and names the marker to add. The PDF and process guards cover the test's fixtures' setup too, so
# a module-scoped fixture that renders is caught as well.
# Browser tests may do both (Playwright starts Chromium; a journey may publish a report); PDF tests read their files
# back with poppler (pdftotext, pdftoppm).
MAY_RENDER_PDF = {"pdf", "browser"}
MAY_START_PROCESSES = {"server", "pdf", "browser"}


def _refuse(item, marker: str, what: str):
    def refused(*args, **kwargs):
        pytest.fail(
            f"{item.nodeid} {what} but is not marked {marker}: add @pytest.mark.{marker} (or pytestmark = "
            f"pytest.mark.{marker} for a whole module), so `make test-fast` leaves it out.",
            pytrace=False,
        )

    return refused


@contextmanager
def _guarded(item):
    """WeasyPrint's write_pdf and subprocess.Popen (behind subprocess.run too) refused, for an unmarked test."""
    markers = {marker.name for marker in item.iter_markers()}
    with pytest.MonkeyPatch.context() as patch:
        if not markers & MAY_RENDER_PDF:
            from weasyprint import HTML

            patch.setattr(HTML, "write_pdf", _refuse(item, "pdf", "renders a PDF with WeasyPrint"))
        if not markers & MAY_START_PROCESSES:
            # _execute_child is where every Popen (run, check_output, asyncio's subprocesses) starts its process.
            patch.setattr(subprocess.Popen, "_execute_child", _refuse(item, "server", "starts a process"))
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if UNGROUPED in item.stash:
        pytest.fail(item.stash[UNGROUPED], pytrace=False)
    with _guarded(item):
        return (yield)


@contextmanager
def _migrations_guarded(item):
    """Migrating the database from a test's body (an upgrade test walking a populated database back and forward,
    tens of seconds) refused unless the test is marked upgrade. Only the body: the test database's own creation
    migrates in the first test's setup."""
    if "upgrade" in {marker.name for marker in item.iter_markers()}:
        yield
        return
    from django.db.migrations.executor import MigrationExecutor

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MigrationExecutor, "migrate", _refuse(item, "upgrade", "migrates the database"))
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _guarded(item), _migrations_guarded(item):
        return (yield)


UNGROUPED = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Under `--dist loadgroup` a test in an xdist_group must carry the group in its id (pytest-xdist adds it, just
    before this hook), or its group's tests are spread over both workers and each rebuilds the group's module-scoped
    fixture: no test fails, the run just gets slower. pytest 9.2 broke this silently (pytest-xdist#1386), so such a
    test fails here instead, saying why."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if item.get_closest_marker("xdist_group") and "@" not in item.nodeid:
            item.stash[UNGROUPED] = (
                "--dist loadgroup is not grouping this xdist_group's tests onto one worker: this pytest and "
                "pytest-xdist do not work together (pytest-xdist#1386); install the versions pyproject.toml allows."
            )


@pytest.fixture(scope="session", autouse=True)
def static_files_listed_once():
    """WhiteNoise lists every static file (GOV.UK Frontend's, and STATIC_ROOT's if collectstatic has filled it) each
    time a middleware chain is built, and the test client builds one for each Client: a quarter of a second or more
    for every test that makes a request (with a full STATIC_ROOT, half a second). The files do not change during a
    run, so each listing is made once per worker and each new middleware gets a copy."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    listings = {}
    list_finders = WhiteNoiseMiddleware.add_files_from_finders
    list_directory = WhiteNoiseMiddleware.update_files_dictionary

    def listed_once(list_files, key, self, *args):
        if key not in listings:
            before = dict(self.files)
            list_files(self, *args)
            listings[key] = {url: item for url, item in self.files.items() if before.get(url) is not item}
        self.files.update(listings[key])

    def add_files_from_finders(self):
        listed_once(list_finders, "finders", self)

    def update_files_dictionary(self, root, prefix):
        listed_once(list_directory, (root, prefix), self, root, prefix)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(WhiteNoiseMiddleware, "add_files_from_finders", add_files_from_finders)
        patch.setattr(WhiteNoiseMiddleware, "update_files_dictionary", update_files_dictionary)
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright's own browser download cannot work here), with the flags it needs."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page):
    # Pages here render in well under a second; a missing element should fail in seconds, not 30.
    page.set_default_timeout(5000)
    return page


class World:
    """A small local area: two agencies, a plan with an open period, actions led by alice, bob and both."""

    def __init__(self):
        role_groups_sync()
        self.council = factories.make_organisation("Riverside Council", "council")
        self.icb = factories.make_organisation("Riverside ICB", "icb")
        self.head_of_send = factories.make_officer("Head of SEND", "Alice Moreno", self.council)
        self.dco = factories.make_officer("Designated Clinical Officer", "Bob Hale", self.icb)
        self.council_colleague = factories.make_officer("SEN Casework Manager", "Cara Dune", self.council)
        self.plan = factories.make_plan()
        self.area = factories.make_area(self.plan)
        self.period = self.plan.periods.get(status="open")
        self.closed_period = self.plan.periods.get(status="closed")
        self.alice_action = factories.make_action(self.area, "1.1", [self.head_of_send], due_label="March 2026")
        self.bob_action = factories.make_action(self.area, "1.2", [self.dco])
        self.shared_action = factories.make_action(self.area, "1.3", [self.head_of_send, self.dco])
        self.colleague_action = factories.make_action(self.area, "1.4", [self.council_colleague])

        self.alice = factories.make_user("alice", Role.SEND_LEAD, officer=self.head_of_send)
        self.bob = factories.make_user("bob", Role.SEND_LEAD, officer=self.dco)
        self.manager = factories.make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)
        self.chair = factories.make_user("charlie", Role.BOARD_CHAIR)
        self.member = factories.make_user("meera", Role.BOARD_MEMBER)
        self.comms = factories.make_user("colin", Role.COMMS_OFFICER)
        self.pcf = factories.make_user("pat", Role.PCF_REPRESENTATIVE)
        self.adviser = factories.make_user("ada", Role.ADVISER)
        self.nobody = factories.make_user("nora", None)

    def user(self, name: str):
        return getattr(self, name)


@pytest.fixture
def world(db):
    return World()


class KpiWorld:
    """Two KPIs on the world's plan (start 1 Sep 2025): a numeric one owned by alice (higher is better,
    baseline 32.6%, targets 40/50/60%, tolerance 5) and a descriptive plan-wide one owned by bob."""

    def __init__(self, world):
        from decimal import Decimal

        from kpis.models import Kpi
        from kpis.services import kpi_create

        self.world = world
        self.timeliness = kpi_create(
            kpi=Kpi(
                plan=world.plan,
                area=world.area,
                ref="1.K1",
                measure="% of new EHC plans issued within 20 weeks",
                category=Kpi.Category.HOW_WELL,
                unit=Kpi.Unit.PERCENT,
                polarity=Kpi.Polarity.HIGHER,
                baseline_value=Decimal("32.6"),
                owner=world.head_of_send,
                tolerance=Decimal("5"),
            ),
            by=world.manager,
            milestones=[(3, "40% within 20 weeks", Decimal(40)), (6, "", Decimal(50)), (12, "", Decimal(60))],
        )
        self.strategy = kpi_create(
            kpi=Kpi(
                plan=world.plan,
                ref="SC1",
                measure="SEND strategy signed off by the board",
                category=Kpi.Category.HOW_MUCH,
                unit=Kpi.Unit.DESCRIPTIVE,
                owner=world.dco,
            ),
            by=world.manager,
        )


@pytest.fixture
def kpi_world(world):
    return KpiWorld(world)


class RiskWorld:
    """Risks on the world's plan: R1 owned by alice (scored, reviewed in the closed period), R2 owned by bob
    (band only, as seed 000 wrote its risks)."""

    def __init__(self, world):
        from datetime import date, datetime, time

        from django.utils import timezone

        from risks.models import Risk
        from risks.services import risk_review_record, risk_save

        self.world = world
        closed_end = world.closed_period.end
        self.schools = risk_save(
            risk=Risk(
                plan=world.plan,
                area=world.area,
                ref="R1",
                risk="If schools do not engage with the support offered, then inclusive practice will not embed.",
                owner=world.head_of_send,
                inherent_likelihood=4,
                inherent_impact=4,
                target_likelihood=2,
                target_impact=3,
                mitigation="Termly training and a monthly schools bulletin.",
                review_every_days=30,
            ),
            actions=[world.alice_action],
            by=world.manager,
            expected_version=1,
            at=timezone.make_aware(datetime(2025, 9, 1, 9)),
        )
        risk_review_record(
            risk=self.schools,
            reviewed_on=date(2025, 12, 10),
            likelihood=4,
            impact=3,
            note="Two clusters signed up.",
            by=world.alice,
            expected_version=self.schools.version,
            period=world.closed_period,
            at=timezone.make_aware(datetime.combine(closed_end.replace(day=10), time(14))),
        )
        self.parents = risk_save(
            risk=Risk(
                plan=world.plan,
                ref="R2",
                risk="If engagement with parents is limited, then we cannot tell which changes make a difference.",
                owner=world.dco,
                severity="high",
            ),
            by=world.manager,
            expected_version=1,
        )


@pytest.fixture
def risk_world(world):
    return RiskWorld(world)


class BoardWorld:
    """The world's governance: Health and Wellbeing Board <- SEND Improvement Board (an independent chair; alice's
    and bob's officers are members; oversees the plan) <- SEND Programme Board (chaired by alice's officer), and a
    DfE and NHS England review on its own. The improvement board met two weeks ago (bob sent apologies; one agenda
    item on action 1.1, a decision under it, a board action for alice due in two weeks) and meets again in four."""

    def __init__(self, world):
        from datetime import timedelta

        from django.utils import timezone

        from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
        from boards.services import agenda_item_save, board_action_save, board_save, decision_save, meeting_save

        self.world = world
        today = timezone.localdate()
        by = world.manager
        self.independent_chair = factories.make_officer("Independent chair", "Sam Okafor", world.council)
        self.hwb = board_save(
            board=Board(name="Health and Wellbeing Board", kind=Board.Kind.PARTNERSHIP, meets="Every two months"),
            by=by,
            expected_version=0,
        )
        self.improvement = board_save(
            board=Board(
                name="SEND Improvement Board",
                kind=Board.Kind.IMPROVEMENT,
                purpose="Holds the local area partnership to account for the Written Statement of Action.",
                chair=self.independent_chair,
                reports_to=self.hwb,
                meets="Every six weeks",
            ),
            members=[self.independent_chair, world.head_of_send, world.dco],
            plans=[world.plan],
            by=by,
            expected_version=0,
        )
        self.programme = board_save(
            board=Board(
                name="SEND Programme Board",
                kind=Board.Kind.PROGRAMME,
                chair=world.head_of_send,
                reports_to=self.improvement,
                meets="Monthly",
            ),
            members=[world.head_of_send, world.dco, world.council_colleague],
            plans=[world.plan],
            by=by,
            expected_version=0,
        )
        self.review = board_save(
            board=Board(name="DfE and NHS England review", kind=Board.Kind.EXTERNAL_REVIEW, meets="Every three months"),
            plans=[world.plan],
            by=by,
            expected_version=0,
        )
        self.meeting = meeting_save(
            meeting=Meeting(
                board=self.improvement, date=today - timedelta(days=14), title="Six-week review", location="County Hall"
            ),
            present=[self.independent_chair, world.head_of_send],
            apologies=[world.dco],
            by=by,
            expected_version=0,
        )
        self.next_meeting = meeting_save(
            meeting=Meeting(board=self.improvement, date=today + timedelta(days=28)), by=by, expected_version=0
        )
        self.agenda_item = agenda_item_save(
            item=AgendaItem(
                meeting=self.meeting, title="Timeliness of EHC plans", area=world.area, action=world.alice_action
            ),
            by=by,
        )
        self.decision = decision_save(
            decision=Decision(
                meeting=self.meeting, agenda_item=self.agenda_item, text="Fund two more EHC plan coordinators."
            ),
            by=by,
        )
        self.board_action = board_action_save(
            board_action=BoardAction(
                meeting=self.meeting,
                decision=self.decision,
                text="Report the 20-week rate by team to the next meeting.",
                owner=world.head_of_send,
                due_date=today + timedelta(days=14),
            ),
            by=by,
        )


@pytest.fixture
def board_world(world):
    return BoardWorld(world)


@pytest.fixture
def job_worker(live_server, tmp_path):
    """A real background job worker (`manage.py db_worker`) on the test database, for browser tests whose pages wait
    for a job (a PDF rendered, a large import). It sees only committed data: use it with live_server."""
    import os
    import signal
    import subprocess
    import sys

    from django.conf import settings

    from tests.postgres import database_url

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sendplan.settings_test", "DATABASE_URL": database_url()}
    log = tmp_path / "job-worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    yield worker
    worker.send_signal(signal.SIGTERM)
    worker.wait(timeout=60)
