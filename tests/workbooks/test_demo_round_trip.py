"""Each demo plan exported, imported into an empty database and exported again gives the same workbook, cell for
cell: stages, percentages and completion dates included (docs/import.md)."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction

from actions.models import Action, Officer, Organisation, Plan, ProgressUpdate
from risks.models import Risk
from tests.workbooks.test_workbook_stage import load_cells
from workbooks.exporter import export_workbook
from workbooks.importer import import_workbook

# One worker loads the demo once for the module (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("demo_round_trip")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The reports the demo publishes are PDFs; stand-in bytes keep this module out of the PDF tests (as test_demo).
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        patch.setattr("reports.services.render_pdf", lambda *args, **kwargs: b"%PDF-1.7\n% stand-in\n%%EOF\n")
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def empty_the_database() -> None:
    """Everything a plan workbook holds, gone (what protects what is deleted first)."""
    from django.apps import apps

    for label in ("reports.PublishedFile", "reports.TermlyReport", "governance.Challenge", "boards.Board"):
        apps.get_model(label).objects.all().delete()
    ProgressUpdate.objects.all().delete()
    Risk.objects.all().delete()
    Plan.objects.all().delete()
    Officer.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.mark.parametrize("slug", ["oxfordshire-app-2020", "rbwm-wsoa-2017"])
def test_a_demo_plan_round_trips_with_zero_differing_cells(demo, db, slug):
    first = export_workbook(Plan.objects.get(slug=slug))
    manager = User.objects.get(username="manager")
    empty_the_database()
    assert not Action.objects.exists() and not Officer.objects.exists()
    result = import_workbook(io.BytesIO(first), by=manager, dry_run=False)
    assert result.ok, [str(p) for p in result.problems][:5]
    second = export_workbook(Plan.objects.get(slug=slug))
    before, after = load_cells(first), load_cells(second)
    differing = [
        (sheet, r, c, a, b)
        for sheet in before
        for r, (row_a, row_b) in enumerate(zip(before[sheet], after[sheet], strict=True))
        for c, (a, b) in enumerate(zip(row_a, row_b, strict=True))
        if a != b
    ]
    assert differing == []
    assert before == after  # and no row more or less
    # The demo's stages came through: some complete but still Green.
    assert Action.objects.filter(area__plan__slug=slug, stage="complete", current_rag="green").exists()
