"""Downloading evidence: only through the app, to those who may read the update, as an attachment with its own
name, the checked type and nosniff; a draft's file does not exist for anyone else (404), nor does a removed one."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from actions.models import ProgressUpdate
from evidence.services import evidence_remove
from tests.evidence.files import PDF
from tests.evidence.helpers import attached, draft_update, submitted_update

READERS = ["alice", "bob", "manager", "chair", "member", "comms", "pcf", "adviser"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", READERS)
def test_every_role_downloads_a_submitted_updates_file(client, world, role):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.user(role))
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert body(response) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="SEND panel minutes.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-cache"


def test_a_unicode_name_is_offered_as_it_was_given(client, world):
    name = "Évaluation – café 日本語.pdf"
    evidence = attached(submitted_update(world), by=world.alice, name=name)
    client.force_login(world.chair)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"


def test_a_traversal_name_is_stored_under_a_made_up_name_and_offered_as_its_last_part(client, world, media):
    evidence = attached(submitted_update(world), by=world.alice, name="../../etc/passwd.pdf")
    assert evidence.original_name == "passwd.pdf"
    assert evidence.file.name.startswith("evidence/") and "passwd" not in evidence.file.name
    assert (media / evidence.file.name).resolve().is_relative_to(media.resolve())
    client.force_login(world.alice)
    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="passwd.pdf"'


@pytest.mark.parametrize("role", ["bob", "chair", "member", "comms", "pcf", "adviser"])
def test_a_drafts_file_is_404_for_those_who_cannot_see_the_draft(client, world, role):
    evidence = attached(draft_update(world), by=world.alice)
    client.force_login(world.user(role))
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


@pytest.mark.parametrize("role", ["alice", "manager"])
def test_a_drafts_file_is_there_for_those_who_may_update_the_action(client, world, role):
    evidence = attached(draft_update(world), by=world.alice)
    client.force_login(world.user(role))
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 200


def test_once_the_draft_is_submitted_everyone_reads_its_file(client, world):
    update = draft_update(world)
    evidence = attached(update, by=world.alice)
    submitted_update(world)
    assert ProgressUpdate.objects.get(pk=update.pk).status == "submitted"
    client.force_login(world.adviser)
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 200


def test_a_removed_file_is_404_for_everyone(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    evidence_remove(evidence=evidence, by=world.alice, expected_version=evidence.version)
    for role in ("alice", "manager", "chair"):
        client.force_login(world.user(role))
        assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


def test_a_user_without_a_role_gets_nothing(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.nobody)
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 403


def test_bytes_missing_from_storage_answer_404_not_500(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    evidence.file.storage.delete(evidence.file.name)
    client.force_login(world.alice)
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


def test_a_missing_file_is_404(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("evidence-download", args=[424242])).status_code == 404


def test_the_stored_bytes_have_no_address_of_their_own(client, world):
    """Nothing serves MEDIA_ROOT: the storage's own address for the file, or its name under /media/, is not found.
    The download view is the only way to the bytes."""
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.manager)
    for address in (evidence.file.url, f"/media/{evidence.file.name}", f"/{evidence.file.name}"):
        assert client.get(address if address.startswith("/") else f"/{address}").status_code == 404, address


def test_the_action_page_lists_the_files_under_their_update(client, world):
    update = submitted_update(world)
    evidence = attached(update, by=world.alice)
    client.force_login(world.chair)
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert f'href="{reverse("evidence-download", args=[evidence.pk])}" download>SEND panel minutes.pdf</a>' in page
    assert "Added by Head of SEND (Alice Moreno)" in page
    # A reader is offered no changes.
    assert reverse("evidence-remove", args=[evidence.pk]) not in page
    assert reverse("evidence-add", args=[update.pk]) not in page
    client.force_login(world.alice)
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert reverse("evidence-remove", args=[evidence.pk]) in page
    assert reverse("evidence-add", args=[update.pk]) in page
    assert reverse("evidence-publishable", args=[evidence.pk]) not in page
    client.force_login(world.manager)
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert reverse("evidence-publishable", args=[evidence.pk]) in page


def test_the_action_page_leaves_out_a_drafts_files(client, world):
    evidence = attached(draft_update(world), by=world.alice)
    client.force_login(world.alice)
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert reverse("evidence-download", args=[evidence.pk]) not in page


def test_huge_ids_are_404_not_500(client, world):
    client.force_login(world.manager)
    huge = 10**25
    for name in ("evidence-download", "evidence-remove", "evidence-publishable", "evidence-add"):
        assert client.get(reverse(name, args=[huge])).status_code == 404, name
        if name != "evidence-download":
            assert client.post(reverse(name, args=[huge]), {"version": "1"}).status_code == 404, name
