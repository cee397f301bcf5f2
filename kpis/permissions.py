"""Who may write KPI data: the KPI's owner (with a writing role) and programme managers; everyone with a role
reads. As with actions, a KPI outside the user's write scope answers 404 and a read-only role gets 403."""

from actions.permissions import can_write_owned, get_owned_for_user
from kpis.models import Kpi


def can_write_kpi(user, kpi: Kpi) -> bool:
    return can_write_owned(user, kpi.owner_id)


def get_kpi_for_user(user, pk: int, *, write: bool = False, queryset=None) -> Kpi:
    base = queryset if queryset is not None else Kpi.objects.select_related("plan", "area", "owner")
    return get_owned_for_user(user, base, pk, write=write)
