"""Load the demo plans (fixtures/demo/*.json, format in fixtures/demo/SCHEMA.md) and one demo user per role.

Progress updates go through progress_update_submit (drafts through progress_update_save_draft), period by period,
so demo data obeys the same rules as real data and its history reads as if the leads had typed it on the day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from actions.models import (
    Action,
    AreaOfWeakness,
    Finding,
    Officer,
    Organisation,
    Outcome,
    Plan,
    RagDefinition,
    ReportingPeriod,
)
from actions.permissions import Role
from actions.services import (
    UNCHANGED,
    area_close,
    post_hand_over,
    post_holder_record,
    progress_update_save_draft,
    progress_update_submit,
    role_groups_sync,
)

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "demo-sendplan-2026"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    plan_slug: str | None
    officer_key: str | None
    first_name: str
    last_name: str
    # For users who lead no action: the post they hold, and the name of its organisation.
    post_title: str = ""
    organisation: str = ""


# One login per role (two SEND leads share actions in RBWM, to try a conflicting edit). The leads log in as
# officers of the demo plans, who lead many actions.
DEMO_USERS = [
    DemoUser("lead", Role.SEND_LEAD, "rbwm-wsoa-2017", "sl-cypds", "Gareth", "Lomax"),
    DemoUser("lead-dco", Role.SEND_LEAD, "rbwm-wsoa-2017", "dco", "Eleanor", "Fairbairn"),
    DemoUser("lead-oxon", Role.SEND_LEAD, "oxfordshire-app-2020", "head-send", "Claire", "Mortimer"),
    DemoUser("lead-kest", Role.SEND_LEAD, "kestlebury-pap-2025", "head-send", "Anjali", "Mistry"),
    DemoUser(
        "manager",
        Role.PROGRAMME_MANAGER,
        None,
        None,
        "Morgan",
        "Ellis",
        "SEND Improvement Programme Manager",
        "Royal Borough of Windsor and Maidenhead",
    ),
    DemoUser(
        "chair",
        Role.BOARD_CHAIR,
        None,
        None,
        "Gareth",
        "Lloyd",
        "Independent Chair, SEND Improvement Board",
        "Royal Borough of Windsor and Maidenhead",
    ),
    DemoUser(
        "member",
        Role.BOARD_MEMBER,
        None,
        None,
        "Fatima",
        "Khan",
        "Headteacher representative, SEND Improvement Board",
        "RBWM schools and colleges",
    ),
    DemoUser(
        "comms",
        Role.COMMS_OFFICER,
        None,
        None,
        "Jo",
        "Baxter",
        "Communications Officer",
        "Royal Borough of Windsor and Maidenhead",
    ),
    DemoUser(
        "pcf",
        Role.PCF_REPRESENTATIVE,
        None,
        None,
        "Sam",
        "Okafor",
        "Parent Representative",
        "Parents and Carers in Partnership",
    ),
    DemoUser("adviser", Role.ADVISER, None, None, "Chris", "Dunn", "SEND Adviser (DfE)", "Department for Education"),
]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _at(day: date, minutes: int = 0) -> datetime:
    """A working-hours timestamp on `day`, spread by `minutes` so history keeps a stable order."""
    return timezone.make_aware(datetime.combine(day, time(9, 0)) + timedelta(minutes=minutes))


def _create(instance, *, at: datetime):
    instance.full_clean()
    instance.updated_at = at
    instance._history_date = at
    instance.save()
    return instance


# What a later edition of a plan may change in its header.
EDITION_FIELDS = ("title", "version_label", "approved_by", "board_name", "advisers", "summary")


def _new_edition(plan: Plan, edition: dict, officers: dict) -> None:
    """A revised edition of the plan, as its header stood from `on`: the plan's history shows the change, by whom."""
    plan._history_date = _at(_date(edition["on"]))
    if edition.get("by"):
        officer = officers[edition["by"]]
        plan._history_user = officer.user or _user_for(officer)
    for name in EDITION_FIELDS:
        if name in edition:
            setattr(plan, name, edition[name])
    plan.full_clean()
    plan.save()
    if "accountable_officers" in edition:
        plan.accountable_officers.set(officers[key] for key in edition["accountable_officers"])


def _user_for(officer: Officer) -> User:
    """Every officer gets an account (inactive unless a demo login) so history shows who did what."""
    username = f"officer-{officer.pk}"
    user = User(username=username, first_name=officer.person_name or officer.post_title, is_active=False)
    user.set_unusable_password()
    user.save()
    officer.user = user
    officer.save(update_fields=["user"])
    return user


def _hand_over(started_on: date, key: str, handover: dict, officers: dict[str, Officer]) -> None:
    """The new person takes over the post, with an account of their own so history shows who did what."""
    officer = officers[key]
    officer.refresh_from_db()
    user = User(
        username=f"officer-{officer.pk}-from-{started_on:%Y%m%d}",
        first_name=handover["person_name"],
        is_active=False,
    )
    user.set_unusable_password()
    user.save()
    post_hand_over(
        officer=officer,
        person_name=handover["person_name"],
        email=handover.get("email", ""),
        started_on=started_on,
        user=user,
        by=officers[handover["by"]].user,
        expected_version=officer.version,
    )


def _close_areas(data: dict, areas: dict[str, AreaOfWeakness], officers: dict[str, Officer]) -> None:
    """Areas closed part-way through the plan (`closed_on`, `closed_reason`), closed through the app's service on
    that day by the area's first owner, so the area's history and reports as at an earlier term see it open."""
    for spec in data["areas"]:
        if not spec.get("closed_on"):
            continue
        area = areas[spec["ref"]]
        area.refresh_from_db()
        closed_on = _date(spec["closed_on"])
        area._history_date = _at(closed_on)
        owner = officers[spec["owners"][0]] if spec.get("owners") else None
        area_close(
            area=area,
            closed_on=closed_on,
            reason=spec.get("closed_reason", ""),
            by=owner.user if owner else None,
            expected_version=area.version,
        )
        AreaOfWeakness.objects.filter(pk=area.pk).update(updated_at=_at(closed_on))


@dataclass
class DemoPlanContext:
    """What a demo extension (e.g. kpis.demo) needs to add its part of a plan file."""

    plan: Plan
    data: dict
    officers: dict[str, Officer]
    areas: dict[str, AreaOfWeakness]
    created: datetime


@transaction.atomic
def load_plan(path: Path) -> Plan | None:
    """Create one demo plan from its JSON file; None if a plan with that slug is already loaded."""
    data = json.loads(path.read_text())
    spec = data["plan"]
    if Plan.objects.filter(slug=spec["slug"]).exists():
        return None
    created = _at(_date(spec["published"]) or _date(spec["start_date"]))

    organisations = {}
    for org in data["organisations"]:
        organisations[org["key"]], _ = Organisation.objects.get_or_create(
            name=org["name"], defaults={"short_name": org.get("short_name", ""), "kind": org["kind"]}
        )
    officers = {}
    for item in data["officers"]:
        officer = _create(
            Officer(
                post_title=item["post_title"],
                person_name=item.get("person_name", ""),
                organisation=organisations[item["organisation"]],
                email=item.get("email", ""),
                name_publishable=item.get("name_publishable", True),
            ),
            at=created,
        )
        _user_for(officer)
        # The post's first holder, from when the plan was published (decision 0023).
        post_holder_record(
            officer=officer,
            person_name=officer.person_name,
            email=officer.email,
            started_on=created.date(),
            by=officer.user,
            user=officer.user,
        )
        officers[item["key"]] = officer
    # Posts handed over during the plan (the optional "handovers" of an officer), applied in date order as the
    # replay of updates below reaches them, so each update names the person who held the post when it was given.
    handovers = sorted(
        (_date(handover["from"]), item["key"], handover)
        for item in data["officers"]
        for handover in item.get("handovers", [])
    )

    plan = _create(
        Plan(
            slug=spec["slug"],
            local_area=spec["local_area"],
            plan_type=spec["plan_type"],
            title=spec["title"],
            inspection_start=_date(spec.get("inspection_start")),
            inspection_end=_date(spec.get("inspection_end")),
            inspection_label=spec.get("inspection_label", ""),
            report_published=_date(spec.get("report_published")),
            published=_date(spec.get("published")),
            start_date=_date(spec["start_date"]),
            summary=spec.get("summary", ""),
            advisers=spec.get("advisers", ""),
            version_label=spec.get("version_label", ""),
            approved_by=spec.get("approved_by", ""),
            board_name=spec.get("board_name", ""),
            publishes_ratings=spec.get("publishes_ratings", True),
            # The plan's own words for the stages (absent: the standard words).
            **{f"stage_{code}_label": word for code, word in spec.get("stage_labels", {}).items()},
        ),
        at=created,
    )
    plan.accountable_officers.set(officers[key] for key in spec.get("accountable_officers", []))
    plan.partner_organisations.set(organisations.values())
    for edition in spec.get("editions", []):
        _new_edition(plan, edition, officers)
    for line in data["rag_key"]:
        _create(
            RagDefinition(plan=plan, code=line["code"], label=line["label"], definition=line["definition"]), at=created
        )

    periods = {}
    for item in data["periods"]:
        periods[item["key"]] = _create(
            ReportingPeriod(
                plan=plan,
                name=item["name"],
                start=_date(item["start"]),
                end=_date(item["end"]),
                update_deadline=_date(item.get("update_deadline")),
                status=ReportingPeriod.Status.PLANNED,
            ),
            at=created,
        )

    updates_by_period: dict[str, list[tuple[Action, dict]]] = {key: [] for key in periods}
    areas: dict[str, AreaOfWeakness] = {}
    for area_order, area_spec in enumerate(data["areas"], start=1):
        area = _create(
            AreaOfWeakness(
                plan=plan,
                ref=area_spec["ref"],
                title=area_spec["title"],
                general_outcomes=area_spec.get("general_outcomes", ""),
                order=area_order,
                kind=area_spec.get("kind", AreaOfWeakness.Kind.WEAKNESS),
                # An earlier area of the same plan: the fixture lists the area it is reported with first.
                reported_with=areas.get(area_spec.get("reported_with")),
            ),
            at=created,
        )
        area.owners.set(officers[key] for key in area_spec.get("owners", []))
        areas[area.ref] = area
        findings = {}
        for order, item in enumerate(area_spec.get("findings", []), start=1):
            finding = _create(Finding(area=area, ref=item.get("ref", ""), text=item["text"], order=order), at=created)
            findings[item.get("ref") or str(order)] = finding
        outcomes = {}
        for order, item in enumerate(area_spec.get("outcomes", []), start=1):
            outcomes[item["key"]] = _create(
                Outcome(
                    area=area,
                    finding=findings.get(item.get("finding") or ""),
                    ref=item.get("ref", ""),
                    text=item["text"],
                    order=order,
                ),
                at=created,
            )
        for order, item in enumerate(area_spec.get("actions", []), start=1):
            action = _create(
                Action(
                    area=area,
                    outcome=outcomes.get(item.get("outcome") or ""),
                    ref=item["ref"],
                    text=item["text"],
                    due_date=_date(item.get("due_date")),
                    due_label=item.get("due_label", ""),
                    coproduction_level=item.get("coproduction_level") or "",
                    coproduction_evidence=item.get("coproduction_evidence", ""),
                    order=order,
                ),
                at=created,
            )
            action.leads.set(officers[key] for key in item["leads"])
            # One key, or a list of them for joint accountable officers.
            accountable = item.get("accountable") or []
            action.accountable_officers.set(
                officers[key] for key in ([accountable] if isinstance(accountable, str) else accountable)
            )
            action.partners.set(organisations[key] for key in item.get("partners", []))
            for update in item.get("updates", []):
                updates_by_period[update["period"]].append((action, update))

    # Replay the updates period by period, opening each period in turn as a programme manager would.
    for period_spec in data["periods"]:
        period = periods[period_spec["key"]]
        # Opened on its first day and closed the day after it ends, so "as at" views see each round as it was.
        period.status = ReportingPeriod.Status.OPEN
        period._history_date = _at(period.start)
        period.save(update_fields=["status"])
        submitted_on = period.update_deadline or period.end
        while handovers and handovers[0][0] <= submitted_on - timedelta(days=3):
            _hand_over(*handovers.pop(0), officers)
        for minutes, (action, update) in enumerate(updates_by_period[period_spec["key"]]):
            action.refresh_from_db()
            officer = officers[update["by"]]
            if update.get("status") == "draft":
                save = progress_update_save_draft
            else:
                # An entry brought in as history (the plan's tracker before sendplan) may be narrative only, with
                # no rating, in a rated plan, as the importer brings such entries in.
                save = partial(progress_update_submit, imported_history=update.get("history", False))
            save(
                action=action,
                period=period,
                rag=update.get("rag", ""),
                progress=update.get("progress", ""),
                impact=update.get("impact", ""),
                recovery_note=update.get("recovery_note", ""),
                completion_date=_date(update.get("completion_date")),
                evidence=update.get("evidence", ""),
                stage=update.get("stage", UNCHANGED),
                percent_complete=update.get("percent_complete", UNCHANGED),
                by=officer.user,
                officer=officer,
                expected_version=action.version,
                submitted_at=_at(submitted_on - timedelta(days=3), minutes=minutes * 7),
            )
        if period.status != period_spec["status"]:
            period.status = period_spec["status"]
            period._history_date = _at(period.end + timedelta(days=1))
            period.save(update_fields=["status"])
    _close_areas(data, areas, officers)

    context = DemoPlanContext(plan=plan, data=data, officers=officers, areas=areas, created=created)
    for extension in settings.SENDPLAN_DEMO_EXTENSIONS:
        import_string(extension)(context)
    return plan


@transaction.atomic
def load_users() -> list[DemoUser]:
    groups = role_groups_sync()
    for spec in DEMO_USERS:
        officer = _demo_officer(spec) if spec.officer_key else _own_officer(spec)
        # A lead's login is the officer's own account (made by load_plan), renamed on the first run.
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = officer.user or User(username=spec.username)
        user.username = spec.username
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.email = f"{spec.username}@example.org"
        user.is_active = True
        user.is_staff = spec.role == Role.PROGRAMME_MANAGER
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([groups[spec.role]])
        if officer.user_id != user.pk:
            officer.user = user
            officer.save(update_fields=["user"])
    return DEMO_USERS


def _own_officer(spec: DemoUser) -> Officer:
    """The post of a demo user who leads no action, created on the first run."""
    organisation, _ = Organisation.objects.get_or_create(
        name=spec.organisation, defaults={"kind": Organisation.Kind.OTHER}
    )
    officer, _ = Officer.objects.get_or_create(
        post_title=spec.post_title,
        organisation=organisation,
        defaults={"person_name": f"{spec.first_name} {spec.last_name}", "email": f"{spec.username}@example.org"},
    )
    return officer


def _demo_officer(spec: DemoUser) -> Officer:
    """The officer a demo lead logs in as, found through the plan file's officer key."""
    for path in sorted(DEMO_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        if data["plan"]["slug"] != spec.plan_slug:
            continue
        item = next(o for o in data["officers"] if o["key"] == spec.officer_key)
        return Officer.objects.get(
            post_title=item["post_title"],
            organisation__name=next(org["name"] for org in data["organisations"] if org["key"] == item["organisation"]),
            holders__person_name=item.get("person_name", ""),  # its first holder (decision 0023)
        )
    raise LookupError(f"No demo plan {spec.plan_slug}")


def plan_data(slug: str) -> dict:
    """A demo plan's file, for extensions that run once the demo users exist."""
    for path in sorted(DEMO_DIR.glob("*.json")):
        data = json.loads(path.read_text())
        if data["plan"]["slug"] == slug:
            return data
    raise LookupError(f"No demo plan {slug}")


def demo_user(username: str) -> User:
    return User.objects.select_related("officer").get(username=username)


def load_demo() -> tuple[list[Plan], list[DemoUser]]:
    """Load every demo plan not yet loaded, then (re)set the demo users. Safe to run again.

    Parts of the demo written by people (challenges, comments, meetings) need the demo users, so extensions
    listed in SENDPLAN_DEMO_AFTER_USERS run after them, for the plans loaded this time only."""
    plans = [plan for path in sorted(DEMO_DIR.glob("*.json")) if (plan := load_plan(path))]
    users = load_users()
    for extension in settings.SENDPLAN_DEMO_AFTER_USERS:
        import_string(extension)(plans)
    return plans, users
