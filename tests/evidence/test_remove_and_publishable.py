"""Removing a file (its uploader or a programme manager, while the round is open: soft, recorded in the history),
marking it publishable (programme managers), and the History tab's lines for both."""

from django.urls import reverse

from actions.models import ReportingPeriod
from actions.selectors import action_history
from evidence.models import EvidenceFile
from evidence.services import evidence_mark_publishable
from tests.evidence.helpers import attached, draft_update, submitted_update


def test_the_uploader_removes_their_file_and_the_history_says_so(client, world, media):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.alice)
    url = reverse("evidence-remove", args=[evidence.pk])
    page = client.get(url).content.decode()
    assert "Remove SEND panel minutes.pdf?" in page
    response = client.post(url, {"version": evidence.version})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert evidence.removed_by == world.alice and evidence.removed_at is not None
    # Soft: the row and the bytes stay, for the record.
    assert evidence.file.storage.exists(evidence.file.name)
    lines = [(c.object_label, c.who) for c in action_history(world.alice_action) if "Evidence" in c.object_label]
    assert lines == [
        ("Evidence removed: SEND panel minutes.pdf", "Head of SEND (Alice Moreno)"),
        ("Evidence added: SEND panel minutes.pdf", "Head of SEND (Alice Moreno)"),
    ]
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert "Evidence removed: SEND panel minutes.pdf" in page
    assert reverse("evidence-download", args=[evidence.pk]) not in page


def test_a_programme_manager_removes_anyones_file(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.manager)
    assert client.post(reverse("evidence-remove", args=[evidence.pk]), {"version": evidence.version}).status_code == 302
    assert EvidenceFile.objects.get(pk=evidence.pk).removed_by == world.manager


def test_a_co_lead_who_did_not_add_it_may_not_remove_it(client, world):
    evidence = attached(submitted_update(world, world.shared_action), by=world.alice)
    client.force_login(world.bob)
    response = client.post(reverse("evidence-remove", args=[evidence.pk]), {"version": evidence.version})
    assert response.status_code == 403
    assert "Only the person who added this file or the programme manager can remove it." in response.content.decode()
    assert EvidenceFile.objects.get(pk=evidence.pk).removed_at is None


def test_nothing_is_removed_once_the_round_closes(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    ReportingPeriod.objects.filter(pk=world.period.pk).update(status="closed")
    client.force_login(world.manager)
    response = client.post(reverse("evidence-remove", args=[evidence.pk]), {"version": evidence.version})
    assert response.status_code == 403
    assert "is closed, so its evidence can no longer change" in response.content.decode()
    assert EvidenceFile.objects.get(pk=evidence.pk).removed_at is None


def test_a_remove_from_a_stale_page_is_refused(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    evidence_mark_publishable(evidence=evidence, publishable=True, by=world.manager, expected_version=1)
    client.force_login(world.alice)
    response = client.post(reverse("evidence-remove", args=[evidence.pk]), {"version": "1"})
    assert response.status_code == 409
    assert "Someone else has changed this" in response.content.decode()
    assert EvidenceFile.objects.get(pk=evidence.pk).removed_at is None


def test_a_malformed_remove_is_a_clear_error_not_a_500(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.alice)
    for data in ({}, {"version": "x"}, {"version": "99999999999999999999999"}):
        response = client.post(reverse("evidence-remove", args=[evidence.pk]), data)
        assert response.status_code in (400, 409), data
    assert EvidenceFile.objects.get(pk=evidence.pk).removed_at is None


def test_a_drafts_file_is_removed_by_its_uploader_and_not_seen_by_others(client, world):
    evidence = attached(draft_update(world), by=world.alice)
    client.force_login(world.chair)
    assert client.get(reverse("evidence-remove", args=[evidence.pk])).status_code == 404
    client.force_login(world.alice)
    assert client.post(reverse("evidence-remove", args=[evidence.pk]), {"version": evidence.version}).status_code == 302


def test_a_programme_manager_marks_a_file_publishable(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    client.force_login(world.manager)
    url = reverse("evidence-publishable", args=[evidence.pk])
    assert "beside the next termly report published with this update" in client.get(url).content.decode()
    response = client.post(url, {"publishable": "yes", "version": evidence.version})
    assert response.status_code == 302
    assert EvidenceFile.objects.get(pk=evidence.pk).publishable
    page = client.get(world.alice_action.get_absolute_url()).content.decode()
    assert "Publishable</strong>" in page
    assert "Evidence publishable: SEND panel minutes.pdf" in page


def test_marking_needs_an_answer_and_a_programme_manager(client, world):
    evidence = attached(submitted_update(world), by=world.alice)
    url = reverse("evidence-publishable", args=[evidence.pk])
    client.force_login(world.manager)
    response = client.post(url, {"publishable": "maybe", "version": evidence.version})
    assert response.status_code == 400
    client.force_login(world.alice)
    assert client.post(url, {"publishable": "yes", "version": evidence.version}).status_code == 403
    assert not EvidenceFile.objects.get(pk=evidence.pk).publishable


def test_the_history_leaves_out_a_drafts_files_until_it_is_submitted(world):
    attached(draft_update(world), by=world.alice)
    assert not [c for c in action_history(world.alice_action) if "Evidence" in c.object_label]
    submitted_update(world)
    (line,) = [c for c in action_history(world.alice_action) if "Evidence" in c.object_label]
    assert (line.object_label, line.new) == (
        "Evidence added: SEND panel minutes.pdf",
        "SEND panel minutes.pdf, update for Spring 2026",
    )
