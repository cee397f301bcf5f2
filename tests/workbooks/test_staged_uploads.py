"""A staged upload (a whole workbook of plan data) is kept only between its preview and its confirmation: removed
once confirmed or refused, and after a day if nobody confirms it."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Plan
from tests.workbook_builders import oxfordshire_tracker, workbook
from workbooks.importer import ImportResult
from workbooks.models import WorkbookUpload
from workbooks.reader import Problem
from workbooks.services import upload_stage


@pytest.fixture
def manager(db):
    from actions.permissions import Role
    from tests.factories import make_user

    return make_user("morgan", Role.PROGRAMME_MANAGER, staff=True)


def _upload(sheets, name="plan.xlsx"):
    upload = workbook(sheets)
    upload.name = name
    return upload


def test_a_refused_preview_keeps_nothing(client, manager):
    sheets = oxfordshire_tracker()
    sheets["Actions"][1][4] = "Spring"
    client.force_login(manager)
    response = client.post(reverse("workbook-upload"), {"workbook": _upload(sheets, "bad.xlsx")})
    assert response.status_code == 400
    assert "bad.xlsx" in response.content.decode()
    assert not WorkbookUpload.objects.exists()


def test_a_confirmed_upload_is_removed_and_cannot_be_confirmed_again(client, manager):
    client.force_login(manager)
    assert client.post(reverse("workbook-upload"), {"workbook": _upload(oxfordshire_tracker())}).status_code == 200
    staged = WorkbookUpload.objects.get()
    assert client.post(reverse("workbook-confirm", args=[staged.pk])).status_code == 302
    assert Plan.objects.count() == 1
    assert not WorkbookUpload.objects.exists()
    assert client.post(reverse("workbook-confirm", args=[staged.pk])).status_code == 404


def test_an_upload_refused_at_confirmation_is_removed(client, manager, monkeypatch):
    client.force_login(manager)
    client.post(reverse("workbook-upload"), {"workbook": _upload(oxfordshire_tracker())})
    staged = WorkbookUpload.objects.get()
    # Someone changed the plan between the preview and the confirmation, so the import is refused this time.
    refused = ImportResult(problems=[Problem("Actions", 2, "Ref", "1.1", "is already an action of area 2.")])
    monkeypatch.setattr("workbooks.services.import_workbook", lambda *args, **kwargs: refused)
    response = client.post(reverse("workbook-confirm", args=[staged.pk]))
    assert response.status_code == 400
    assert "is already an action of area 2." in response.content.decode()
    assert not WorkbookUpload.objects.exists()


def test_uploads_nobody_confirmed_are_removed_after_a_day(manager):
    content = workbook(oxfordshire_tracker()).getvalue()
    old, recent = (upload_stage(filename=f"{age}.xlsx", content=content, by=manager)[0] for age in ("old", "recent"))
    WorkbookUpload.objects.filter(pk=old.pk).update(uploaded_at=timezone.now() - timedelta(hours=25))
    WorkbookUpload.objects.filter(pk=recent.pk).update(uploaded_at=timezone.now() - timedelta(hours=23))
    newest, _ = upload_stage(filename="new.xlsx", content=content, by=manager)  # each upload tidies up
    assert set(WorkbookUpload.objects.values_list("filename", flat=True)) == {"recent.xlsx", "new.xlsx"}
    WorkbookUpload.objects.update(uploaded_at=timezone.now() - timedelta(days=2))
    out = io.StringIO()
    call_command("purge_staged_uploads", stdout=out)
    assert out.getvalue().strip() == "Removed 2 staged upload(s)."
    assert not WorkbookUpload.objects.exists()
