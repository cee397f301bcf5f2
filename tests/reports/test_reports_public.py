"""The public Local Offer pages, as an anonymous visitor sees them: published reports only, each with its stored
page and PDF; drafts and reports waiting for approval do not exist there; every staff report page asks to log in.

One plan, built once for the module: Spring 2026 published (alice's action rated Green, the round then closed),
Autumn 2025 submitted to the chair, Summer 2026 a draft. Each test runs in its own rolled-back transaction."""

import hashlib
from datetime import date

import pytest
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse

from actions.models import Rag, ReportingPeriod
from actions.services import progress_update_submit
from governance.services import round_close
from reports.models import PublishedFile, TermlyReport
from reports.services import report_approve, report_correct, report_create, report_publish, report_submit
from tests import factories
from tests.conftest import World

# One worker builds the module-scoped fixture once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("reports_public")

SUMMARY = "This term the weekly EHC panel started. Families told us letters are clearer."
PROGRESS = "The weekly EHC panel is running."


def publish(report: TermlyReport, world) -> TermlyReport:
    """Submit, approve and publish through the services, as the comms officer and the chair would."""
    report = report_submit(report=report, by=world.comms, expected_version=report.version)
    report = report_approve(report=report, by=world.chair, expected_version=report.version)
    return report_publish(report=report, by=world.comms, expected_version=report.version)


@pytest.fixture(scope="module", autouse=True)
def stand_in_pdf():
    """What is checked here is which stored file is served to whom, not the PDF (tests/reports/test_reports.py and
    test_report_pdf.py render and read real ones): a few bytes per report and version stand in for WeasyPrint."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "reports.services.render_pdf",
            lambda content, report=None, **kwargs: (
                f"%PDF-1.7\n% report {report.pk} v{report.version}\n%%EOF\n".encode()
            ),
        )
        yield


@pytest.fixture(scope="module")
def reported(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = World()
        action = world.alice_action
        progress_update_submit(
            action=action,
            period=world.period,
            rag=Rag.GREEN,
            progress=PROGRESS,
            impact="Plans are issued sooner.",
            by=world.alice,
            expected_version=action.version,
        )
        round_close(period=world.period, by=world.manager, expected_version=world.period.version)
        spring = report_create(plan=world.plan, period=world.period, summary=SUMMARY, by=world.comms)
        world.published = publish(spring, world)
        autumn = report_create(plan=world.plan, period=world.closed_period, summary="Autumn words.", by=world.comms)
        world.submitted = report_submit(report=autumn, by=world.comms, expected_version=autumn.version)
        summer = ReportingPeriod.objects.create(
            plan=world.plan, name="Summer 2026", start=date(2026, 5, 1), end=date(2026, 8, 31), status="open"
        )
        world.draft = report_create(plan=world.plan, period=summer, summary="Draft words.", by=world.comms)
        yield world
        transaction.set_rollback(True)


def public_url(name, report):
    return reverse(name, args=[report.plan.slug, report.pk])


def test_index_lists_the_plan(client, reported, db):
    response = client.get(reverse("public-index"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("public-plan", args=[reported.plan.slug]) in page
    assert "Riverside: Written Statement of Action" in page
    assert "1 progress report published." in page


def test_plan_page_lists_only_the_published_report(client, reported, db):
    report = reported.published
    response = client.get(reverse("public-plan", args=[reported.plan.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    assert public_url("public-report", report) in page
    assert f'href="{public_url("public-report-pdf", report)}"' in page
    assert f"(PDF, {filesizeformat(report.pdf_size)})" in page
    for unpublished in (reported.submitted, reported.draft):
        assert public_url("public-report", unpublished) not in page
        assert public_url("public-report-pdf", unpublished) not in page
    assert "Progress report: Spring 2026" in page
    assert "Autumn 2025" not in page
    assert "Summer 2026" not in page


def test_published_report_page_shows_the_stored_report(client, reported, db):
    report = reported.published
    response = client.get(public_url("public-report", report))
    assert response.status_code == 200
    page = response.content.decode()
    assert PublishedFile.objects.get(report=report).html in page
    assert "Progress report: Spring 2026" in page
    assert SUMMARY in page
    assert PROGRESS in page
    assert "has not been approved for publication" not in page
    assert "This version has been replaced" not in page
    assert f'href="{public_url("public-report-pdf", report)}"' in page


def test_pdf_download_is_the_stored_file(client, reported, db):
    report = reported.published
    stored = bytes(PublishedFile.objects.get(report=report).pdf)
    response = client.get(public_url("public-report-pdf", report))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{report.filename}"'
    assert response.content == stored
    assert response.content.startswith(b"%PDF-")
    assert hashlib.sha256(response.content).hexdigest() == report.pdf_sha256
    assert len(response.content) == report.pdf_size


@pytest.mark.parametrize("which", ["draft", "submitted"])
@pytest.mark.parametrize("name", ["public-report", "public-report-pdf"])
def test_unpublished_reports_are_not_found(client, reported, db, which, name):
    response = client.get(public_url(name, getattr(reported, which)))
    assert response.status_code == 404


def test_published_report_under_another_plan_is_not_found(client, reported, db):
    factories.make_plan("riverside-pap", open_period=False)
    response = client.get(reverse("public-report", args=["riverside-pap", reported.published.pk]))
    assert response.status_code == 404


def test_plan_with_nothing_published_is_not_found(client, reported, db):
    other = factories.make_plan("riverside-pap", open_period=False)
    report_create(plan=other, period=other.periods.get(status="closed"), summary="Not yet.", by=reported.comms)
    assert client.get(reverse("public-plan", args=[other.slug])).status_code == 404
    assert reverse("public-plan", args=[other.slug]) not in client.get(reverse("public-index")).content.decode()


STAFF_URLS = [
    ("report-index", lambda w: []),
    ("report-list", lambda w: [w.plan.slug]),
    ("report-detail", lambda w: [w.published.pk]),
    ("report-detail", lambda w: [w.draft.pk]),
    ("report-preview", lambda w: [w.published.pk]),
    ("report-preview", lambda w: [w.draft.pk]),
    ("report-pdf", lambda w: [w.published.pk]),
    ("report-pdf", lambda w: [w.draft.pk]),
]


@pytest.mark.parametrize(("name", "args"), STAFF_URLS)
def test_staff_report_pages_ask_anonymous_visitors_to_log_in(client, reported, db, name, args):
    url = reverse(name, args=args(reported))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_a_published_correction_replaces_the_earlier_version(client, reported, db):
    first = reported.published
    first_pdf = bytes(PublishedFile.objects.get(report=first).pdf)
    note = "Action 1.1 was shown as Green; it was rated Amber."
    correction = report_correct(report=first, note=note, by=reported.comms)
    # Still a draft: the published version is not replaced yet.
    assert "replaced" not in client.get(public_url("public-report", first)).content.decode()
    assert client.get(public_url("public-report", correction)).status_code == 404
    second = publish(correction, reported)

    page = client.get(public_url("public-report", first)).content.decode()
    assert "This version has been replaced." in page
    assert f'href="{public_url("public-report", second)}"' in page
    assert f"Read version 2</a>: {note}" in page
    # The earlier version's file is still there, unchanged.
    assert client.get(public_url("public-report-pdf", first)).content == first_pdf

    page = client.get(public_url("public-report", second)).content.decode()
    assert "This version has been replaced" not in page
    assert "This version corrects version 1" in page
    assert note in page
    download = client.get(public_url("public-report-pdf", second))
    assert download["Content-Disposition"] == 'attachment; filename="riverside-wsoa-spring-2026-v2.pdf"'
    assert download.content == bytes(PublishedFile.objects.get(report=second).pdf) != first_pdf

    plan_page = client.get(reverse("public-plan", args=[reported.plan.slug])).content.decode()
    assert "Replaced by version 2." in plan_page
    assert plan_page.index(public_url("public-report", second)) < plan_page.index(public_url("public-report", first))
