from django.apps import AppConfig


class WorkbooksConfig(AppConfig):
    name = "workbooks"
    verbose_name = "Import, export and roll forward"
