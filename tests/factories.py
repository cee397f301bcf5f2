"""Small builders for test data. Named users per role (alice the SEND lead, bob from another agency, ...)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import Group, User

from actions.models import (
    Action,
    AreaOfWeakness,
    Officer,
    Organisation,
    Plan,
    RagDefinition,
    ReportingPeriod,
)
from actions.permissions import Role

PASSWORD = "test-password-123"


def make_user(username: str, role: Role | None, *, officer: Officer | None = None, staff: bool = False) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=username.title(), is_staff=staff)
    if role is not None:
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    if officer is not None:
        officer.user = user
        officer.save()
    return user


def make_organisation(name: str = "Riverside Council", kind: str = "council") -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def make_officer(post: str, person: str = "", organisation: Organisation | None = None, **extra) -> Officer:
    return Officer.objects.create(
        post_title=post, person_name=person, organisation=organisation or make_organisation(), **extra
    )


def make_plan(slug: str = "riverside-wsoa", *, open_period: bool = True) -> Plan:
    plan = Plan.objects.create(
        slug=slug,
        local_area="Riverside",
        plan_type=Plan.PlanType.WSOA,
        title="Written Statement of Action",
        start_date=date(2025, 9, 1),
        published=date(2025, 9, 1),
    )
    for code, label, definition in [
        ("blue", "Blue", "completed and embedded"),
        ("green", "Green", "on track, no concerns"),
        ("amber", "Amber", "on track, minor concerns"),
        ("red", "Red", "little progress, major concerns"),
        ("white", "White", "not started"),
    ]:
        RagDefinition.objects.create(plan=plan, code=code, label=label, definition=definition)
    ReportingPeriod.objects.create(
        plan=plan, name="Autumn 2025", start=date(2025, 9, 1), end=date(2025, 12, 31), status="closed"
    )
    ReportingPeriod.objects.create(
        plan=plan,
        name="Spring 2026",
        start=date(2026, 1, 1),
        end=date(2026, 4, 30),
        update_deadline=date(2026, 4, 15),
        status="open" if open_period else "planned",
    )
    return plan


def make_area(plan: Plan, ref: str = "1", title: str = "Timeliness of EHC plans") -> AreaOfWeakness:
    return AreaOfWeakness.objects.create(plan=plan, ref=ref, title=title, order=int(ref) if ref.isdigit() else 0)


def make_action(area: AreaOfWeakness, ref: str, leads: list[Officer], **extra) -> Action:
    extra.setdefault("text", f"Action {ref}: improve the 20-week EHCP timeline")
    action = Action.objects.create(area=area, ref=ref, **extra)
    action.leads.set(leads)
    return action
