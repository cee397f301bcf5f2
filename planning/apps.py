from django.apps import AppConfig


class PlanningConfig(AppConfig):
    """Setting up a plan in the app: a new plan, its header and RAG key, its areas (with findings and outcomes)
    and its reporting periods. No models of its own: it writes the actions app's."""

    name = "planning"
    verbose_name = "Setting up a plan"
    default_auto_field = "django.db.models.BigAutoField"
