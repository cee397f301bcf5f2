"""Boards and meetings: the services' rules and locking, who may do what on the server, the selectors behind the
structure, board and meeting pages and My actions, and query budgets that stay flat as the record grows."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.locking import StaleEditError
from boards import selectors
from boards.forms import MeetingForm
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
from boards.services import (
    agenda_item_save,
    board_action_progress_record,
    board_action_save,
    board_save,
    decision_save,
    meeting_save,
)
from tests import factories
from tests.conftest import KpiWorld, RiskWorld
from tests.factories import make_officer


def reload(record):
    return type(record).objects.get(pk=record.pk)


def save_meeting(board_world, *, publish: bool, by=None, **changes):
    meeting = reload(board_world.meeting)
    for name, value in changes.items():
        setattr(meeting, name, value)
    return meeting_save(
        meeting=meeting,
        present=meeting.present.all(),
        apologies=meeting.apologies.all(),
        publish_chair_update=publish,
        by=by or board_world.world.chair,
        expected_version=meeting.version,
    )


def progress(board_world, *, by=None, **fields):
    board_action = reload(board_world.board_action)
    data = {"status": "open", "progress_note": "", "completed_on": None, **fields}
    return board_action_progress_record(
        board_action=board_action, by=by or board_world.world.alice, expected_version=board_action.version, **data
    )


# Boards: the reporting tree, locking.


def test_a_board_may_not_report_to_a_board_below_it(board_world):
    hwb = reload(board_world.hwb)
    hwb.reports_to = board_world.programme
    with pytest.raises(ValidationError) as refused:
        board_save(board=hwb, by=board_world.world.manager, expected_version=hwb.version)
    assert "already reports to Health and Wellbeing Board" in refused.value.message_dict["reports_to"][0]
    assert reload(board_world.hwb).reports_to is None


def test_a_board_may_not_report_to_itself(board_world):
    board = reload(board_world.programme)
    board.reports_to = board
    with pytest.raises(ValidationError) as refused:
        board_save(board=board, by=board_world.world.manager, expected_version=board.version)
    assert refused.value.message_dict == {"reports_to": ["A board cannot report to itself."]}


def test_a_board_moves_to_report_elsewhere_with_its_members_and_plans(board_world):
    world = board_world.world
    board = reload(board_world.programme)
    board.reports_to = board_world.hwb
    board_save(board=board, members=[world.dco], plans=[], by=world.manager, expected_version=board.version)
    board = reload(board)
    assert (board.reports_to, list(board.members.all()), list(board.plans.all()), board.version) == (
        board_world.hwb,
        [world.dco],
        [],
        2,
    )
    assert board.history.latest().history_user == world.manager


def test_a_stale_board_edit_is_refused_with_who_changed_what(board_world):
    world = board_world.world
    first, second = reload(board_world.improvement), reload(board_world.improvement)
    first.meets = "Monthly"
    board_save(board=first, by=world.manager, expected_version=1)
    second.purpose = "Another wording"
    with pytest.raises(StaleEditError) as refused:
        board_save(board=second, by=world.manager, expected_version=1)
    assert [(c.field, c.new) for c in refused.value.changes] == [("Meets", "Monthly")]
    assert reload(board_world.improvement).purpose.startswith("Holds the local area")


def test_the_board_form_shows_a_stale_edit_and_a_loop_beside_the_field(client, board_world):
    world = board_world.world
    client.force_login(world.manager)
    url = reverse("board-edit", args=[board_world.hwb.pk])
    data = {"name": "Health and Wellbeing Board", "kind": "partnership", "order": "0", "version": "1"}
    loop = client.post(url, {**data, "reports_to": board_world.programme.pk})
    assert loop.status_code == 400
    assert "already reports to" in loop.context["form"].errors["reports_to"][0]
    assert client.post(url, {**data, "meets": "Quarterly"}).status_code == 302
    stale = client.post(url, {**data, "meets": "Termly"})
    assert stale.status_code == 409
    assert "Someone else has changed this" in stale.content.decode()
    assert "Quarterly" in stale.content.decode()
    assert reload(board_world.hwb).meets == "Quarterly"


def test_the_admin_refuses_a_reporting_loop_too(client, board_world):
    client.force_login(board_world.world.manager)
    hwb = board_world.hwb
    data = {"name": hwb.name, "kind": hwb.kind, "reports_to": board_world.programme.pk, "order": 0}
    response = client.post(reverse("admin:boards_board_change", args=[hwb.pk]), {**data, "expected_version": 1})
    assert response.status_code == 200
    assert "already reports to" in response.content.decode()
    assert reload(hwb).reports_to is None


# Meetings: attendance and the chair's update.


def test_publishing_the_chairs_update_records_who_and_when_and_unticking_takes_it_down(board_world):
    world = board_world.world
    meeting = save_meeting(board_world, publish=True, chair_update="We agreed to fund two coordinators.")
    published_at = meeting.chair_update_published_at
    assert published_at is not None and meeting.chair_update_published_by == world.chair
    # Correcting a published update keeps the date it was first published.
    meeting = save_meeting(board_world, publish=True, chair_update="We agreed to fund two EHC plan coordinators.")
    assert (meeting.chair_update_published_at, meeting.chair_update_published_by) == (published_at, world.chair)
    meeting = save_meeting(board_world, publish=False, by=world.manager)
    assert (meeting.chair_update_published_at, meeting.chair_update_published_by) == (None, None)
    assert meeting.chair_update == "We agreed to fund two EHC plan coordinators."


def test_an_update_is_published_only_with_text_and_after_the_meeting(board_world):
    with pytest.raises(ValidationError) as empty:
        save_meeting(board_world, publish=True, chair_update="  ")
    assert "Write the chair's update" in empty.value.message_dict["chair_update"][0]
    with pytest.raises(ValidationError) as early:
        save_meeting(board_world, publish=True, chair_update="Text", date=timezone.localdate() + timedelta(days=1))
    assert "once the meeting has taken place" in early.value.message_dict["publish_chair_update"][0]
    assert reload(board_world.meeting).chair_update_published_at is None


def test_nobody_is_both_present_and_giving_apologies(board_world):
    world = board_world.world
    meeting = reload(board_world.meeting)
    with pytest.raises(ValidationError) as refused:
        meeting_save(meeting=meeting, present=[world.dco], apologies=[world.dco], by=world.chair, expected_version=1)
    assert "Designated Clinical Officer (Bob Hale)" in refused.value.message_dict["apologies"][0]


def test_the_attendance_checkboxes_list_the_chair_and_members_first(board_world):
    form = MeetingForm(board=board_world.improvement)
    groups = form.present_groups
    assert [c.choice_label for c in groups["board"]] == [
        "Independent chair (Sam Okafor), Riverside Council",
        "Designated Clinical Officer (Bob Hale), Riverside ICB",
        "Head of SEND (Alice Moreno), Riverside Council",
    ]
    assert [c.choice_label for c in groups["others"]] == ["SEN Casework Manager (Cara Dune), Riverside Council"]
    # Others stay folded away unless one of them is ticked.
    assert not groups["others_open"]
    ticked = MeetingForm(board=board_world.improvement, initial={"apologies": [board_world.world.council_colleague]})
    assert ticked.apologies_groups["others_open"]


def test_the_meeting_form_publishes_through_the_checkbox(client, board_world):
    client.force_login(board_world.world.chair)
    meeting = board_world.meeting
    day = meeting.date
    data = {"date_0": day.day, "date_1": day.month, "date_2": day.year, "version": "1", "chair_update": "Update"}
    response = client.post(reverse("meeting-edit", args=[meeting.pk]), {**data, "publish_chair_update": "on"})
    assert response.status_code == 302
    assert reload(meeting).chair_update_published_by == board_world.world.chair
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    assert "Published</strong>" in page


# Agenda items and decisions.


def test_agenda_items_link_only_to_the_plans_the_board_oversees(board_world):
    world = board_world.world
    other_plan = factories.make_plan("elsewhere-pap")
    other_action = factories.make_action(factories.make_area(other_plan), "9.1", [world.dco])
    item = AgendaItem(meeting=board_world.meeting, title="Elsewhere", action=other_action, area=world.area)
    with pytest.raises(ValidationError) as refused:
        agenda_item_save(item=item, by=world.chair)
    assert list(refused.value.message_dict) == ["action"]
    second = agenda_item_save(item=AgendaItem(meeting=board_world.meeting, title="Any other business"), by=world.chair)
    assert [i.order for i in board_world.meeting.agenda_items.all()] == [1, 2] and second.order == 2


def test_a_decision_sits_under_an_item_of_its_own_meeting(board_world):
    world = board_world.world
    decision = Decision(meeting=board_world.next_meeting, agenda_item=board_world.agenda_item, text="Agreed")
    with pytest.raises(ValidationError) as refused:
        decision_save(decision=decision, by=world.chair)
    assert list(refused.value.message_dict) == ["agenda_item"]


# Board actions: the rules, and the owner's update.


@pytest.mark.parametrize(
    ("fields", "error_field", "message"),
    [
        ({"status": "done"}, "completed_on", "Give the date"),
        ({"status": "done", "completed_on": timezone.localdate() + timedelta(days=1)}, "completed_on", "future"),
        ({"status": "dropped"}, "progress_note", "no longer needed"),
    ],
)
def test_the_owner_reports_within_the_rules(board_world, fields, error_field, message):
    with pytest.raises(ValidationError) as refused:
        progress(board_world, **fields)
    assert message in refused.value.message_dict[error_field][0]


def test_the_owner_marks_a_board_action_done_and_reopening_clears_the_date(board_world):
    world = board_world.world
    done = progress(board_world, status="done", completed_on=timezone.localdate(), progress_note="Sent")
    assert (done.status, done.completed_on, done.version) == ("done", timezone.localdate(), 2)
    assert done.history.latest().history_user == world.alice
    reopened = progress(board_world, status="open", completed_on=timezone.localdate(), progress_note="More to do")
    assert (reopened.status, reopened.completed_on) == ("open", None)
    with pytest.raises(StaleEditError):
        board_action_progress_record(
            board_action=reload(board_world.board_action),
            status="done",
            progress_note="",
            completed_on=timezone.localdate(),
            by=world.alice,
            expected_version=2,
        )


def test_a_board_action_is_due_after_its_meeting_and_follows_its_decision(board_world):
    meeting = board_world.meeting
    other_decision = decision_save(decision=Decision(meeting=board_world.next_meeting, text="Later"), by=None)
    board_action = BoardAction(
        meeting=meeting,
        decision=other_decision,
        text="Too early",
        owner=board_world.world.dco,
        due_date=meeting.date - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as refused:
        board_action_save(board_action=board_action, by=board_world.world.chair)
    assert set(refused.value.message_dict) == {"decision", "due_date"}


def test_the_owner_changes_only_status_progress_and_date_done(client, board_world):
    world = board_world.world
    client.force_login(world.alice)
    url = reverse("board-action-edit", args=[board_world.board_action.pk])
    today = timezone.localdate()
    data = {"status": "done", "completed_on_0": today.day, "completed_on_1": today.month, "completed_on_2": today.year}
    response = client.post(url, {**data, "progress_note": "Sent", "version": "1", "text": "Rewritten", "owner": ""})
    assert response.status_code == 302 and response["Location"] == reverse("my-actions")
    board_action = reload(board_world.board_action)
    assert (board_action.status, board_action.text, board_action.owner) == (
        "done",
        "Report the 20-week rate by team to the next meeting.",
        world.head_of_send,
    )


def test_a_chair_changes_everything_about_a_board_action(client, board_world):
    world = board_world.world
    client.force_login(world.chair)
    url = reverse("board-action-edit", args=[board_world.board_action.pk])
    data = {"text": "Report by locality", "owner": world.dco.pk, "status": "open", "version": "1"}
    assert client.post(url, data).status_code == 302
    assert (reload(board_world.board_action).text, reload(board_world.board_action).owner) == (
        "Report by locality",
        world.dco,
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("manager", 200),
        ("chair", 200),
        ("alice", 200),  # her officer owns it
        ("bob", 404),  # has an officer, but not this board action's owner
        ("member", 403),  # a read-only role with no officer can never own a board action
        ("adviser", 403),
        ("nobody", 403),
    ],
)
def test_who_may_update_a_board_action(client, board_world, role, status):
    client.force_login(board_world.world.user(role))
    assert client.get(reverse("board-action-edit", args=[board_world.board_action.pk])).status_code == status


def test_an_owner_with_a_read_only_role_still_updates_their_own_board_action(client, board_world):
    world = board_world.world
    board_action = board_world.board_action
    board_action.owner = make_officer("Parent carer forum co-chair", "Pam Reid", factories.make_organisation())
    board_action.owner.user = world.pcf
    board_action.owner.save()
    board_action.save()
    client.force_login(world.pcf)
    assert client.get(reverse("board-action-edit", args=[board_action.pk])).status_code == 200
    client.force_login(world.alice)
    assert client.get(reverse("board-action-edit", args=[board_action.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "board_status", "meeting_status"),
    [("manager", 200, 200), ("chair", 403, 200), ("alice", 403, 403), ("member", 403, 403), ("nobody", 403, 403)],
)
def test_only_the_programme_manager_sets_up_boards_and_chairs_record_meetings(
    client, board_world, role, board_status, meeting_status
):
    client.force_login(board_world.world.user(role))
    assert client.get(reverse("board-new")).status_code == board_status
    assert client.get(reverse("meeting-new", args=[board_world.improvement.pk])).status_code == meeting_status
    assert client.get(reverse("decision-new", args=[board_world.meeting.pk])).status_code == meeting_status


def test_a_missing_board_or_meeting_answers_404(client, board_world):
    client.force_login(board_world.world.member)
    assert client.get(reverse("board-detail", args=[9999])).status_code == 404
    assert client.get(reverse("meeting-detail", args=[9999])).status_code == 404


# Selectors.


def test_the_structure_is_a_tree_with_external_review_apart(board_world):
    structure = selectors.structure()
    assert [n.board for n in structure.tree] == [board_world.hwb]
    improvement = structure.tree[0].children[0]
    assert improvement.board == board_world.improvement
    assert [c.board for c in improvement.children] == [board_world.programme]
    assert (improvement.last_meeting, improvement.next_meeting) == (board_world.meeting, board_world.next_meeting)
    assert [n.board for n in structure.external] == [board_world.review]


def test_a_loop_made_outside_the_services_still_shows_every_board_once(board_world):
    Board.objects.filter(pk=board_world.hwb.pk).update(reports_to=board_world.programme)
    structure = selectors.structure()

    def walk(nodes):
        for node in nodes:
            yield node.board
            yield from walk(node.children)

    shown = list(walk(structure.tree))
    assert sorted(b.pk for b in shown) == sorted(
        [board_world.hwb.pk, board_world.improvement.pk, board_world.programme.pk]
    )


def test_the_board_page_splits_meetings_and_lists_open_board_actions(board_world):
    page = selectors.board_page(selectors.board_queryset().get(pk=board_world.improvement.pk))
    assert (page.upcoming, page.past) == ([board_world.next_meeting], [board_world.meeting])
    assert page.open_actions == [board_world.board_action]
    assert page.reporting_boards == [board_world.programme]
    assert len(page.members) == 3
    progress(board_world, status="done", completed_on=timezone.localdate())
    assert selectors.board_page(board_world.improvement).open_actions == []


def test_my_actions_lists_the_owners_open_board_actions_overdue_first(client, board_world):
    world = board_world.world
    overdue = BoardAction.objects.create(
        meeting=board_world.meeting,
        text="Overdue work",
        owner=world.head_of_send,
        due_date=timezone.localdate() - timedelta(days=1),
    )
    BoardAction.objects.create(
        meeting=board_world.meeting,
        text="Done work",
        owner=world.head_of_send,
        status="done",
        completed_on=timezone.localdate(),
    )
    assert selectors.my_board_actions(world.alice) == [overdue, board_world.board_action]
    assert selectors.my_board_actions(world.bob) == [] and selectors.my_board_actions(world.member) == []
    client.force_login(world.alice)
    page = client.get(reverse("my-actions")).content.decode()
    assert "Board actions" in page and "Overdue work" in page and "Done work" not in page
    assert reverse("board-action-edit", args=[overdue.pk]) in page
    assert reverse("meeting-detail", args=[board_world.meeting.pk]) in page
    client.force_login(world.bob)
    assert "Board actions" not in client.get(reverse("my-actions")).content.decode()


# Query budgets: the same with a few rows and with many.


def grow(board_world, count: int) -> None:
    """`count` more of everything: subgroups, members, meetings, agenda items on every kind of record, decisions and
    board actions (half of them overdue)."""
    world = board_world.world
    today = timezone.localdate()
    risk, kpi = RiskWorld(world).schools, KpiWorld(world).timeliness
    for i in range(count):
        officer = make_officer(f"Officer {i}", f"Person {i}", world.icb)
        board_world.improvement.members.add(officer)
        subgroup = Board.objects.create(name=f"Subgroup {i}", kind="subgroup", reports_to=board_world.programme)
        Meeting.objects.create(board=subgroup, date=today - timedelta(days=i + 1))
        meeting = Meeting.objects.create(board=board_world.improvement, date=today + timedelta(days=i - count // 2))
        for target in (board_world.meeting, meeting):
            target.present.add(officer)
        meeting.apologies.add(world.dco)
        for target in (board_world.meeting, meeting):
            item = AgendaItem.objects.create(
                meeting=target,
                title=f"Item {i}",
                presenter=officer,
                area=world.area,
                action=world.alice_action,
                kpi=kpi,
                risk=risk,
            )
            decision = Decision.objects.create(meeting=target, agenda_item=item, text=f"Decision {i}")
            BoardAction.objects.create(
                meeting=target,
                decision=decision,
                text=f"Board action {i}",
                owner=officer,
                due_date=today + timedelta(days=(-1) ** i * 5),
            )


@pytest.mark.parametrize("count", [1, 30])
def test_structure_page_query_budget(client, board_world, django_assert_num_queries, count):
    grow(board_world, count)
    client.force_login(board_world.world.member)
    # 1 session, 2 user, 3 role groups, 4 boards with their chairs and the ids of their next and last meetings,
    # 5 those meetings.
    with django_assert_num_queries(5):
        response = client.get(reverse("board-list"))
    assert response.context["structure"].tree[0].board == board_world.hwb


@pytest.mark.parametrize("count", [1, 30])
def test_board_page_query_budget(client, board_world, django_assert_num_queries, count):
    grow(board_world, count)
    client.force_login(board_world.world.alice)
    # 1 session, 2 user, 3 role groups, 4 board with chair and reports-to, 5 members, 6 plans, 7 reporting boards,
    # 8 meetings, 9 open board actions, 10 alice's officer (which board actions she may update).
    with django_assert_num_queries(10):
        response = client.get(reverse("board-detail", args=[board_world.improvement.pk]))
    assert len(response.context["page"].open_actions) == 2 * count + 1


@pytest.mark.parametrize("count", [1, 30])
def test_meeting_page_query_budget(client, board_world, django_assert_num_queries, count):
    grow(board_world, count)
    client.force_login(board_world.world.alice)
    # 1 session, 2 user, 3 role groups, 4 meeting with board and publisher, 5 agenda with linked records,
    # 6 decisions, 7 board actions with owners and decisions, 8 present, 9 apologies, 10 alice's officer,
    # 11 whether she sits on the board (members read its pack), 12 the board pack's dates.
    with django_assert_num_queries(12):
        response = client.get(reverse("meeting-detail", args=[board_world.meeting.pk]))
    page = response.context["page"]
    assert (len(page.agenda), len(page.present), len(page.board_actions)) == (count + 1, count + 2, count + 1)


def test_a_past_meeting_names_who_held_each_post_on_its_day(client, board_world):
    """Alice attended (and the agenda item was hers to present) two weeks ago; Dev Patel took her post over last
    week. The meeting still names Alice; the board's next meeting, and everything today, names Dev (decision 0023)."""
    from actions.models import PostHolder
    from actions.services import post_hand_over

    world = board_world.world
    post = world.head_of_send
    PostHolder.objects.create(officer=post, person_name="Alice Moreno", started_on=board_world.meeting.date)
    AgendaItem.objects.filter(pk=board_world.agenda_item.pk).update(presenter=post)
    post_hand_over(
        officer=post,
        person_name="Dev Patel",
        started_on=timezone.localdate() - timedelta(days=7),
        by=world.manager,
        expected_version=post.version,
    )
    client.force_login(world.chair)
    page = client.get(reverse("meeting-detail", args=[board_world.meeting.pk])).content.decode()
    present = page.split(">Present</dt>", 1)[1].split("</dd>", 1)[0]
    assert "Head of SEND (Alice Moreno)" in present and "Dev Patel" not in present
    assert "Presented by Head of SEND (Alice Moreno)" in page
    assert str(reload(post)) == "Head of SEND (Dev Patel)"
