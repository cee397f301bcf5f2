from django.apps import AppConfig


class PlanFieldsConfig(AppConfig):
    name = "planfields"
    verbose_name = "A plan's own fields"
    default_auto_field = "django.db.models.BigAutoField"
