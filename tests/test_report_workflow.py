"""The people a termly report waits for: told on My actions and in their digest; the report's history keeps the
chair's reasons for sending it back; a step refused on the page says why instead of failing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.models import TermlyReport
from reports.services import report_create, report_edit, report_return, report_submit
from tests.test_reports import SUMMARY, build_term

Status = TermlyReport.Status


@pytest.fixture
def term(world):
    return build_term(world)


def _submitted(world):
    report = report_create(plan=world.plan, period=world.period, summary=SUMMARY, by=world.comms)
    world.period.refresh_from_db()
    return report_submit(report=report, by=world.comms, expected_version=report.version)


def test_editing_a_report_that_is_not_a_draft_says_why(term, client):
    report = _submitted(term)
    client.force_login(term.comms)
    response = client.post(
        reverse("report-edit", args=[report.pk]), {"version": report.version, "summary": "My late change"}
    )
    assert response.status_code == 400
    assert "This report is waiting for approval, so it cannot be edited" in response.text
    assert "My late change" in response.text, "what the user typed is shown again"
    assert TermlyReport.objects.get(pk=report.pk).summary == SUMMARY


def test_the_history_keeps_why_the_chair_sent_the_report_back(term, client):
    report = _submitted(term)
    report = report_return(report=report, note="Say more about waiting lists.", by=term.chair, expected_version=2)
    report = report_edit(report=report, summary=SUMMARY + " Waiting lists.", by=term.comms, expected_version=3)
    report_submit(report=report, by=term.comms, expected_version=report.version)
    client.force_login(term.comms)
    response = client.get(reverse("report-detail", args=[report.pk]))
    events = [(entry.event, entry.reason) for entry in response.context["history"]]
    assert events == [
        ("Submitted for approval", ""),
        ("Edited", ""),
        ("Sent back to draft", "Say more about waiting lists."),
        ("Submitted for approval", ""),
        ("Started", ""),
    ]
    assert "Sent back to draft: Say more about waiting lists." in response.text
