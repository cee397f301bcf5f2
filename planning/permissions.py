"""Who may set up a plan: programme managers only. Every other role reads the plan's pages but gets 403 here."""

from actions.permissions import require_plan_manager

MANAGERS_ONLY = "Only the programme manager sets up a plan: its details, RAG key, areas and reporting periods."


def require_plan_setup(user) -> None:
    require_plan_manager(user, MANAGERS_ONLY)
