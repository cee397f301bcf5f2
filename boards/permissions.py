"""Who may change boards, meetings and board actions. Everyone with a role reads every board and meeting.

- The programme manager sets up the governance structure (boards, who chairs them, what they oversee).
- The programme manager and board chairs record meetings: attendance, agenda, minutes, decisions, board actions
  and the chair's update.
- Whoever owns a board action (the user linked to its owner officer, whatever their role) reports progress on it.

As for actions (actions/permissions.py): a board action outside the user's write scope answers 404, exactly like a
missing one; a user who can never write a board action (a read-only role with no officer) gets 403.

A meeting's board pack is the board's own paper, per board: the board's chair (the user linked to its chair
officer) and programme managers produce it and email it to the members; the members read it. Anyone else with an
officer gets 404, as if there were no such meeting; a user no officer links to can never be a member, so 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from actions.permissions import Role, log_out_of_scope, require_reader, user_officer, user_roles
from boards.models import Board, BoardAction, Meeting


def can_manage_boards(user) -> bool:
    return Role.PROGRAMME_MANAGER in user_roles(user)


def can_record_meetings(user) -> bool:
    return bool(user_roles(user) & {Role.PROGRAMME_MANAGER, Role.BOARD_CHAIR})


def require_board_manager(user) -> None:
    require_reader(user)
    if not can_manage_boards(user):
        raise PermissionDenied("Only the programme manager sets up boards. Ask them to add or change this one.")


def require_meeting_recorder(user) -> None:
    require_reader(user)
    if not can_record_meetings(user):
        raise PermissionDenied("Only the programme manager and board chairs record meetings.")


def can_edit_board_action(user, board_action: BoardAction) -> bool:
    if can_record_meetings(user):
        return True
    officer = user_officer(user)
    return officer is not None and board_action.owner_id == officer.pk


def get_board_action_for_user(user, pk: int, *, write: bool = False, queryset: QuerySet | None = None) -> BoardAction:
    """The one access check for board actions: 404 if missing or owned by someone else, 403 if the user's role
    only reads and no officer links them to any board action."""
    require_reader(user)
    base = queryset if queryset is not None else BoardAction.objects.select_related("meeting__board", "owner")
    try:
        board_action = base.get(pk=pk)
    except BoardAction.DoesNotExist:
        raise Http404("No such board action") from None
    if write and not can_edit_board_action(user, board_action):
        if user_officer(user) is None:
            raise PermissionDenied("Your role can read board actions but not change them.")
        log_out_of_scope(user, BoardAction, pk)
        raise Http404("No such board action")
    return board_action


def can_produce_pack(user, board: Board) -> bool:
    if Role.PROGRAMME_MANAGER in user_roles(user):
        return True
    officer = user_officer(user)
    return officer is not None and board.chair_id == officer.pk


def can_read_pack(user, board: Board) -> bool:
    if can_produce_pack(user, board):
        return True
    officer = user_officer(user)
    return officer is not None and board.members.filter(pk=officer.pk).exists()


def get_meeting_for_pack(user, pk: int, *, produce: bool = False) -> Meeting:
    """The one access check for a meeting's board pack: the meeting if the user may read its pack (or, with
    `produce`, produce and send it); a member asking to produce gets 403 (they read it), anyone else 404 or 403."""
    require_reader(user)
    meeting = Meeting.objects.select_related("board__chair").filter(pk=pk).first()
    if meeting is None:
        raise Http404("No such meeting")
    if can_produce_pack(user, meeting.board):
        return meeting
    if can_read_pack(user, meeting.board):
        if produce:
            raise PermissionDenied("Only the board's chair and programme managers produce and send its pack.")
        return meeting
    if user_officer(user) is None:
        raise PermissionDenied("Board packs are for the board's chair and members.")
    log_out_of_scope(user, Meeting, pk)
    raise Http404("No such meeting")
