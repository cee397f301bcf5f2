"""Risk owners (with a writing role) and programme managers write a risk; everyone with a role reads the register.
Out of scope answers 404, a read-only role 403, as for actions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.permissions import WRITING_ROLES, Role, require_reader, user_officer, user_roles
from risks.models import Risk


def can_write_risk(user, risk: Risk) -> bool:
    roles = user_roles(user)
    if Role.PROGRAMME_MANAGER in roles:
        return True
    officer = user_officer(user)
    return Role.SEND_LEAD in roles and officer is not None and risk.owner_id == officer.pk


def can_record_risks(user) -> bool:
    return Role.PROGRAMME_MANAGER in user_roles(user)


def get_risk_for_user(user, pk: int, *, write: bool = False, queryset=None) -> Risk:
    require_reader(user)
    base = queryset if queryset is not None else Risk.objects.select_related("plan", "area", "owner")
    try:
        risk = base.get(pk=pk)
    except Risk.DoesNotExist:
        raise Http404("No such risk") from None
    if write:
        if not (user_roles(user) & WRITING_ROLES):
            raise PermissionDenied("Your role can read this plan but not change it.")
        if not can_write_risk(user, risk):
            raise Http404("No such risk")
    return risk


def require_risk_recorder(user) -> None:
    require_reader(user)
    if not can_record_risks(user):
        raise PermissionDenied("Only the programme manager records new risks. Ask them to add yours.")
