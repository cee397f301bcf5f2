"""The people a termly report waits for: told on My actions and in their digest; the report's history keeps the
chair's reasons for sending it back; a step refused on the page says why instead of failing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.permissions import Role
from governance.reminders import reminders_due
from reports.models import TermlyReport
from reports.services import report_approve, report_create, report_edit, report_return, report_submit
from tests.reports.test_reports import SUMMARY, build_term

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


def _officer_for(user, post):
    from tests import factories

    return factories.make_officer(post, user.username.title(), email=f"{user.username}@example.org", user=user)


def _waiting(response):
    panels = [panel for panel in response.context["panels"] if panel["template"] == "reports/my_actions_panel.html"]
    return [(item.report.pk, item.step) for panel in panels for item in panel["waiting"]]


def test_a_submitted_report_waits_on_the_chairs_home_page_and_in_their_digest(term, client, mailoutbox):
    _officer_for(term.chair, "Independent Chair")
    _officer_for(term.comms, "Communications Officer")
    report = _submitted(term)
    client.force_login(term.chair)
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [(reverse("my-actions"), 302)]
    assert _waiting(response) == [(report.pk, "Approve it for publication, or send it back saying what to change")]
    assert f'href="{report.get_absolute_url()}"' in response.text
    client.force_login(term.comms)
    assert _waiting(client.get(reverse("my-actions"))) == [], "nothing waits for the comms officer meanwhile"

    call_command("send_reminders", stdout=io.StringIO())
    chair_mail = [m for m in mailoutbox if m.to == ["charlie@example.org"]]
    assert len(chair_mail) == 1
    assert "TERMLY REPORTS WAITING FOR YOU (1)" in chair_mail[0].body
    assert "Riverside: progress report, Spring 2026\n  Approve it for publication" in chair_mail[0].body
    assert report.get_absolute_url() in chair_mail[0].body
    assert "Termly reports waiting for you (1)" in chair_mail[0].alternatives[0][0]
    assert not [m for m in mailoutbox if m.to == ["colin@example.org"]]


def test_approved_and_sent_back_reports_wait_for_the_comms_officer(term, client):
    _officer_for(term.comms, "Communications Officer")
    report = _submitted(term)
    report = report_approve(report=report, by=term.chair, expected_version=report.version)
    client.force_login(term.comms)
    publish = "Approved by the board chair: publish it on the Local Offer"
    assert _waiting(client.get(reverse("my-actions"))) == [(report.pk, publish)]
    client.force_login(term.chair)
    assert _waiting(client.get(reverse("my-actions"))) == []
    client.force_login(term.manager)  # the programme manager may publish too
    assert _waiting(client.get(reverse("my-actions"))) == [(report.pk, publish)]

    report = report_return(report=report, note="Name the new panel.", by=term.chair, expected_version=report.version)
    client.force_login(term.comms)
    assert _waiting(client.get(reverse("my-actions"))) == [
        (report.pk, "Sent back by the board chair: Name the new panel.")
    ]
    digest = next(d for d in reminders_due(date(2026, 4, 20)).digests if d.officer.user_id == term.comms.pk)
    assert [(s.title, [item.report.pk for item in s.items]) for s in digest.more] == [
        ("Termly reports waiting for you", [report.pk])
    ]
    assert "1 report waiting" in digest.counts()


@pytest.mark.parametrize("count", [1, 10])
def test_the_digests_report_section_costs_two_queries_however_many_officers(term, count, django_assert_num_queries):
    from reports.selectors import digest_section
    from tests import factories

    for n in range(count):
        chair = factories.make_user(f"chair{n}", Role.BOARD_CHAIR)
        _officer_for(chair, f"Chair {n}")
    report = _submitted(term)
    # 1 reports waiting, with their plans and periods; 1 officers whose accounts may act on them, with their roles.
    with django_assert_num_queries(2):
        sections = digest_section(date(2026, 4, 20))
    assert len(sections) == count
    assert all([item.report.pk for item in section.items] == [report.pk] for section in sections.values())
