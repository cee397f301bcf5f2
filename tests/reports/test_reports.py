"""Termly reports: what they say (as at the end of the term, from history), what they leave out, the PDF/UA file
read back with pikepdf and pdftotext, and the draft -> submitted -> approved -> published workflow."""

from __future__ import annotations

import hashlib
import io
import re
import subprocess
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from actions.locking import StaleEditError
from actions.models import Action, AreaOfWeakness, Officer, Organisation, Plan, Rag, RagDefinition, ReportingPeriod
from actions.services import progress_update_save_draft
from governance.services import challenge_raise, comment_record, comment_respond, round_close
from kpis.models import Kpi, Measurement, Milestone
from reports.content import period_closed_at, report_content
from reports.models import PublishedFile, TermlyReport
from reports.rendering import render_body
from reports.services import (
    report_approve,
    report_correct,
    report_create,
    report_edit,
    report_publish,
    report_return,
    report_submit,
)
from tests.conftest import RiskWorld
from tests.governance.test_dashboard import AUTUMN_RATED, SPRING_RATED, backdate_setup, rate_in

Status = TermlyReport.Status
SUMMARY = "More EHCPs were finished on time this term. Therapy waiting lists are still too long."


def build_term(world):
    """Autumn: every action Amber. Spring: alice's Green, bob's Red, the shared one Amber; the colleague only saved
    a draft. The DCO's name is not to be published. A challenge, a private comment and a publishable one with its
    answer; then the programme manager closes the spring round."""
    backdate_setup(Action, AreaOfWeakness, ReportingPeriod, Plan, Officer, Organisation, RagDefinition)
    Officer.objects.filter(pk=world.dco.pk).update(name_publishable=False)
    Officer.history.filter(id=world.dco.pk).update(name_publishable=False)
    for action in (world.alice_action, world.bob_action, world.shared_action, world.colleague_action):
        rate_in(world.closed_period, action, Rag.AMBER, world.alice, AUTUMN_RATED)
    rate_in(world.period, world.alice_action, Rag.GREEN, world.alice, SPRING_RATED, impact="Families wait less.")
    rate_in(world.period, world.bob_action, Rag.RED, world.bob, SPRING_RATED, progress="Two therapists recruited.")
    rate_in(world.period, world.shared_action, Rag.AMBER, world.alice, SPRING_RATED)
    world.colleague_action.refresh_from_db()
    progress_update_save_draft(
        action=world.colleague_action,
        period=world.period,
        rag=Rag.BLUE,
        progress="UNSUBMITTED DRAFT TEXT",
        by=world.alice,
        expected_version=world.colleague_action.version,
    )
    challenge_raise(action=world.alice_action, text="CHALLENGE TEXT: no evidence of impact.", by=world.member)
    comment_record(action=world.bob_action, text="PRIVATE COMMENT", publishable=False, by=world.pcf)
    said = comment_record(
        action=world.alice_action, text="Parents asked for a named caseworker.", publishable=True, by=world.pcf
    )
    comment_respond(comment=said, response="Every family now has one.", by=world.alice, expected_version=said.version)
    RiskWorld(world)  # R1 in the area, scored; R2 plan-wide, with a band only
    kpi = Kpi.objects.create(
        plan=world.plan,
        area=world.area,
        ref="K1",
        measure="EHCPs issued within 20 weeks",
        category="how_well",
        unit="percent",
    )
    Milestone.objects.create(kpi=kpi, months=6, due_date=date(2026, 3, 1), target_value=60, rag=Rag.RED)
    Milestone.objects.create(kpi=kpi, months=12, due_date=date(2026, 9, 1), target_value=80)
    for month, value in [(1, 38), (2, 41), (3, 47)]:
        Measurement.objects.create(kpi=kpi, period_date=date(2026, month, 28), value=value)
    world.period.refresh_from_db()
    round_close(period=world.period, by=world.manager, expected_version=world.period.version)
    world.closed_at = period_closed_at(world.period)
    return world


@pytest.fixture
def term(world):
    return build_term(world)


def content_of(world, **kwargs):
    return report_content(world.plan, world.period, as_at=world.closed_at, summary=SUMMARY, **kwargs)


def lines_by_ref(content):
    return {line.action.ref: line for s in content.areas for g in s.groups for line in g.lines}


def pdf_text(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text as pdftotext reads it; without `layout`, in reading order with white space collapsed, so a
    phrase wrapped inside a table cell still reads as one."""
    options = ["-layout"] if layout else []
    result = subprocess.run(["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True)
    text = result.stdout.decode()
    return text if layout else " ".join(text.split())


def test_content_is_the_term_as_it_closed(term):
    content = content_of(term)
    lines = lines_by_ref(content)
    assert {ref: line.rag for ref, line in lines.items()} == {
        "1.1": Rag.GREEN,
        "1.2": Rag.RED,
        "1.3": Rag.AMBER,
        "1.4": Rag.AMBER,  # the draft counts for nothing: autumn's rating stands, said to be autumn's
    }
    assert lines["1.4"].rated_in == "Autumn 2025"
    assert lines["1.2"].leads == ["Designated Clinical Officer"]
    assert lines["1.1"].leads == ["Head of SEND (Alice Moreno)"]
    assert [m.line.action.ref for m in content.improved] == ["1.1"]
    assert [m.line.action.ref for m in content.worsened] == ["1.2"]
    assert (content.unchanged, content.newly_rated) == (2, 0)
    assert [(e.said, e.did) for e in content.you_said] == [
        ("Parents asked for a named caseworker.", "Every family now has one.")
    ]
    assert content.partners == ["Riverside Council", "Riverside ICB"]
    glossary = dict(content.glossary)
    assert {"EHCP", "SEND", "RAG"} <= set(glossary)
    assert "CAMHS" not in glossary  # only acronyms the report uses
    area = content.areas[0]
    [kpi] = area.kpis
    assert [(m.months, due, rating) for m, due, rating in kpi.milestones] == [(6, True, Rag.RED), (12, False, "")]
    assert kpi.chart is not None and "38% in January 2026, 47% in March 2026" in kpi.chart.title
    assert [row.risk.ref for row in area.heat.register.rows] == ["R1"]
    assert [row.risk.ref for row in content.plan_heat.register.rows] == ["R2"]


def test_regenerated_after_later_changes_says_the_same(term):
    before = render_body(content_of(term), draft=False)
    # A year of changes after the term closed.
    period = term.plan.periods.create(name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31))
    period.status = ReportingPeriod.Status.OPEN
    period.save()
    term.alice_action.refresh_from_db()
    rate_in(period, term.alice_action, Rag.BLUE, term.alice, None, completion_date=date(2026, 7, 1))
    spring = term.alice_action.updates.get(period=term.period)
    spring.progress = "Rewritten later"
    spring.save()
    dco = Officer.objects.get(pk=term.dco.pk)
    dco.person_name, dco.name_publishable = "Someone Else", True
    dco.save()
    area = AreaOfWeakness.objects.get(pk=term.area.pk)
    area.title = "Renamed area"
    area.save()
    Action.objects.create(area=area, ref="1.9", text="A later action")
    Action.objects.get(pk=term.bob_action.pk).leads.set([term.council_colleague])  # a new lead for 1.2
    comment_record(action=term.bob_action, text="A later comment", publishable=True, by=term.pcf)

    after = render_body(content_of(term), draft=False)
    assert after == before
    now = report_content(term.plan, term.period, summary=SUMMARY)
    assert "Renamed area" in render_body(now, draft=False)
    assert lines_by_ref(now)["1.2"].leads == ["SEN Casework Manager (Cara Dune)"]


# The workflow.


def test_submit_needs_a_summary_and_a_closed_round(world):
    report = report_create(plan=world.plan, period=world.period, by=world.comms)
    assert report.status == Status.DRAFT and report.number == 1
    with pytest.raises(ValidationError) as refused:
        report_submit(report=report, by=world.comms, expected_version=report.version)
    assert "summary" in refused.value.message_dict
    assert "still open" in refused.value.message_dict["period"][0]
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_one_report_in_preparation_per_term(term):
    report_create(plan=term.plan, period=term.period, by=term.comms)
    with pytest.raises(ValidationError, match="already being prepared"):
        report_create(plan=term.plan, period=term.period, by=term.comms)


@pytest.mark.pdf
def test_the_whole_workflow_and_a_correction(term):
    report = report_create(plan=term.plan, period=term.period, summary=SUMMARY, by=term.comms)
    report = report_submit(report=report, by=term.comms, expected_version=report.version)
    assert report.as_at == term.closed_at
    with pytest.raises(ValidationError, match="cannot be published"):
        report_publish(report=report, by=term.comms, expected_version=report.version)
    report = report_approve(report=report, by=term.chair, expected_version=report.version)
    report = report_publish(report=report, by=term.comms, expected_version=report.version)

    stored = PublishedFile.objects.get(report=report)
    pdf = bytes(stored.pdf)
    assert report.status == Status.PUBLISHED and report.published_by == term.comms
    assert report.pdf_sha256 == stored.sha256 == hashlib.sha256(pdf).hexdigest()
    assert report.pdf_size == len(pdf)
    assert "Two therapists recruited." in pdf_text(pdf)
    assert "Two therapists recruited." in stored.html

    # Later edits change nothing published, and a published report cannot be edited or published again.
    update = term.bob_action.updates.get(period=term.period)
    update.progress = "Changed after publication"
    update.save()
    with pytest.raises(ValidationError):
        report_edit(report=report, summary="New words", by=term.comms, expected_version=report.version)
    with pytest.raises(ValidationError):
        report_publish(report=report, by=term.comms, expected_version=report.version)
    stored.refresh_from_db()
    assert hashlib.sha256(bytes(stored.pdf)).hexdigest() == report.pdf_sha256

    # A correction is a new version saying what it corrects, through the same steps.
    with pytest.raises(ValidationError, match="Say what"):
        report_correct(report=report, note="  ", by=term.comms)
    correction = report_correct(report=report, note="Action 1.2's progress was out of date.", by=term.comms)
    assert (correction.number, correction.corrects, correction.summary) == (2, report, SUMMARY)
    with pytest.raises(ValidationError, match="already being prepared"):
        report_correct(report=report, note="Again", by=term.comms)
    correction = report_submit(report=correction, by=term.comms, expected_version=correction.version)
    correction = report_approve(report=correction, by=term.chair, expected_version=correction.version)
    correction = report_publish(report=correction, by=term.comms, expected_version=correction.version)
    text = pdf_text(bytes(correction.published_file.pdf))
    assert "Changed after publication" in text
    assert "This version corrects version 1" in text
    stored.refresh_from_db()
    assert bytes(stored.pdf) == pdf


def test_the_chair_sends_a_report_back_with_a_reason(term):
    report = report_create(plan=term.plan, period=term.period, summary=SUMMARY, by=term.comms)
    report = report_submit(report=report, by=term.comms, expected_version=report.version)
    with pytest.raises(ValidationError, match="what needs to change"):
        report_return(report=report, note="", by=term.chair, expected_version=report.version)
    report = report_return(report=report, note="Say more about waiting lists.", by=term.chair, expected_version=2)
    assert (report.status, report.as_at, report.returned_note) == (Status.DRAFT, None, "Say more about waiting lists.")


def test_a_stale_step_is_refused_with_who_changed_what(term):
    report = report_create(plan=term.plan, period=term.period, summary=SUMMARY, by=term.comms)
    seen = report.version
    report_edit(report=report, summary="The chair's words.", by=term.chair, expected_version=seen)
    stale = TermlyReport.objects.get(pk=report.pk)
    with pytest.raises(StaleEditError) as refused:
        report_submit(report=stale, by=term.comms, expected_version=seen)
    assert "summary" in refused.value.message.lower() or refused.value.changes
    assert TermlyReport.objects.get(pk=report.pk).status == Status.DRAFT


def test_start_form_shows_errors_and_keeps_what_was_typed(term, client):
    report_create(plan=term.plan, period=term.period, by=term.comms)
    client.force_login(term.comms)
    response = client.post(
        reverse("report-new", args=[term.plan.slug]), {"period": term.period.pk, "summary": "My typed summary"}
    )
    assert response.status_code == 400
    assert "already being prepared" in response.text
    assert "My typed summary" in response.text


@pytest.mark.pdf
def test_render_report_command_writes_a_pdf(term, tmp_path):
    out = tmp_path / "spring.pdf"
    stdout = io.StringIO()
    call_command("render_report", term.plan.slug, "Spring 2026", "--out", str(out), stdout=stdout)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert "Two therapists recruited." in pdf_text(pdf)
    assert hashlib.sha256(pdf).hexdigest() in stdout.getvalue()


def test_the_pdf_file_name_is_safe_in_a_header(term):
    term.period.name = 'Spring "2026"; term/1'
    report = TermlyReport(plan=term.plan, period=term.period, number=2)
    assert report.filename == "riverside-wsoa-spring-2026-term1-v2.pdf"


def test_milestone_tables_are_on_a_grid_with_room_for_targets_in_words(term):
    """The print stylesheet fixes the milestone tables' columns (docs/decisions/0017-weasyprint-floor.md): each has
    its four columns, and a table whose targets include words is marked to give them the room."""
    milestone_table = re.compile(
        r'<table class="([^"]*app-report__milestones[^"]*)">.*?(<colgroup>.*?</colgroup>)', re.S
    )
    [(classes, columns)] = milestone_table.findall(render_body(content_of(term), draft=False))
    assert "app-report__milestones--text-targets" not in classes
    assert re.findall(r'<col class="([^"]+)">', columns) == [
        "app-report__col-milestone",
        "app-report__col-target",
        "app-report__col-due",
        "app-report__col-rating",
    ]
    milestone = Milestone.objects.get(months=12)
    milestone.target_text = "In place and reviewed by the board"
    milestone.save()
    now = report_content(term.plan, term.period, summary=SUMMARY)  # the term as it is now, with the words
    [(classes, _)] = milestone_table.findall(render_body(now, draft=False))
    assert "app-report__milestones--text-targets" in classes.split()
