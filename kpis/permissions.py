"""Who may write KPI data: the KPI's owner (with a writing role) and programme managers; everyone with a role
reads. As with actions, a KPI outside the user's write scope answers 404 and a read-only role gets 403."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from actions.permissions import WRITING_ROLES, Role, require_reader, user_officer, user_roles
from kpis.models import Kpi


def can_write_kpi(user, kpi: Kpi) -> bool:
    roles = user_roles(user)
    if Role.PROGRAMME_MANAGER in roles:
        return True
    officer = user_officer(user)
    return Role.SEND_LEAD in roles and officer is not None and kpi.owner_id == officer.pk


def get_kpi_for_user(user, pk: int, *, write: bool = False, queryset=None) -> Kpi:
    require_reader(user)
    base = queryset if queryset is not None else Kpi.objects.select_related("plan", "area", "owner")
    try:
        kpi = base.get(pk=pk)
    except Kpi.DoesNotExist:
        raise Http404("No such KPI") from None
    if write:
        if not (user_roles(user) & WRITING_ROLES):
            raise PermissionDenied("Your role can read this plan but not change it.")
        if not can_write_kpi(user, kpi):
            raise Http404("No such KPI")
    return kpi
