"""Reads for the governance structure, a board's page, a meeting's page and the owner's panel on My actions.

Each page costs the same number of queries however many boards, meetings, members and board actions there are
(tests/boards/test_boards.py holds the budgets).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Exists, F, OuterRef, QuerySet, Subquery, Value, When
from django.utils import timezone

from actions.locking import user_label
from actions.models import Officer, Plan, holder_name_on
from actions.permissions import user_officer
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting


@dataclass(eq=False)  # compared by identity: a node holds its children
class BoardNode:
    board: Board
    next_meeting: Meeting | None
    last_meeting: Meeting | None
    children: list[BoardNode] = field(default_factory=list)


@dataclass
class Structure:
    tree: list[BoardNode]  # boards that report to no other board, each with the boards reporting to it
    external: list[BoardNode]  # DfE and NHS England reviews, which hold the partnership to account from outside

    @property
    def is_empty(self) -> bool:
        return not (self.tree or self.external)


def _meeting_subquery(*, upcoming: bool):
    today = timezone.localdate()
    meetings = Meeting.objects.filter(board=OuterRef("pk"))
    if upcoming:
        meetings = meetings.filter(date__gte=today).order_by("date", "pk")
    else:
        meetings = meetings.filter(date__lt=today).order_by("-date", "-pk")
    return Subquery(meetings.values("pk")[:1])


def structure() -> Structure:
    """Every board in its place in the reporting tree, with its next and last meeting: two queries."""
    boards = list(
        Board.objects.select_related("chair__organisation").annotate(
            next_meeting_id=_meeting_subquery(upcoming=True), last_meeting_id=_meeting_subquery(upcoming=False)
        )
    )
    meeting_ids = {b.next_meeting_id for b in boards} | {b.last_meeting_id for b in boards}
    meetings = Meeting.objects.only("id", "date", "title", "board_id").in_bulk(meeting_ids - {None})
    nodes = {
        b.pk: BoardNode(
            board=b, next_meeting=meetings.get(b.next_meeting_id), last_meeting=meetings.get(b.last_meeting_id)
        )
        for b in boards
    }
    roots = []
    for board in boards:  # already in the boards' own order
        parent = nodes.get(board.reports_to_id)
        (parent.children if parent else roots).append(nodes[board.pk])
    # The services refuse reporting loops. Should one reach the database another way, its boards would hang from
    # each other with no root: break the loop at its first board so that every board still shows, once.
    reached = _reachable(roots)
    for board in boards:
        if board.pk not in reached:
            nodes[board.reports_to_id].children.remove(nodes[board.pk])
            roots.append(nodes[board.pk])
            reached |= _reachable([nodes[board.pk]])
    external = [n for n in roots if n.board.kind == Board.Kind.EXTERNAL_REVIEW]
    return Structure(tree=[n for n in roots if n not in external], external=external)


def _reachable(roots: list[BoardNode]) -> set[int]:
    seen: set[int] = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        if node.board.pk not in seen:
            seen.add(node.board.pk)
            stack.extend(node.children)
    return seen


def board_queryset() -> QuerySet[Board]:
    return Board.objects.select_related("chair__organisation", "reports_to")


def _officers() -> QuerySet[Officer]:
    return Officer.objects.select_related("organisation")


@dataclass
class BoardPage:
    board: Board
    members: list[Officer]
    plans: list[Plan]
    reporting_boards: list[Board]
    upcoming: list[Meeting]  # soonest first
    past: list[Meeting]  # latest first
    open_actions: list[BoardAction]


def board_page(board: Board) -> BoardPage:
    """One board (from board_queryset) with the people, plans, boards and meetings around it: six more queries."""
    today = timezone.localdate()
    meetings = list(board.meetings.order_by("-date", "-pk"))
    return BoardPage(
        board=board,
        members=list(_officers().filter(boards=board).order_by("organisation__name", "post_title")),
        plans=list(board.plans.order_by("local_area", "title")),
        reporting_boards=list(board.reporting_boards.select_related("chair")),
        upcoming=[m for m in reversed(meetings) if m.date >= today],
        past=[m for m in meetings if m.date < today],
        open_actions=list(
            open_board_actions()
            .filter(meeting__board=board)
            .select_related("owner__organisation", "meeting")
            .order_by(F("due_date").asc(nulls_last=True), "pk")
        ),
    )


def meeting_queryset() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("board", "chair_update_published_by__officer")


@dataclass
class MeetingPage:
    meeting: Meeting
    agenda: list[AgendaItem]
    decisions: list[Decision]
    board_actions: list[BoardAction]
    present: list[Officer]
    apologies: list[Officer]

    @property
    def published_by(self) -> str:
        user = self.meeting.chair_update_published_by
        return "" if user is None else user_label(user)


def meeting_page(meeting: Meeting) -> MeetingPage:
    """One meeting (from meeting_queryset) with its agenda, attendance, decisions and board actions: five more.

    Those present, giving apologies and presenting are named as the people who held their posts on the meeting's
    day (`holder_name`, read by the `held_then` filter), not whoever holds them now (decision 0023)."""
    then = meeting.date
    return MeetingPage(
        meeting=meeting,
        agenda=list(
            meeting.agenda_items.select_related("presenter", "area", "action", "kpi", "risk").annotate(
                presenter_holder_name=holder_name_on("presenter", then)
            )
        ),
        decisions=list(meeting.decisions.select_related("agenda_item")),
        board_actions=list(
            meeting.board_actions.select_related("owner__organisation", "decision").order_by(
                F("due_date").asc(nulls_last=True), "pk"
            )
        ),
        present=list(
            _officers()
            .filter(meetings_attended=meeting)
            .annotate(holder_name=holder_name_on("pk", then))
            .order_by("organisation__name", "post_title")
        ),
        apologies=list(
            _officers()
            .filter(meeting_apologies=meeting)
            .annotate(holder_name=holder_name_on("pk", then))
            .order_by("organisation__name", "post_title")
        ),
    )


def open_board_actions() -> QuerySet[BoardAction]:
    return BoardAction.objects.filter(status=BoardAction.Status.OPEN)


def attendance_officers(board: Board) -> QuerySet[Officer]:
    """Officers to tick as present or giving apologies: the board's chair and members first, then everyone else."""
    is_member = Exists(Board.members.through.objects.filter(board=board, officer=OuterRef("pk")))
    place = Case(When(pk=board.chair_id, then=Value(0)), When(is_member, then=Value(1)), default=Value(2))
    return _officers().annotate(is_member=is_member, place=place).order_by("place", "post_title", "person_name")


def my_board_actions(user) -> list[BoardAction]:
    """The user's open board actions, overdue ones first, then by due date."""
    officer = user_officer(user)
    if officer is None:
        return []
    today = timezone.localdate()
    overdue = Case(When(due_date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    return list(
        open_board_actions()
        .filter(owner=officer)
        .select_related("meeting__board")
        .annotate(overdue_first=overdue)
        .order_by("-overdue_first", F("due_date").asc(nulls_last=True), "pk")
    )


def my_actions_panel(request) -> dict | None:
    """The board part of My actions: what meetings asked the user to do that is still open."""
    board_actions = my_board_actions(request.user)
    return {"template": "boards/my_actions_panel.html", "board_actions": board_actions} if board_actions else None
