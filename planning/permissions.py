"""Who may set up a plan: programme managers only. Every other role reads the plan's pages but gets 403 here."""

from django.core.exceptions import PermissionDenied

from actions.permissions import can_manage_plans, require_reader

MANAGERS_ONLY = "Only the programme manager sets up a plan: its details, RAG key, areas and reporting periods."


def require_plan_setup(user) -> None:
    require_reader(user)
    if not can_manage_plans(user):
        raise PermissionDenied(MANAGERS_ONLY)
