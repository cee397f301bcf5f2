from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = "Plans and actions"

    def ready(self):
        post_migrate.connect(_install_data_version_triggers, sender=self)


def _install_data_version_triggers(using, **kwargs):
    # After every migrate (and flush): new tables get their trigger (actions.data_version).
    from actions.data_version import install_triggers

    install_triggers(using)
    # The shared table of cached page parts (sendplan.page_cache), if the settings keep them in the database.
    call_command("createcachetable", database=using, verbosity=0)
