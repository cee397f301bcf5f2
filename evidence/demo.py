"""The evidence files of a demo plan file (an update's `evidence_files`, see fixtures/demo/SCHEMA.md): attached by
the update's author through the same service and checks as a lead's upload, so the demo shows files under updates
and in the action's history."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction

from actions.demo import plan_data
from actions.models import Plan, ProgressUpdate
from evidence.services import evidence_add


@transaction.atomic
def load_demo_evidence(plans: list[Plan]) -> None:
    for plan in plans:
        data = plan_data(plan.slug)
        period_names = {period["key"]: period["name"] for period in data["periods"]}
        for area in data["areas"]:
            for action in area.get("actions", []):
                for spec in action.get("updates", []):
                    if files := spec.get("evidence_files"):
                        update = ProgressUpdate.objects.select_related("action", "period").get(
                            action__area__plan=plan,
                            action__ref=action["ref"],
                            period__name=period_names[spec["period"]],
                        )
                        evidence_add(
                            update=update,
                            files=[ContentFile(item["text"].encode(), name=item["name"]) for item in files],
                            by=update.submitted_by,
                        )
