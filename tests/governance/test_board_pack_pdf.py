"""A meeting's board pack read back as a tagged PDF/UA-1 file (pikepdf, pdftotext) and as its HTML twin. Its own
module, because the story it renders is built once for the module and stays in the database meanwhile.

The story (tests.governance.test_dashboard's): the shared action 1.3 is rated Red on 20 January 2026, a board member
challenges 1.1's Green on 15 February, the timeliness KPI's 3-month milestone is Red with commentary. The
improvement board meets on 20 February. After it, on 1 March, the challenge is accepted and 1.4 is rated Red: neither
may show in the meeting's pack."""

from __future__ import annotations

import io
from datetime import date

import pikepdf
import pytest
from django.db import transaction
from django.urls import reverse

from actions.models import Action, AreaOfWeakness, Officer, Plan, Rag, ReportingPeriod
from boards.models import AgendaItem, BoardAction, Meeting
from boards.services import agenda_item_save, board_action_save, meeting_save
from governance.services import board_pack_produce, challenge_raise, challenge_respond
from kpis.models import Kpi, Milestone
from tests.conftest import BoardWorld, KpiWorld, RiskWorld, World
from tests.governance.test_dashboard import ACCEPTED, CHALLENGED, SPRING_RATED, at, backdate_setup, rate_in
from tests.reports.test_reports import pdf_text

MEETING_DAY = date(2026, 2, 20)
AFTER_NOTE = "Recovery written after the meeting"


def build_story(world) -> Meeting:
    world.kpis = KpiWorld(world)
    world.risks = RiskWorld(world)
    world.boards = BoardWorld(world)
    backdate_setup(Action, AreaOfWeakness, ReportingPeriod, Plan, Officer, Kpi, Milestone)
    for action in (world.alice_action, world.bob_action, world.shared_action, world.colleague_action):
        rate_in(world.closed_period, action, Rag.AMBER, world.alice, at(date(2025, 12, 10)))
    rate_in(world.period, world.alice_action, Rag.GREEN, world.alice, SPRING_RATED)
    rate_in(world.period, world.shared_action, Rag.RED, world.alice, SPRING_RATED, recovery_note="Two more caseworkers")
    milestone = world.kpis.timeliness.milestones.get(months=3)
    milestone.rag, milestone.commentary = Rag.RED, "The assessment backlog held the rate at 33%"
    milestone._history_date = at(date(2026, 1, 10))
    milestone.save()
    challenge = challenge_raise(action=world.alice_action, text="No impact data yet.", by=world.member, at=CHALLENGED)
    meeting = meeting_save(
        meeting=Meeting(board=world.boards.improvement, date=MEETING_DAY, title="Spring review", location="Room 4"),
        by=world.manager,
        expected_version=0,
    )
    agenda_item_save(
        item=AgendaItem(
            meeting=meeting,
            title="Exceptions: timeliness of EHC plans",
            presenter=world.head_of_send,
            notes="The recovery plan for 1.3.",
            area=world.area,
        ),
        by=world.manager,
    )
    earlier = meeting_save(
        meeting=Meeting(board=world.boards.improvement, date=date(2026, 1, 15), title="January meeting"),
        by=world.manager,
        expected_version=0,
    )
    board_action_save(
        board_action=BoardAction(
            meeting=earlier, text="Bring the caseworker business case", owner=world.dco, due_date=date(2026, 2, 10)
        ),
        by=world.manager,
    )
    # After the meeting: the challenge answered, another action rated Red.
    challenge_respond(
        challenge=challenge,
        resolution="accepted",
        new_rag=Rag.AMBER,
        response="Agreed.",
        by=world.alice,
        expected_version=challenge.version,
        at=ACCEPTED,
    )
    rate_in(world.period, world.colleague_action, Rag.RED, world.alice, ACCEPTED, recovery_note=AFTER_NOTE)
    return meeting


@pytest.fixture(scope="module")
def produced(django_db_setup, django_db_blocker):
    """The meeting's pack produced once (WeasyPrint takes a second or two)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = World()
        meeting = build_story(world)
        pack = board_pack_produce(meeting=meeting, by=world.manager)
        yield world, meeting, pack
        transaction.set_rollback(True)


def _struct_types(node, seen=None):
    seen = seen if seen is not None else set()
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid and kid.objgen not in seen:
            seen.add(kid.objgen)
            yield kid
            yield from _struct_types(kid, seen)


@pytest.mark.pdf
@pytest.mark.django_db
def test_pack_pdf_is_tagged_with_language_and_title(produced):
    _, _, pack = produced
    with pikepdf.open(io.BytesIO(bytes(pack.pdf))) as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "en-GB"
        assert root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "SEND Improvement Board: board pack for Spring review, 20 February 2026"
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
        nodes = list(_struct_types(root.StructTreeRoot))
        figures = [node for node in nodes if node.get("/S") == "/Figure"]
        assert figures and all(str(node.get("/Alt", "")).startswith("Heat map of") for node in figures)
        assert sum(node.get("/S") == "/TH" for node in nodes) > 10
        pages = len(pdf.pages)
    text = pdf_text(bytes(pack.pdf))
    assert pages >= 3
    for number in range(1, pages + 1):
        assert f"Page {number} of {pages}" in text


@pytest.mark.pdf
@pytest.mark.django_db
def test_pack_pdf_has_each_section_as_at_the_meeting(produced):
    _, _, pack = produced
    text = pdf_text(bytes(pack.pdf))
    for expected in [
        "Board pack: Spring review, 20 February 2026",
        "Figures as at 20 February 2026, 23:59",
        "Riverside",
        "Agenda",
        "Exceptions: timeliness of EHC plans",
        "Presented by Head of SEND (Alice Moreno)",
        "Dashboard as at 20 February 2026",
        "Exceptions: Red actions and KPI milestones",
        # The Red action with its recovery note and lead; the Red milestone with its commentary.
        "1.3",
        "Two more caseworkers",
        "1.K1",
        "The assessment backlog held the rate at 33%",
        # The challenge still open on the meeting's day, the top risk and the heat map's table.
        "No impact data yet.",
        "Top risks",
        "R1",
        "inclusive practice",
        "Board actions due by this meeting",
        "Bring the caseworker business case",
    ]:
        assert expected in text, expected
    assert pack.as_at.date() == MEETING_DAY


@pytest.mark.pdf
@pytest.mark.django_db
def test_nothing_from_after_the_meeting_is_in_the_pack(produced):
    _, _, pack = produced
    text = pdf_text(bytes(pack.pdf))
    assert AFTER_NOTE not in text and AFTER_NOTE not in pack.html
    assert "1 challenge resolved" not in text  # answered on 1 March
    exceptions = text.split("Exceptions: Red actions and KPI milestones")[-1].split("Open challenges")[0]
    assert "1.4" not in exceptions
    # Earlier meetings' board actions are listed; this meeting's own and later ones are not.
    assert "Report the 20-week rate by team" not in text


@pytest.mark.pdf
@pytest.mark.django_db
def test_html_twin_has_the_same_sections(produced, client):
    world, meeting, pack = produced
    client.force_login(world.alice)  # a member of the improvement board
    page = client.get(reverse("meeting-pack", args=[meeting.pk])).content.decode()
    for expected in [
        "Exceptions: Red actions and KPI milestones",
        "Two more caseworkers",
        "No impact data yet.",
        "Top risks",
        "Heat map of",
        "Open the PDF",
    ]:
        assert expected in page, expected
    assert AFTER_NOTE not in page
    pdf = client.get(reverse("meeting-pack-pdf", args=[meeting.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf) == bytes(pack.pdf)
    detail = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Read the board pack" in detail
    assert f"with the figures as at {MEETING_DAY:%-d %B %Y}" in detail
    assert "Produce the pack again" not in detail  # alice reads; the chair and programme managers produce
