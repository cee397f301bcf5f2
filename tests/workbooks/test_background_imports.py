"""Large workbooks are checked and imported by background jobs: the upload answers at once with the job's page,
the check leads to the usual preview (or the problems, by sheet, row, column and value), confirming queues the
import, which is still all or nothing; a small workbook is still previewed in its own request."""

import pytest
from django.urls import reverse

from actions.models import Action, Plan
from actions.permissions import Role
from jobs.models import Job
from tests import factories
from tests.jobs import run_queued_jobs
from tests.workbook_builders import workbook
from workbooks.importer import ImportResult, Problem, import_workbook
from workbooks.models import WorkbookUpload

pytestmark = pytest.mark.django_db

ACTIONS = 6


def tracker(last_due: str = "March 2026") -> bytes:
    return workbook(
        {
            "Plan": [
                ["field", "value"],
                ["local area", "Bigshire"],
                ["title", "Written Statement of Action"],
                ["type", "WSoA"],
                ["start date", "01/09/2025"],
            ],
            "Areas": [["ref", "title"], ["1", "Timeliness of EHC plans"]],
            "Actions": [["area", "ref", "action", "leads", "due"]]
            + [
                ["1", f"1.{n}", f"Action {n}", "Head of SEND (Alice Moreno)", last_due if n == ACTIONS else "July 2026"]
                for n in range(1, ACTIONS + 1)
            ],
        }
    ).getvalue()


@pytest.fixture(autouse=True)
def small_threshold(settings):
    settings.SENDPLAN_IMPORT_BACKGROUND_ROWS = 5  # the tracker has 5 plan rows, 1 area and 6 actions


def upload(client, content: bytes, name: str = "bigshire.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("workbook-upload"), {"workbook": file})


def job_at(response) -> Job:
    assert response.status_code == 302, response.content[:300]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_a_large_workbook_is_checked_then_imported_in_the_background(client, world):
    client.force_login(world.manager)
    check = job_at(upload(client, tracker()))
    staged = WorkbookUpload.objects.get()
    assert (staged.status, staged.rows, check.label) == ("checking", 11, "Check bigshire.xlsx (11 rows)")

    run_queued_jobs()

    check.refresh_from_db()
    preview_url = reverse("workbook-preview", args=[staged.pk])
    assert (check.status, check.result_url, check.result_label) == (
        "done",
        preview_url,
        "Check what the import will do",
    )
    assert not Plan.objects.filter(local_area="Bigshire").exists()  # a check writes nothing
    page = client.get(preview_url).content.decode()
    assert "Check what the import will do" in page and "Bigshire: Written Statement of Action" in page
    assert "Confirm and import" in page

    importing = job_at(client.post(reverse("workbook-confirm", args=[staged.pk])))
    assert WorkbookUpload.objects.get().status == "importing"
    assert client.get(preview_url)["Location"] == importing.get_absolute_url()  # the page follows the job
    run_queued_jobs()

    importing.refresh_from_db()
    plan = Plan.objects.get(local_area="Bigshire")
    assert importing.status == "done" and importing.result_url == plan.get_absolute_url()
    assert importing.result_label.startswith("Open the plan (")
    assert Action.objects.filter(area__plan=plan).count() == ACTIONS
    staged.refresh_from_db()
    assert (staged.status, bytes(staged.content)) == ("imported", b"")  # the outcome stays, the file goes
    assert client.get(preview_url)["Location"] == plan.get_absolute_url()


def test_problems_found_by_the_check_are_listed_by_sheet_row_column_and_value(client, world):
    client.force_login(world.manager)
    check = job_at(upload(client, tracker(last_due="Quarter 3")))
    run_queued_jobs()
    check.refresh_from_db()
    staged = WorkbookUpload.objects.get()
    assert check.status == "failed"
    assert check.error == "Nothing can be imported: 1 problem to correct in the workbook."
    assert (check.result_url, check.result_label) == (reverse("workbook-preview", args=[staged.pk]), "See the problems")
    response = client.get(check.result_url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported: 1 problem to correct" in page
    assert "Quarter 3" in page and '<td class="govuk-table__cell">Actions</td>' in page
    assert (staged.status, bytes(staged.content)) == ("refused", b"")
    assert client.post(reverse("workbook-confirm", args=[staged.pk])).status_code == 404


def test_an_import_refused_at_confirmation_imports_nothing_and_lists_why(client, world, monkeypatch):
    client.force_login(world.manager)
    job_at(upload(client, tracker()))
    run_queued_jobs()
    staged = WorkbookUpload.objects.get()

    def changed_meanwhile(file, **kwargs):
        return ImportResult(problems=[Problem("Actions", 7, "leads", "Head of SEND", "no such officer any more")])

    monkeypatch.setattr("workbooks.services.import_workbook", changed_meanwhile)
    importing = job_at(client.post(reverse("workbook-confirm", args=[staged.pk])))
    run_queued_jobs()
    importing.refresh_from_db()
    assert importing.status == "failed"
    assert importing.error.startswith("Nothing was imported: the plan changed since the check, and 1 problem")
    assert not Plan.objects.filter(local_area="Bigshire").exists()
    assert "no such officer any more" in client.get(importing.result_url).content.decode()


def test_a_crashed_check_can_be_tried_again(client, world, monkeypatch):
    client.force_login(world.manager)
    check = job_at(upload(client, tracker()))

    def broken(*args, **kwargs):
        raise MemoryError("out of memory")

    with monkeypatch.context() as patch:
        patch.setattr("workbooks.services.import_workbook", broken)
        run_queued_jobs()
    check.refresh_from_db()
    assert check.status == "failed" and "Try again" in check.error
    client.post(reverse("job-retry", args=[check.pk]))
    run_queued_jobs()
    check.refresh_from_db()
    assert (check.status, check.attempts) == ("done", 2)


def test_a_small_workbook_is_still_previewed_in_its_own_request(client, world, settings):
    settings.SENDPLAN_IMPORT_BACKGROUND_ROWS = 100
    client.force_login(world.manager)
    response = upload(client, tracker())
    assert response.status_code == 200
    assert "Check what the import will do" in response.content.decode()
    assert not Job.objects.exists()


def test_an_upload_and_its_jobs_are_its_uploaders_alone(client, world):
    client.force_login(world.manager)
    check = job_at(upload(client, tracker()))
    run_queued_jobs()
    staged = WorkbookUpload.objects.get()
    other = factories.make_user("mo", Role.PROGRAMME_MANAGER)
    client.force_login(other)
    assert client.get(reverse("workbook-preview", args=[staged.pk])).status_code == 404
    assert client.get(check.get_absolute_url()).status_code == 404
    assert client.post(reverse("workbook-confirm", args=[staged.pk])).status_code == 404


def test_the_importer_says_which_part_it_is_on():
    told = []
    content = tracker()
    import io

    import_workbook(io.BytesIO(content), by=None, dry_run=True, progress=lambda *step: told.append(step))
    assert (
        told[0] == ("areas", 0, 14) and told[1] == ("actions", 1, 14) and told[-1] == ("partner organisations", 13, 14)
    )
