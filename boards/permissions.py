"""Who may change boards, meetings and board actions. Everyone with a role reads every board and meeting.

- The programme manager sets up the governance structure (boards, who chairs them, what they oversee).
- The programme manager and board chairs record meetings: attendance, agenda, minutes, decisions, board actions
  and the chair's update.
- Whoever owns a board action (the user linked to its owner officer, whatever their role) reports progress on it.

As for actions (actions/permissions.py): a board action outside the user's write scope answers 404, exactly like a
missing one; a user who can never write a board action (a read-only role with no officer) gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from actions.permissions import Role, log_out_of_scope, require_reader, user_officer, user_roles
from boards.models import BoardAction


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
