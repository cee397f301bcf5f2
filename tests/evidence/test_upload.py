"""Attaching evidence: on the progress update form (saved with the update, all or nothing, with the typed update
kept when a file is refused) and on the Add evidence page of an update already given. Stored through Django's
storage API under a made-up name."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from actions.models import ProgressUpdate, ReportingPeriod
from evidence.models import EvidenceFile
from evidence.services import evidence_add
from tests.evidence.files import DOCX, EXE, PDF, PNG, pdf, upload
from tests.evidence.helpers import submitted_update

UPDATE = {"rag": "amber", "progress": "Panel dates agreed with schools.", "impact": "", "version": "1"}


def post_update(client, world, files, **fields):
    return client.post(
        reverse("action-update", args=[world.alice_action.pk]), {**UPDATE, **fields, "evidence-files": files}
    )


def test_the_update_form_takes_files_and_says_how(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("action-update", args=[world.alice_action.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" multiple' in page and 'name="evidence-files"' in page
    assert "PDF, Word (.docx, .doc), Excel (.xlsx, .xls), CSV, PNG or JPEG, up to 10.0\xa0MB each" in page


def test_a_lead_submits_an_update_with_two_files(client, world, media):
    client.force_login(world.alice)
    response = post_update(client, world, [pdf("SEND panel minutes.pdf"), upload("Rota.docx", DOCX)])
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=world.alice_action, period=world.period)
    files = list(update.evidence_files.order_by("original_name"))
    assert [(f.original_name, f.size, f.uploaded_by) for f in files] == [
        ("Rota.docx", len(DOCX), world.alice),
        ("SEND panel minutes.pdf", len(PDF), world.alice),
    ]
    assert files[1].content_type == "application/pdf" and not files[1].publishable
    # Stored through the storage API, under the made-up name, inside MEDIA_ROOT.
    stored = files[1].file.name
    assert stored.startswith("evidence/") and "minutes" not in stored
    assert default_storage.exists(stored)
    assert (Path(media) / stored).read_bytes() == PDF
    followed = client.get(response["Location"])
    assert "2 evidence files attached." in followed.content.decode()


def test_a_draft_takes_files_too(client, world):
    client.force_login(world.alice)
    response = post_update(client, world, [upload("poster.png", PNG)], rag="", save_draft="1")
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(action=world.alice_action)
    assert update.is_draft and update.evidence_files.get().original_name == "poster.png"
    # Shown on the form when the lead comes back to the draft.
    page = client.get(reverse("action-update", args=[world.alice_action.pk])).content.decode()
    assert "Evidence files attached to this update" in page and "poster.png" in page


def test_a_refused_file_keeps_everything_typed_and_saves_nothing(client, world, media):
    client.force_login(world.alice)
    response = post_update(
        client, world, [pdf("minutes.pdf"), upload("report.pdf", EXE)], progress="Typed with care", impact="Fewer waits"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "report.pdf cannot be attached: its content is not what a .pdf file holds." in page
    assert 'href="#id_evidence-files"' in page  # the summary leads to the file input
    assert "Typed with care" in page and "Fewer waits" in page
    assert "Files are not kept when the page shows a problem: choose them again." in page
    assert not ProgressUpdate.objects.exists() and not EvidenceFile.objects.exists()
    assert not Path(media).exists() or not any(Path(media).rglob("*.pdf"))


def test_an_error_in_the_update_asks_for_the_files_again(client, world):
    client.force_login(world.alice)
    response = post_update(client, world, [pdf()], rag="red", progress="Slipping")
    assert response.status_code == 400
    page = response.content.decode()
    assert "recovery" in page.lower()
    assert "choose them again" in page
    assert not EvidenceFile.objects.exists()


def test_a_stale_update_stores_no_file(client, world):
    client.force_login(world.alice)
    response = post_update(client, world, [pdf()], version="0")
    assert response.status_code == 409
    assert "choose them again" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_no_file_is_fine_on_the_update_form(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("action-update", args=[world.alice_action.pk]), UPDATE)
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()


def test_eleven_files_at_once_are_refused(client, world):
    client.force_login(world.alice)
    response = post_update(client, world, [pdf(f"{n}.pdf") for n in range(11)])
    assert response.status_code == 400
    assert "Attach up to 10 files at a time." in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_a_file_field_sent_as_text_is_ignored_not_a_server_error(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("action-update", args=[world.alice_action.pk]), {**UPDATE, "evidence-files": "x"})
    assert response.status_code == 302
    assert not EvidenceFile.objects.exists()


# --- the Add evidence page ---------------------------------------------------------------------------------------


def test_a_lead_adds_evidence_to_a_submitted_update(client, world):
    update = submitted_update(world)
    client.force_login(world.alice)
    url = reverse("evidence-add", args=[update.pk])
    page = client.get(url).content.decode()
    assert "Add evidence to the update for" in page and "No files attached yet." in page
    response = client.post(url, {"evidence-files": [pdf("Audit.pdf")]})
    assert response.status_code == 302
    assert response["Location"].endswith(f"{world.alice_action.get_absolute_url()}#updates")
    assert update.evidence_files.get().original_name == "Audit.pdf"


def test_the_add_page_needs_a_file(client, world):
    update = submitted_update(world)
    client.force_login(world.alice)
    response = client.post(reverse("evidence-add", args=[update.pk]), {})
    assert response.status_code == 400
    assert "Choose a file to attach." in response.content.decode()


@pytest.mark.parametrize("name", ["empty.pdf", "../../etc/passwd.pdf"])
def test_the_add_page_refuses_a_bad_file_with_its_name(client, world, name):
    update = submitted_update(world)
    client.force_login(world.alice)
    content = b"" if name == "empty.pdf" else b"root:x:0:0\n"
    response = client.post(reverse("evidence-add", args=[update.pk]), {"evidence-files": [upload(name, content)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert ("empty.pdf is empty (0 bytes)" if name == "empty.pdf" else "passwd.pdf cannot be attached") in page
    assert "choose them again" in page
    assert not EvidenceFile.objects.exists()


def test_a_lead_of_another_action_may_not_add(client, world):
    update = submitted_update(world)
    client.force_login(world.bob)
    response = client.post(reverse("evidence-add", args=[update.pk]), {"evidence-files": [pdf()]})
    assert response.status_code == 403
    assert "You do not lead action 1.1" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_no_evidence_is_added_once_the_round_closes(client, world):
    update = submitted_update(world)
    ReportingPeriod.objects.filter(pk=world.period.pk).update(status="closed")
    client.force_login(world.alice)
    response = client.post(reverse("evidence-add", args=[update.pk]), {"evidence-files": [pdf()]})
    assert response.status_code == 403
    assert "The round for Spring 2026 is closed" in response.content.decode()
    assert not EvidenceFile.objects.exists()


def test_a_missing_update_is_404(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("evidence-add", args=[999999])).status_code == 404


def test_the_service_refuses_a_bad_file_even_when_called_directly(world, media):
    update = submitted_update(world)
    with pytest.raises(Exception, match="cannot be attached"):
        evidence_add(update=update, files=[pdf("fine.pdf"), upload("bad.pdf", EXE)], by=world.alice)
    assert not EvidenceFile.objects.exists()
    assert not Path(media).exists() or not any(Path(media).rglob("*.*"))


def test_an_over_limit_file_is_refused_on_the_form_with_the_limit(client, world, settings):
    settings.SENDPLAN_EVIDENCE_MAX_BYTES = 100 * 1024
    client.force_login(world.alice)
    big = upload("Annual audit.pdf", PDF + b"%" * (100 * 1024))
    response = post_update(client, world, [big], progress="Audit done")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Annual audit.pdf is 100.1\xa0KB. Files must be 100.0\xa0KB or smaller." in page
    assert "up to 100.0\xa0KB each" in page  # the hint says the limit in force
    assert "Audit done" in page
    assert not ProgressUpdate.objects.exists()
