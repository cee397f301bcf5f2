"""The governance part of a demo plan file (the `challenges` and `coproduction_comments` keys, see
fixtures/demo/SCHEMA.md), written through the services by the demo users, at the dates the file gives."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from actions.demo import demo_user, plan_data
from actions.models import Action, Plan
from governance.models import Challenge, CoproductionComment
from governance.services import challenge_raise, challenge_respond, comment_record, comment_respond


def _at(day: str, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime.combine(date.fromisoformat(day), time(hour)))


@transaction.atomic
def load_demo_governance(plans: list[Plan]) -> None:
    for plan in plans:
        data = plan_data(plan.slug)
        actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
        for spec in data.get("challenges", []):
            _challenge(actions[spec["action"]], spec)
        for spec in data.get("coproduction_comments", []):
            _comment(plan, actions[spec["action"]], spec)


def _challenge(action: Action, spec: dict) -> Challenge:
    challenge = challenge_raise(action=action, text=spec["text"], by=demo_user(spec["by"]), at=_at(spec["on"]))
    if answer := spec.get("response"):
        challenge_respond(
            challenge=challenge,
            resolution=answer["resolution"],
            response=answer["text"],
            new_rag=answer.get("new_rag", ""),
            by=demo_user(answer["by"]),
            expected_version=challenge.version,
            at=_at(answer["on"], 15),
        )
    return challenge


def _comment(plan: Plan, action: Action, spec: dict) -> CoproductionComment:
    update = action.updates.filter(period__name=spec["period"]).first() if spec.get("period") else None
    comment = comment_record(
        action=action,
        text=spec["text"],
        progress_update=update,
        publishable=spec.get("publishable", True),
        by=demo_user(spec["by"]),
        at=_at(spec["on"]),
    )
    if spec.get("response"):
        # The "we did", as the forum will read it in the termly report (recorded by the programme manager).
        comment_respond(
            comment=comment,
            response=spec["response"],
            by=demo_user("manager"),
            expected_version=comment.version,
            at=_at(spec["on"], 16),
        )
    return comment
