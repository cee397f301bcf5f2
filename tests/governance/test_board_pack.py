"""A meeting's board pack: produced in a background job from the meeting's page (and again on request), emailed to
the board's members as a link, and only to the board's own people; bad requests never answer 500. The pack's
content is read back in test_board_pack_pdf.py."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from actions.models import Officer
from actions.permissions import Role
from boards.models import BoardPack, Meeting
from boards.services import meeting_save
from jobs.models import Job
from tests import factories
from tests.conftest import BoardWorld
from tests.governance.test_board_pack_pdf import MEETING_DAY
from tests.jobs import run_queued_jobs


@pytest.fixture
def board_world(world):
    """The world with its boards: alice chairs the programme board; alice and bob sit on the improvement board."""
    world.boards = BoardWorld(world)
    return world


@pytest.mark.pdf
def test_producing_queues_a_job_that_stores_the_pack(board_world, client):
    world = board_world
    meeting = world.boards.next_meeting
    client.force_login(world.manager)
    url = reverse("meeting-pack-produce", args=[meeting.pk])
    first, second = client.post(url), client.post(url)
    job = Job.objects.get(subject=f"boardpack:{meeting.pk}")  # the second click shares the first's job
    assert first["Location"] == second["Location"] == job.get_absolute_url()
    assert not BoardPack.objects.filter(meeting=meeting).exists()
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    pack = BoardPack.objects.get(meeting=meeting)
    assert job.result_url == reverse("meeting-pack", args=[meeting.pk])
    assert bytes(pack.pdf).startswith(b"%PDF")
    assert pack.produced_by == world.manager
    # A meeting still to come is read as at the moment the pack was produced.
    assert pack.as_at <= pack.produced_at
    # Produced again on request: the same row, a new file.
    client.post(url)
    run_queued_jobs()
    again = BoardPack.objects.get(meeting=meeting)
    assert again.pk == pack.pk and again.produced_at > pack.produced_at


def test_the_board_chair_produces_and_a_member_only_reads(board_world, client):
    """Per board: alice chairs the programme board and sits on the improvement board."""
    world = board_world
    programme = meeting_save(
        meeting=Meeting(board=world.boards.programme, date=MEETING_DAY), by=world.manager, expected_version=0
    )
    improvement = world.boards.meeting
    client.force_login(world.alice)
    assert client.post(reverse("meeting-pack-produce", args=[programme.pk])).status_code == 302
    assert client.post(reverse("meeting-pack-produce", args=[improvement.pk])).status_code == 403
    assert client.get(reverse("meeting-pack", args=[improvement.pk])).status_code == 200
    client.force_login(world.user("bob"))  # on the improvement board, not the programme board
    assert client.get(reverse("meeting-pack", args=[programme.pk])).status_code == 200  # bob is a member there too
    outsider = factories.make_officer("Outsider", "Ola", world.council)
    stranger = factories.make_user("stranger", Role.SEND_LEAD, officer=outsider)
    client.force_login(stranger)
    for name in ("meeting-pack", "meeting-pack-pdf", "meeting-pack-email"):
        assert client.get(reverse(name, args=[improvement.pk])).status_code == 404, name
    assert client.post(reverse("meeting-pack-produce", args=[improvement.pk])).status_code == 404
    detail = client.get(reverse("meeting-detail", args=[improvement.pk])).content.decode()
    assert "Board pack" not in detail


def _pack_for(meeting, by) -> BoardPack:
    return BoardPack.objects.create(
        meeting=meeting,
        html="<p>Pack</p>",
        pdf=b"%PDF-fake",
        as_at=timezone.now(),
        produced_at=timezone.now(),
        produced_by=by,
    )


def test_email_to_members_sends_one_link_to_each(board_world, client, settings):
    settings.SENDPLAN_EMAIL_CHANNEL = "console"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = board_world
    meeting = world.boards.meeting
    Officer.objects.filter(pk=world.head_of_send.pk).update(email="alice@riverside.example")
    Officer.objects.filter(pk=world.dco.pk).update(email="ALICE@riverside.example")  # the same inbox, once
    Officer.objects.filter(pk=world.boards.independent_chair.pk).update(email="chair@riverside.example")
    _pack_for(meeting, world.manager)
    client.force_login(world.manager)
    url = reverse("meeting-pack-email", args=[meeting.pk])
    confirm = client.get(url).content.decode()
    assert "chair@riverside.example" in confirm and "Send 2 emails" in confirm
    response = client.post(url)
    assert response["Location"] == reverse("meeting-pack", args=[meeting.pk])
    # One email per inbox: the two addresses differing only in case are one.
    assert sorted(m.to[0].casefold() for m in mail.outbox) == ["alice@riverside.example", "chair@riverside.example"]
    link = f"{settings.SENDPLAN_SITE_URL}{reverse('meeting-pack', args=[meeting.pk])}"
    assert all(link in m.body and not m.attachments for m in mail.outbox)
    assert "SEND Improvement Board: board pack for Six-week review" in mail.outbox[0].subject
    assert BoardPack.objects.get(meeting=meeting).emailed_at is not None


def test_email_by_notify_names_the_board_pack_template(board_world, client, settings):
    from tests.fake_notify import TEMPLATES

    settings.SENDPLAN_EMAIL_CHANNEL = "notify"
    settings.NOTIFY_TEMPLATES = dict(TEMPLATES)
    sent = []
    settings_patch = pytest.MonkeyPatch()
    settings_patch.setattr("sendplan.mail._send_by_notify", lambda kind, to, fields: sent.append((kind, to, fields)))
    try:
        world = board_world
        Officer.objects.filter(pk=world.dco.pk).update(email="bob@icb.example")
        _pack_for(world.boards.meeting, world.manager)
        client.force_login(world.manager)
        client.post(reverse("meeting-pack-email", args=[world.boards.meeting.pk]))
    finally:
        settings_patch.undo()
    assert [(kind.value, to) for kind, to, _ in sent] == [("board_pack", "bob@icb.example")]
    assert set(sent[0][2]) == {"name", "brand_name", "board", "meeting", "produced", "pack_link"}


@pytest.mark.parametrize(
    "data",
    [{}, {"meeting": "abc"}, {"version": "9" * 40}, {"csrfmiddlewaretoken": "x", "board": "-1"}],
)
def test_bad_posts_never_answer_500(board_world, client, data):
    world = board_world
    client.force_login(world.manager)
    meeting = world.boards.meeting
    # Emailing with no pack yet: told to produce it first.
    response = client.post(reverse("meeting-pack-email", args=[meeting.pk]), data, follow=True)
    assert response.status_code == 200
    assert "Produce the board pack before emailing it." in response.content.decode()
    assert client.post(reverse("meeting-pack-produce", args=[meeting.pk]), data).status_code == 302
    assert client.post(reverse("meeting-pack-produce", args=[999999]), data).status_code == 404
    assert client.post(reverse("meeting-pack-email", args=[999999]), data).status_code == 404
    assert client.post(reverse("meeting-pack-produce", args=[10**20]), data).status_code == 404  # beyond an integer
    assert client.get(reverse("meeting-pack-pdf", args=[meeting.pk])).status_code == 404  # no pack yet
    assert client.post(reverse("meeting-pack", args=[meeting.pk]), data).status_code == 405
