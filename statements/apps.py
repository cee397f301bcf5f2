from django.apps import AppConfig


class StatementsConfig(AppConfig):
    name = "statements"
    verbose_name = "Accessibility statement, privacy notice and cookies page"
    default_auto_field = "django.db.models.BigAutoField"
