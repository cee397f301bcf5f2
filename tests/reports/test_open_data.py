"""Open data, feeds and the chair's updates on the Local Offer: only what the published report shows.

The term of tests/reports/test_reports.py (a DCO whose name is not to be published, a lead's unsubmitted draft, a
challenge, a comment not marked publishable) with more that must stay inside: an internal evidence note on an
update, the reason a due date was revised, a measurement's note, a milestone's commentary, a board's minutes and a
chair's update not published. The report is published through the services (with a stand-in PDF), and every
public output is read as an anonymous visitor reads it."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import jsonschema
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from boards.models import Board, Meeting
from evidence.models import EvidenceFile
from kpis.models import Measurement, Milestone
from reports.models import PublishedFile, TermlyReport
from reports.open_data import ACTION_COLUMNS, KPI_COLUMNS
from reports.public_views import SCHEMA_FILE
from reports.services import report_approve, report_create, report_publish, report_submit
from tests.reports.test_reports import SUMMARY, build_term

ATOM = "{http://www.w3.org/2005/Atom}"
# Text that exists in the plan's records but must never leave the app.
SECRETS = [
    "Bob Hale",  # the DCO, whose name is not to be published
    "UNSUBMITTED DRAFT TEXT",
    "CHALLENGE TEXT",
    "PRIVATE COMMENT",
    "INTERNAL EVIDENCE NOTE",
    "REVISED DUE REASON",
    "MEASUREMENT NOTE",
    "MILESTONE COMMENTARY",
    "SECRET MINUTES",
    "UNPUBLISHED CHAIR UPDATE",
    "DRAFT REPORT SUMMARY",
    "LIVE TEXT CHANGED AFTER PUBLICATION",
    "INTERNAL-panel-minutes",  # evidence not marked publishable
    "REMOVED-audit",  # publishable, but removed
    "DRAFT-evidence",  # publishable, on a draft update
    "OLDER-TERM",  # publishable, on an update the report does not show
]
PDF = b"%PDF-1.7\n% evidence\n%%EOF\n"


@pytest.fixture
def stand_in_pdf(monkeypatch):
    """Which content reaches the public is the question here, not the PDF (test_report_pdf.py renders real ones)."""
    monkeypatch.setattr("reports.services.render_pdf", lambda content, report=None, **kwargs: b"%PDF-1.7\n%%EOF\n")


def attach(update, name, *, publishable=True, removed=False, when):
    """An evidence file written directly: the round is closed, so evidence_add (rightly) refuses new files."""
    stored = default_storage.save(f"evidence/test/{name}", ContentFile(PDF))
    return EvidenceFile.objects.create(
        update=update,
        file=stored,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
        uploaded_at=when,
        publishable=publishable,
        removed_at=when if removed else None,
    )


@pytest.fixture
def published(world, stand_in_pdf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = build_term(world)
    before = world.closed_at - timedelta(minutes=5)
    spring = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    world.evidence = attach(spring, "published-audit.pdf", when=before)
    attach(spring, "INTERNAL-panel-minutes.pdf", publishable=False, when=before)
    attach(spring, "REMOVED-audit.pdf", removed=True, when=before)
    draft = ProgressUpdate.objects.get(action=world.colleague_action, period=world.period)
    world.hidden = [
        attach(draft, "DRAFT-evidence.pdf", when=before),
        attach(
            ProgressUpdate.objects.get(action=world.bob_action, period=world.closed_period),
            "OLDER-TERM.pdf",
            when=before,
        ),
    ]
    ProgressUpdate.objects.filter(action=world.alice_action, period=world.period).update(
        evidence="INTERNAL EVIDENCE NOTE: https://intranet.example/panel-minutes"
    )
    Action.objects.filter(pk=world.bob_action.pk).update(
        revised_due_date=date(2026, 7, 31), revised_due_reason="REVISED DUE REASON: the recruiter left"
    )
    Measurement.objects.filter(kpi__ref="K1").update(note="MEASUREMENT NOTE: figures from the old system")
    Milestone.objects.filter(kpi__ref="K1").update(commentary="MILESTONE COMMENTARY: off track, say nothing yet")
    report = report_create(plan=world.plan, period=world.period, summary=SUMMARY, by=world.comms)
    report = report_submit(report=report, by=world.comms, expected_version=report.version)
    report = report_approve(report=report, by=world.chair, expected_version=report.version)
    world.report = report_publish(report=report, by=world.comms, expected_version=report.version)
    # Changed since: the published report, and its data, keep what was published.
    Action.objects.filter(pk=world.alice_action.pk).update(text="LIVE TEXT CHANGED AFTER PUBLICATION")
    # The next term's report is only a draft.
    world.draft = report_create(
        plan=world.plan, period=world.closed_period, summary="DRAFT REPORT SUMMARY", by=world.comms
    )
    board = Board.objects.create(name="SEND Improvement Board", kind=Board.Kind.IMPROVEMENT)
    board.plans.set([world.plan])
    world.meeting = Meeting.objects.create(
        board=board,
        date=timezone.localdate() - timedelta(days=7),
        title="Spring review",
        minutes="SECRET MINUTES: the finance gap",
        chair_update="We agreed to fund two EHC plan coordinators.\n\nFamilies will hear more in June.",
        chair_update_published_at=timezone.now(),
    )
    world.unpublished = Meeting.objects.create(
        board=board, date=timezone.localdate() - timedelta(days=1), chair_update="UNPUBLISHED CHAIR UPDATE"
    )
    return world


def url(name, report):
    return reverse(name, args=[report.plan.slug, report.pk])


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def public_outputs(client, world) -> dict[str, str]:
    report, slug = world.report, world.plan.slug
    urls = {
        "json": url("public-report-json", report),
        "actions": url("public-report-actions-csv", report),
        "kpis": url("public-report-kpis-csv", report),
        "plan feed": reverse("public-plan-feed", args=[slug]),
        "site feed": reverse("public-feed"),
        "plan page": reverse("public-plan", args=[slug]),
        "report page": url("public-report", report),
        "chair update": reverse("public-chair-update", args=[slug, world.meeting.pk]),
    }
    outputs = {}
    for what, address in urls.items():
        response = client.get(address)
        assert response.status_code == 200, what
        outputs[what] = response.content.decode("utf-8-sig")
    return outputs


def test_nothing_unpublished_reaches_any_public_output(client, published):
    outputs = public_outputs(client, published)
    for what, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} is in the {what}"
    # What the report does publish is there: the DCO by post, bob's progress, the publishable comment's lead.
    assert "Designated Clinical Officer" in outputs["actions"]
    assert "Two therapists recruited." in outputs["actions"]
    assert "Two therapists recruited." in outputs["json"]
    assert "EHCPs issued within 20 weeks" in outputs["kpis"]
    assert "We agreed to fund two EHC plan coordinators." in outputs["chair update"]


def test_the_actions_csv_is_the_json_and_the_page(client, published):
    report = published.report
    data = json.loads(client.get(url("public-report-json", report)).content)
    rows = csv_rows(client.get(url("public-report-actions-csv", report)))
    assert list(rows[0]) == ACTION_COLUMNS
    assert len(rows) == len(data["actions"]) == 4
    for row, entry in zip(rows, data["actions"], strict=True):
        for column in ACTION_COLUMNS:
            expected = entry[column]
            if column == "leads":
                expected = "; ".join(expected)
            assert row[column] == ("" if expected is None else str(expected)), column
    by_ref = {entry["action_ref"]: entry for entry in data["actions"]}
    assert by_ref["1.1"]["rating"] == "green" and by_ref["1.1"]["rating_label"] == "Green"
    assert by_ref["1.2"]["rating"] == "red"
    # The revised date was recorded after the round closed: the report (and so its data) is as at the close.
    assert by_ref["1.2"]["due"] == "Ongoing" and by_ref["1.2"]["due_date"] is None
    assert by_ref["1.2"]["leads"] == ["Designated Clinical Officer"]
    # The colleague's action shows the autumn rating (the spring one is a draft), and says so.
    assert by_ref["1.4"]["rating"] == "amber" and by_ref["1.4"]["rated_in"] == published.closed_period.name
    # Every text in the CSV is on the public page too (the page escapes quotes and ampersands).
    page = client.get(url("public-report", report)).content.decode()
    for entry in data["actions"]:
        for column in ("action_ref", "area_title", "progress", "impact", *entry["leads"]):
            text = entry.get(column, column)
            assert str(text).replace("'", "&#x27;") in page
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["attribution"] in page


def test_the_kpis_csv_is_the_json(client, published):
    report = published.report
    data = json.loads(client.get(url("public-report-json", report)).content)
    rows = csv_rows(client.get(url("public-report-kpis-csv", report)))
    assert list(rows[0]) == KPI_COLUMNS
    measurements = [m for kpi in data["kpis"] for m in kpi["measurements"]]
    assert [(r["kpi_ref"], r["period_date"], r["value"]) for r in rows] == [
        ("K1", "2026-01-28", "38"),
        ("K1", "2026-02-28", "41"),
        ("K1", "2026-03-28", "47"),
    ]
    assert [float(r["value"]) for r in rows] == [m["value"] for m in measurements]
    (kpi,) = data["kpis"]
    assert [(m["months"], m["due"], m["rating"]) for m in kpi["milestones"]] == [(6, True, "red"), (12, False, "")]


def test_the_json_follows_its_schema(client, published):
    data = json.loads(client.get(url("public-report-json", published.report)).content)
    schema = json.loads(client.get(reverse("public-open-data-schema")).content)
    assert schema == json.loads(SCHEMA_FILE.read_text())
    jsonschema.validate(data, schema, format_checker=jsonschema.FormatChecker())
    assert data["links"]["page"].endswith(url("public-report", published.report))


def test_downloads_say_what_they_are(client, published):
    report = published.report
    stem = f"{report.plan.slug}-{report.period.name.lower().replace(' ', '-')}"
    for name, kind, filename in [
        ("public-report-actions-csv", "text/csv; charset=utf-8", f'attachment; filename="{stem}-actions.csv"'),
        ("public-report-kpis-csv", "text/csv; charset=utf-8", f'attachment; filename="{stem}-kpis.csv"'),
        ("public-report-json", "application/json; charset=utf-8", f'inline; filename="{stem}.json"'),
    ]:
        response = client.get(url(name, report))
        assert response["Content-Type"] == kind
        assert response["Content-Disposition"] == filename
        # As the report's own page: no caching headers of its own.
        assert "Cache-Control" not in response
    assert client.get(url("public-report-actions-csv", report)).content.startswith(b"\xef\xbb\xbfplan,period,")
    assert client.get(url("public-report-json", report)).content.startswith(b"{")


def test_a_spreadsheet_formula_in_an_update_is_not_run(client, published):
    """A lead's words starting with = are written with an apostrophe first, so Excel shows them rather than runs
    them; "- " lists are left alone. (Set in the frozen data directly: a published report never changes.)"""
    stored = PublishedFile.objects.get(report=published.report)
    row = {**stored.data["actions"][0], "progress": '=HYPERLINK("http://evil")', "impact": "- a list\n- of things"}
    PublishedFile.objects.filter(pk=stored.pk).update(data={**stored.data, "actions": [row]})
    (parsed,) = csv_rows(client.get(url("public-report-actions-csv", published.report)))
    assert parsed["progress"] == '\'=HYPERLINK("http://evil")'
    assert parsed["impact"] == "- a list\n- of things"


def test_feeds_list_published_reports(client, published):
    report = published.report
    for address in (reverse("public-plan-feed", args=[published.plan.slug]), reverse("public-feed")):
        response = client.get(address)
        assert response["Content-Type"].startswith("application/atom+xml")
        feed = ET.fromstring(response.content)
        assert feed.tag == f"{ATOM}feed"
        assert feed.findtext(f"{ATOM}id") and feed.findtext(f"{ATOM}title") and feed.findtext(f"{ATOM}updated")
        self_link = feed.find(f"{ATOM}link[@rel='self']")
        assert self_link is not None and self_link.get("href").endswith(address)
        (entry,) = feed.findall(f"{ATOM}entry")
        link = entry.find(f"{ATOM}link").get("href")
        assert link.endswith(url("public-report", report))
        assert entry.findtext(f"{ATOM}id") == link
        assert entry.findtext(f"{ATOM}title") == f"{published.plan.title}: progress report, {report.period.name}"
        assert entry.findtext(f"{ATOM}updated").startswith(report.published_at.date().isoformat()[:4])
        assert entry.findtext(f"{ATOM}summary").startswith("More EHCPs were finished on time")
    page = client.get(url("public-report", report)).content.decode()
    feed_url = reverse("public-plan-feed", args=[published.plan.slug])
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed_url}"' in page


def test_unpublished_reports_have_no_data(client, published):
    names = ["public-report-json", "public-report-actions-csv", "public-report-kpis-csv"]
    submitted = report_submit(report=published.draft, by=published.comms, expected_version=published.draft.version)
    for report in (published.draft, submitted):
        for name in names:
            assert client.get(url(name, report)).status_code == 404
    # A report of another plan's address, and one published before open data was kept, have none either.
    for name in names:
        assert client.get(reverse(name, args=["another-plan", published.report.pk])).status_code == 404
    PublishedFile.objects.filter(report=published.report).update(data=None)
    for name in names:
        assert client.get(url(name, published.report)).status_code == 404
    page = client.get(url("public-report", published.report)).content.decode()
    assert "as open data" not in page


def test_plan_with_nothing_published_has_no_feed(client, published):
    TermlyReport.objects.filter(pk=published.report.pk).update(status=TermlyReport.Status.APPROVED)
    assert client.get(reverse("public-plan-feed", args=[published.plan.slug])).status_code == 404
    feed = ET.fromstring(client.get(reverse("public-feed")).content)
    assert feed.findall(f"{ATOM}entry") == []
    assert (
        client.get(reverse("public-chair-update", args=[published.plan.slug, published.meeting.pk])).status_code == 404
    )


def test_chair_update_page_shows_only_published_updates(client, published):
    slug = published.plan.slug
    plan_page = client.get(reverse("public-plan", args=[slug])).content.decode()
    address = reverse("public-chair-update", args=[slug, published.meeting.pk])
    assert f'href="{address}"' in plan_page
    assert reverse("public-chair-update", args=[slug, published.unpublished.pk]) not in plan_page
    page = client.get(address).content.decode()
    assert '<h1 class="govuk-heading-l">Chair\'s update: SEND Improvement Board' in page
    assert f"Published {timezone.localdate():%-d %B %Y}" in page
    assert '<p class="govuk-body">Families will hear more in June.</p>' in page
    assert client.get(reverse("public-chair-update", args=[slug, published.unpublished.pk])).status_code == 404
    # Taken down (unticked), or a board that does not oversee this plan: not found either.
    other = Board.objects.create(name="Another area's board", kind=Board.Kind.IMPROVEMENT)
    elsewhere = Meeting.objects.create(
        board=other, date=date(2026, 1, 5), chair_update="Elsewhere", chair_update_published_at=timezone.now()
    )
    assert client.get(reverse("public-chair-update", args=[slug, elsewhere.pk])).status_code == 404
    Meeting.objects.filter(pk=published.meeting.pk).update(chair_update_published_at=None)
    assert client.get(address).status_code == 404


def test_publishable_evidence_of_the_published_updates_is_listed_and_served(client, published):
    report, slug = published.report, published.plan.slug
    evidence = published.evidence
    address = reverse("public-evidence", args=[slug, report.pk, evidence.pk])
    page = client.get(url("public-report", report)).content.decode()
    assert f'href="{address}"' in page
    assert "Evidence published with this report" in page
    data = json.loads(client.get(url("public-report-json", report)).content)
    assert [(f["name"], f["action_ref"]) for f in data["evidence_files"]] == [("published-audit.pdf", "1.1")]
    assert data["evidence_files"][0]["url"].endswith(address)
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="published-audit.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    # Files the report does not list are missing, even asked for by id under the published report.
    for hidden in EvidenceFile.objects.exclude(pk=evidence.pk):
        assert client.get(reverse("public-evidence", args=[slug, report.pk, hidden.pk])).status_code == 404
    # Unmarked (or removed) after publication: no longer served, though the frozen list named it.
    EvidenceFile.objects.filter(pk=evidence.pk).update(publishable=False)
    assert client.get(address).status_code == 404
    # Not under a draft report either.
    assert client.get(reverse("public-evidence", args=[slug, published.draft.pk, evidence.pk])).status_code == 404


def test_a_report_published_before_open_data_gets_exactly_its_data_back(client, published):
    stored = PublishedFile.objects.get(report=published.report)
    kept = stored.data
    PublishedFile.objects.filter(pk=stored.pk).update(data=None)  # as a report published before open data existed
    out = io.StringIO()
    call_command("backfill_open_data", "--dry-run", stdout=out)
    assert "would be stored" in out.getvalue() and PublishedFile.objects.get(pk=stored.pk).data is None
    out = io.StringIO()
    call_command("backfill_open_data", stdout=out)
    assert "open data stored" in out.getvalue() and "1 stored" in out.getvalue()
    # Rebuilt as at the report's figures, not from today's records (an action's text was changed since).
    assert PublishedFile.objects.get(pk=stored.pk).data == json.loads(json.dumps(kept))
    assert client.get(url("public-report-actions-csv", published.report)).status_code == 200
    out = io.StringIO()
    call_command("backfill_open_data", stdout=out)
    assert "has its open data" in out.getvalue()


def test_a_report_whose_page_cannot_be_rebuilt_exactly_is_left_without_open_data(published):
    stored = PublishedFile.objects.get(report=published.report)
    # The page as published differs from what the records give now (a template or glossary changed since).
    PublishedFile.objects.filter(pk=stored.pk).update(data=None, html=stored.html + "<p>As first published.</p>")
    out = io.StringIO()
    call_command("backfill_open_data", stdout=out)
    assert "left without open data" in out.getvalue()
    assert PublishedFile.objects.get(pk=stored.pk).data is None


def test_the_feeds_read_as_many_queries_for_three_reports_as_for_one(client, published, django_assert_num_queries):
    addresses = (reverse("public-plan-feed", args=[published.plan.slug]), reverse("public-feed"))
    counts = []
    for address in addresses:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    # Two more published versions of the report (as corrections would add), each an entry of both feeds.
    report = TermlyReport.objects.get(pk=published.report.pk)
    for number in (2, 3):
        report.pk, report.number = None, number
        report.save()
    for address, count in zip(addresses, counts, strict=True):
        with django_assert_num_queries(count):
            feed = ET.fromstring(client.get(address).content)
        assert len(feed.findall("{http://www.w3.org/2005/Atom}entry")) == 3
