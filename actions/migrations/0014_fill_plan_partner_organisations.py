"""Existing plans name their partner organisations: those whose posts lead, or are accountable for, the plan's
actions, the plan's accountable officers' organisations and the organisations named as partners on its actions."""

from django.db import migrations


def fill(apps, schema_editor):
    Plan = apps.get_model("actions", "Plan")
    Officer = apps.get_model("actions", "Officer")
    Organisation = apps.get_model("actions", "Organisation")
    Action = apps.get_model("actions", "Action")
    for plan in Plan.objects.all():
        actions = Action.objects.filter(area__plan=plan)
        organisation_ids = (
            set(Officer.objects.filter(led_actions__in=actions).values_list("organisation_id", flat=True))
            | set(Officer.objects.filter(accountable_actions__in=actions).values_list("organisation_id", flat=True))
            | set(plan.accountable_officers.values_list("organisation_id", flat=True))
            | set(Organisation.objects.filter(partner_actions__in=actions).values_list("id", flat=True))
        )
        plan.partner_organisations.add(*organisation_ids)


class Migration(migrations.Migration):
    dependencies = [("actions", "0013_plan_partner_organisations")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
