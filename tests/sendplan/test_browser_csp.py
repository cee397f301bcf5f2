"""The Content Security Policy is enforced in the browser and blocks nothing of the app's own: Chromium visits a
representative page of each kind (sign-in, My actions, an action with its tabs, the update form, the dashboard and
its SVG charts, the scorecard, the heat map, a report preview, the public Local Offer report, the admin and its
history view) and logs no CSP violation, while an inline script injected on purpose is refused and logged."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from actions.models import Rag
from actions.services import progress_update_submit
from reports.services import report_approve, report_create, report_publish, report_submit
from tests.browser import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def published(world, kpi_world, risk_world):
    """Alice's action rated Green this period, and the closed term's report published (with its SVG charts)."""
    action = world.alice_action
    progress_update_submit(
        action=action,
        period=world.period,
        rag=Rag.GREEN,
        progress="The weekly EHC panel is running.",
        impact="Plans are issued sooner.",
        by=world.alice,
        expected_version=action.version,
    )
    report = report_create(plan=world.plan, period=world.closed_period, summary="A term of progress.", by=world.comms)
    report = report_submit(report=report, by=world.comms, expected_version=1)
    report = report_approve(report=report, by=world.chair, expected_version=2)
    world.report = report_publish(report=report, by=world.comms, expected_version=3)
    world.kpis = kpi_world
    return world


class Violations:
    """Console messages in which Chromium reports a blocked resource, inline script, style or handler."""

    def __init__(self, page):
        self.page, self.messages = page, []
        page.on("console", self._seen)

    def _seen(self, message):
        if "Content Security Policy" in message.text:
            self.messages.append(f"{self.page.url}: {message.text}")


def visit(page, url):
    response = page.goto(url)
    assert response.ok, url
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, url
    page.wait_for_load_state("load")


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_no_page_breaks_the_content_security_policy(page, live_server, published):
    base, world = live_server.url, published
    violations = Violations(page)
    plan = world.plan.slug
    action = world.alice_action

    visit(page, f"{base}{reverse('login')}")
    sign_in(page, base, "alice", PASSWORD)
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    # The GOV.UK Frontend module ran: static/js/app.js, not an inline script, set the class.
    expect(page.locator("body")).to_have_class("govuk-template__body js-enabled govuk-frontend-supported")
    visit(page, f"{base}{reverse('action-detail', args=[action.pk])}")
    for tab in ["Progress updates", "Challenges and comments", "History", "Overview"]:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("tab", name=tab)).to_have_attribute("aria-selected", "true")
    visit(page, f"{base}{reverse('action-update', args=[action.pk])}")
    expect(page.get_by_role("button", name="Submit update")).to_be_visible()
    sign_out(page)

    sign_in(page, base, "charlie", PASSWORD)
    visit(page, f"{base}{reverse('dashboard', args=[plan])}")
    expect(page.locator("svg.app-rag-bars")).to_be_visible()
    # axe-core is injected through the DevTools protocol, which the page's policy does not govern.
    assert_accessible(page)
    visit(page, f"{base}{reverse('scorecard', args=[plan])}")
    visit(page, f"{base}{reverse('kpi-detail', args=[world.kpis.timeliness.pk])}")
    visit(page, f"{base}{reverse('risk-heat-map', args=[plan])}")
    expect(page.locator("svg.app-heat-map")).to_be_visible()
    visit(page, f"{base}{reverse('report-preview', args=[world.report.pk])}")
    sign_out(page)

    visit(page, f"{base}{reverse('public-report', args=[plan, world.report.pk])}")
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible()

    sign_in(page, base, "morgan", PASSWORD)
    visit(page, f"{base}{reverse('admin:index')}")
    visit(page, f"{base}{reverse('admin:actions_action_change', args=[action.pk])}")
    visit(page, f"{base}{reverse('admin:actions_action_history', args=[action.pk])}")

    assert violations.messages == []

    # The listener hears a violation when there is one: an inline script added now is refused.
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text) as refused:
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
            "document.body.appendChild(s); }"
        )
    assert "inline script" in refused.value.text
    assert page.evaluate("() => window.ran === undefined")
    assert len(violations.messages) == 1


def test_error_pages_are_accessible_and_keep_to_the_policy(page, live_server, monkeypatch):
    base = live_server.url
    violations = Violations(page)

    def broken():
        raise RuntimeError("secret detail of the failure")

    # The live server runs in this process, so the public index fails for real, through handler500.
    monkeypatch.setattr("reports.selectors.public_plans", broken)
    response = page.goto(f"{base}{reverse('public-index')}")
    assert response.status == 500
    expect(page.get_by_role("heading", name="Sorry, there is a problem with the service")).to_be_visible()
    expect(page.get_by_text(f"quote reference {response.headers['x-request-id']}")).to_be_visible()
    assert "secret detail" not in page.content()
    assert_accessible(page)

    response = page.goto(f"{base}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)
    assert violations.messages == []
