"""Reads for a plan's people page: its organisations, each with its posts and their sign-in accounts."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from actions.models import Officer, Organisation, Plan
from actions.selectors import plan_organisation_ids


def plan_organisations(plan: Plan) -> QuerySet[Organisation]:
    """The organisations working on `plan` (plan_organisation_ids), by name."""
    return Organisation.objects.filter(pk__in=plan_organisation_ids(plan)).order_by("name")


def plan_people(plan: Plan) -> list[Organisation]:
    """`plan`'s organisations, each with `.posts` (its officers, each with `.account_status`): an organisation with
    no posts yet is listed too, so the manager can add its first. Queries: the plan's organisation ids
    (plan_organisation_ids), the organisations, and their posts with their accounts, however many posts."""
    posts = Officer.objects.select_related("user").order_by("post_title", "person_name")
    organisations = list(
        plan_organisations(plan).prefetch_related(Prefetch("officers", queryset=posts, to_attr="posts"))
    )
    for organisation in organisations:
        for officer in organisation.posts:
            officer.account_status = account_status(officer)
    return organisations


def account_status(officer: Officer) -> str:
    """The post's sign-in account as the manager reads it: none, invited (no password set yet), active, or
    deactivated (a leaver's)."""
    user = officer.user
    if user is None:
        return "No account"
    if not user.is_active:
        return "Deactivated"
    if not user.has_usable_password() and user.last_login is None:
        return "Invited: no password set yet"
    return "Active"
