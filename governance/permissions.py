"""Who may challenge, comment on and run reporting rounds for a plan. Everyone with a role reads it all.

Board members, the chair and PCF representatives challenge ratings; the action's leads (and programme managers)
answer. PCF representatives record co-production comments. Programme managers open and close reporting rounds.
As elsewhere, a record outside the user's write scope answers 404 and a role that cannot write at all gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.permissions import WRITING_ROLES, Role, log_out_of_scope, require_reader, user_roles, writable_actions
from governance.models import Challenge

CHALLENGING_ROLES = {Role.BOARD_CHAIR, Role.BOARD_MEMBER, Role.PCF_REPRESENTATIVE}


def can_challenge(user) -> bool:
    return bool(user_roles(user) & CHALLENGING_ROLES)


def require_challenger(user) -> None:
    require_reader(user)
    if not can_challenge(user):
        raise PermissionDenied("Board members and parent carer forum representatives challenge ratings.")


def can_comment(user) -> bool:
    return Role.PCF_REPRESENTATIVE in user_roles(user)


def require_commenter(user) -> None:
    require_reader(user)
    if not can_comment(user):
        raise PermissionDenied("Parent carer forum representatives record co-production comments.")


def can_run_rounds(user) -> bool:
    return Role.PROGRAMME_MANAGER in user_roles(user)


def require_round_runner(user) -> None:
    require_reader(user)
    if not can_run_rounds(user):
        raise PermissionDenied("The programme manager opens and closes reporting rounds.")


def can_respond(user, challenge: Challenge) -> bool:
    return writable_actions(user).filter(pk=challenge.action_id).exists()


def get_challenge_for_user(user, pk: int, *, respond: bool = False, queryset=None) -> Challenge:
    """Any reader sees a challenge; only those who may update its action answer it."""
    require_reader(user)
    base = queryset if queryset is not None else Challenge.objects.select_related("action__area__plan")
    if respond:
        if not (user_roles(user) & WRITING_ROLES):
            raise PermissionDenied("Your role can read this plan but not answer challenges.")
        base = base.filter(action__in=writable_actions(user).values("pk"))
    try:
        return base.get(pk=pk)
    except Challenge.DoesNotExist:
        if respond and Challenge.objects.filter(pk=pk).exists():
            log_out_of_scope(user, Challenge, pk)
        raise Http404("No such challenge") from None
