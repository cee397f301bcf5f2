"""Risk owners (with a writing role) and programme managers write a risk; everyone with a role reads the register.
Out of scope answers 404, a read-only role 403, as for actions. Only programme managers record new risks."""

from django.core.exceptions import PermissionDenied

from actions.permissions import Role, can_write_owned, get_owned_for_user, require_reader, user_roles
from risks.models import Risk


def can_write_risk(user, risk: Risk) -> bool:
    return can_write_owned(user, risk.owner_id)


def can_record_risks(user) -> bool:
    return Role.PROGRAMME_MANAGER in user_roles(user)


def get_risk_for_user(user, pk: int, *, write: bool = False, queryset=None) -> Risk:
    base = queryset if queryset is not None else Risk.objects.select_related("plan", "area", "owner")
    return get_owned_for_user(user, base, pk, write=write)


def require_risk_recorder(user) -> None:
    require_reader(user)
    if not can_record_risks(user):
        raise PermissionDenied("Only the programme manager records new risks. Ask them to add yours.")
