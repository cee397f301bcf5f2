"""Every page a person uses on a phone, at 390 x 844 (a common phone's width): the page itself never scrolls
sideways (WCAG 1.4.10 reflow), the header stretches across the whole width, wide tables scroll inside their own
focusable, labelled region, and axe-core finds no violations."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from actions.models import Rag
from actions.services import progress_update_submit
from governance.services import challenge_raise
from kpis.services import measurement_record
from reports.services import report_approve, report_create, report_publish, report_submit
from tests import factories
from tests.browser import PHONE, assert_accessible, assert_fits_a_phone, sign_in
from tests.conftest import BoardWorld, KpiWorld, RiskWorld
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


LONG_PROGRESS = (
    "The weekly EHC panel is running with education, health and care colleagues; decisions go out within five "
    "working days and families are told the name of their caseworker."
)


class PhoneWorld:
    """The test world with something in every table: an overdue action of alice's, alice's and bob's actions rated
    (with history), KPI values, risks, boards and a meeting, a challenge to bob's rating, and (for the report pages,
    which need them) a draft and a published termly report."""

    def __init__(self, world):
        self.world = world
        # As plans word them: a lettered ref, a long action, a due date given as a term, overdue.
        self.overdue = factories.make_action(
            world.area,
            "1.3b(2)",
            [world.head_of_send],
            text="Co-produce system changes so that every element of service delivery is shaped by families",
            due_date=date(2025, 12, 31),
            due_label="Termly, beginning Dec 2025",
        )
        for action, rag, by in [(world.alice_action, Rag.RED, world.alice), (world.bob_action, Rag.GREEN, world.bob)]:
            progress_update_submit(
                action=action,
                period=world.period,
                rag=rag,
                progress=LONG_PROGRESS,
                impact="Plans are issued sooner." if rag == Rag.GREEN else "",
                recovery_note="Two more coordinators from January." if rag == Rag.RED else "",
                by=by,
                expected_version=action.version,
            )
        self.kpis = KpiWorld(world)
        for months, value in [(0, "33.1"), (3, "35.2"), (6, "38.0")]:
            measurement_record(
                kpi=self.kpis.timeliness,
                period_date=date(2025, 9, 1) + timedelta(days=30 * months),
                value=Decimal(value),
                note="From the monthly EHC tracker.",
                by=world.manager,
            )
        self.risks = RiskWorld(world)
        self.boards = BoardWorld(world)
        world.bob_action.refresh_from_db()
        self.challenge = challenge_raise(
            action=world.bob_action, text="Timeliness is still 35%: this is not Green.", by=world.member
        )

    def draft_report(self):
        return report_create(
            plan=self.world.plan, period=self.world.closed_period, summary="Draft words.", by=self.world.comms
        )

    def published_report(self):
        world = self.world
        report = report_create(plan=world.plan, period=world.closed_period, summary="Autumn words.", by=world.comms)
        report = report_submit(report=report, by=world.comms, expected_version=report.version)
        report = report_approve(report=report, by=world.chair, expected_version=report.version)
        return report_publish(report=report, by=world.comms, expected_version=report.version)


@pytest.fixture
def phone_world(world):
    return PhoneWorld(world)


def with_own_fields(w: PhoneWorld, address: str) -> str:
    """The plan with its own fields (a long one for areas, two short ones for actions) and values for alice's action."""
    from planfields.services import own_values_save, plan_field_add

    world = w.world
    add = dict(plan=world.plan, by=world.manager)
    plan_field_add(**add, applies_to="area", label="Success criteria", kind="long", public=True)
    directorate = plan_field_add(**add, applies_to="action", label="Directorate", kind="short", public=True)
    section = plan_field_add(**add, applies_to="action", label="Section", kind="short")
    own_values_save(
        record=world.alice_action,
        texts={directorate.pk: "Children's Services", section.pk: "SEND Services"},
        versions={},
        by=world.manager,
    )
    return address


def reports_list(w: PhoneWorld) -> str:
    w.draft_report()
    return f"/plans/{w.world.plan.slug}/reports/"


# (name, who signs in (None: an anonymous visitor), the page's address in the phone world)
PAGES = [
    ("my actions", "alice", lambda w: "/my-actions/"),
    ("your round", "alice", lambda w: f"/plans/{w.world.plan.slug}/my-round/"),
    ("your round on one page", "alice", lambda w: f"/plans/{w.world.plan.slug}/my-round/all/"),
    ("your round's summary", "alice", lambda w: f"/plans/{w.world.plan.slug}/my-round/summary/"),
    ("action list", "morgan", lambda w: "/actions/"),
    ("plan", "morgan", lambda w: f"/plans/{w.world.plan.slug}/"),
    ("area", "morgan", lambda w: f"/areas/{w.world.area.pk}/"),
    ("action", "alice", lambda w: f"/actions/{w.world.alice_action.pk}/"),
    ("action history", "alice", lambda w: f"/actions/{w.world.alice_action.pk}/#history"),
    ("dashboard", "charlie", lambda w: f"/plans/{w.world.plan.slug}/dashboard/"),
    ("risk register", "morgan", lambda w: f"/plans/{w.world.plan.slug}/risks/"),
    ("heat map", "morgan", lambda w: f"/plans/{w.world.plan.slug}/risks/heat-map/"),
    ("scorecard", "morgan", lambda w: f"/plans/{w.world.plan.slug}/scorecard/"),
    ("KPI page", "alice", lambda w: f"/kpis/{w.kpis.timeliness.pk}/"),
    ("exceptions", "morgan", lambda w: f"/plans/{w.world.plan.slug}/exceptions/"),
    ("rounds", "morgan", lambda w: f"/plans/{w.world.plan.slug}/rounds/"),
    ("round", "morgan", lambda w: f"/periods/{w.world.period.pk}/round/"),
    ("challenges", "meera", lambda w: f"/plans/{w.world.plan.slug}/challenges/"),
    ("boards", "morgan", lambda w: "/boards/"),
    ("board", "morgan", lambda w: f"/boards/{w.boards.improvement.pk}/"),
    ("meeting", "morgan", lambda w: f"/meetings/{w.boards.meeting.pk}/"),
    ("reports list", "colin", reports_list),
    ("report preview", "colin", lambda w: f"/reports/{w.draft_report().pk}/preview/"),
    ("public Local Offer report", None, lambda w: w.published_report().get_public_url()),
    ("import page", "morgan", lambda w: "/imports/"),
    ("people and posts", "morgan", lambda w: f"/plans/{w.world.plan.slug}/officers/"),
    ("post", "morgan", lambda w: f"/officers/{w.world.head_of_send.pk}/"),
    ("hand over a post", "morgan", lambda w: f"/officers/{w.world.head_of_send.pk}/hand-over/"),
    ("plan's own fields", "morgan", lambda w: with_own_fields(w, f"/plans/{w.world.plan.slug}/fields/")),
    ("add a field", "morgan", lambda w: f"/plans/{w.world.plan.slug}/fields/add/"),
    ("action's own fields", "alice", lambda w: with_own_fields(w, f"/actions/{w.world.alice_action.pk}/fields/")),
    ("action with own fields", "alice", lambda w: with_own_fields(w, f"/actions/{w.world.alice_action.pk}/")),
    ("edit actions as a sheet", "morgan", lambda w: with_own_fields(w, f"/areas/{w.world.area.pk}/actions/edit/")),
]


@pytest.mark.parametrize(("user", "address"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_fits_a_phone(browser, live_server, phone_world, user, address):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(5000)
    url = live_server.url + address(phone_world)
    if user:
        sign_in(page, live_server.url, user, PASSWORD)
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    response = page.goto(url)
    assert response.status == 200, url

    assert_fits_a_phone(page)

    # Every table that is wider than the screen scrolls in a region a keyboard can reach and a screen reader names.
    for table in page.locator("main table").all():
        if table.evaluate("t => t.getBoundingClientRect().width") > PHONE["width"]:
            region = table.locator("xpath=..")
            expect(region).to_have_attribute("role", "region")
            expect(region).to_have_attribute("tabindex", "0")
            expect(region).to_have_attribute("aria-label", re.compile(r"\w"))
    assert_accessible(page)
    context.close()
