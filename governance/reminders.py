"""Reminder emails (`manage.py send_reminders`): each officer's digest of everything waiting on them, and an
escalation to the owners of each area of weakness once a reporting round is past its update deadline.

`reminders_due()` is the selector: it builds every digest and escalation in a fixed number of queries, however many
officers there are. `reminders_send()` is the service: one transaction per email holds its ReminderLog row and the
send, so a failed send leaves no row (the next run retries it) and a second run the same day sends nothing twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string

from actions.models import Action, AreaOfWeakness, Officer, ReportingPeriod
from actions.selectors import annotate_action_state, annotate_draft_saved, open_periods_by_plan
from boards.models import BoardAction
from boards.selectors import open_board_actions
from governance.models import Challenge, ReminderLog
from kpis.selectors import CommentaryDue, commentary_due_by_owner
from risks.models import Risk
from risks.selectors import overdue_reviews_by_owner
from sendplan.mail import Kind, Message


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


@dataclass
class UpdateDue:
    """An open action with no update yet in its plan's open reporting round (a draft is not one)."""

    action: Action
    period: ReportingPeriod
    late: bool  # the round's update deadline has passed
    draft_saved: bool = False  # a draft waits to be submitted: told to the leads, who may see it

    @property
    def deadline(self) -> date | None:
        return self.period.update_deadline


@dataclass
class DigestSection:
    """A section a later app adds to the digest through SENDPLAN_DIGEST_SECTIONS (reports: reports waiting for
    approval or publication): its heading, its items, and `template`.txt/.html that list them."""

    title: str
    one: str  # one item, for the command's output ("report waiting")
    many: str
    items: list
    template: str


@dataclass
class Digest:
    """Everything waiting on one officer on `today`. Each list is in the order the email shows it."""

    officer: Officer
    today: date
    updates_due: list[UpdateDue] = field(default_factory=list)
    overdue_actions: list[Action] = field(default_factory=list)  # each with `effective_due` annotated
    challenges: list[Challenge] = field(default_factory=list)
    commentary_due: list[CommentaryDue] = field(default_factory=list)
    overdue_reviews: list[Risk] = field(default_factory=list)
    overdue_board_actions: list[BoardAction] = field(default_factory=list)
    more: list[DigestSection] = field(default_factory=list)  # from SENDPLAN_DIGEST_SECTIONS, after the others

    # (section, one item, several items) in the order the command's output names them.
    SECTIONS = (
        ("updates_due", "update due", "updates due"),
        ("overdue_actions", "overdue action", None),
        ("challenges", "open challenge", None),
        ("commentary_due", "KPI commentary", "KPI commentaries"),
        ("overdue_reviews", "overdue risk review", None),
        ("overdue_board_actions", "overdue board action", None),
    )

    def counts(self) -> list[str]:
        """What the digest holds, in words, for the command's output ("2 updates due, 1 open challenge")."""
        sizes = [(len(getattr(self, name)), one, many) for name, one, many in self.SECTIONS]
        sizes += [(len(section.items), section.one, section.many) for section in self.more]
        return [_plural(count, one, many) for count, one, many in sizes if count]

    @property
    def item_count(self) -> int:
        return sum(len(getattr(self, name)) for name, _, _ in self.SECTIONS) + sum(len(s.items) for s in self.more)


@dataclass
class EscalatedAction:
    action: Action
    leads: list[Officer]


@dataclass
class EscalatedArea:
    """One area's actions still without an update in a round whose deadline has passed."""

    area: AreaOfWeakness
    period: ReportingPeriod
    actions: list[EscalatedAction] = field(default_factory=list)


@dataclass
class Escalation:
    """For one area owner: the areas they own with actions still waiting for an update after the deadline."""

    officer: Officer
    today: date
    areas: list[EscalatedArea] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(len(area.actions) for area in self.areas)

    def counts(self) -> list[str]:
        return [_plural(self.item_count, "action without an update", "actions without an update")]


@dataclass
class Reminders:
    today: date
    digests: list[Digest]  # only officers with something due, in officer order
    escalations: list[Escalation]
    nothing_due: list[Officer]  # officers with neither a digest nor an escalation


def reminders_due(today: date | None = None) -> Reminders:
    """Every officer's digest and every area owner's escalation as at `today` (default: today).

    Thirteen queries whatever the number of officers, actions or items (tests/governance/test_reminders.py holds the
    budget):
    officers; actions needing an update or overdue, their leads and their areas' owners; open rounds; open
    challenges and their actions' leads; KPIs, milestones and measurements; overdue risk reviews; overdue board
    actions; termly reports waiting (and, when some wait, the officers who may act on them:
    tests/reports/test_report_workflow.py).
    """
    today = today or timezone.localdate()
    officers = list(Officer.objects.order_by("post_title", "person_name", "pk"))
    digests = {officer.pk: Digest(officer=officer, today=today) for officer in officers}
    escalated: dict[int, dict[int, EscalatedArea]] = {}  # owner id -> area id -> area's actions

    def section(officer_id: int, name: str) -> list:
        """The officer's digest section to add to. An officer added since the officers were read gets a list that
        is thrown away: they are left for the next run rather than failing everyone's."""
        digest = digests.get(officer_id)
        return getattr(digest, name) if digest is not None else []

    # An action whose area is closed is no longer monitored (Action.monitored_q): no reminder, no escalation.
    monitored = Action.objects.filter(status=Action.Status.OPEN).monitored(on=today)
    actions = (
        annotate_draft_saved(annotate_action_state(monitored, today=today))
        .filter(Q(needs_update=True) | Q(overdue=True))
        .select_related("area__plan")
        .prefetch_related(
            Prefetch("leads", queryset=Officer.objects.order_by("post_title", "person_name")),
            Prefetch("area__owners", queryset=Officer.objects.only("id")),
        )
        .order_by("area__plan__local_area", "area__plan__start_date", "area__order", "order", "ref")
    )
    periods = open_periods_by_plan()
    for action in actions:
        leads = list(action.leads.all())
        period = periods.get(action.area.plan_id)
        if action.needs_update and period is not None:
            late = period.update_deadline is not None and period.update_deadline < today
            for lead in leads:
                due = UpdateDue(action=action, period=period, late=late, draft_saved=action.draft_saved)
                section(lead.pk, "updates_due").append(due)
            if late:
                for owner in action.area.owners.all():
                    areas = escalated.setdefault(owner.pk, {})
                    area = areas.setdefault(action.area_id, EscalatedArea(area=action.area, period=period))
                    area.actions.append(EscalatedAction(action=action, leads=leads))
        if action.overdue:
            for lead in leads:
                section(lead.pk, "overdue_actions").append(action)

    challenges = (
        Challenge.objects.filter(Action.monitored_q(today, prefix="action__"), status=Challenge.Status.OPEN)
        .select_related("action__area__plan", "period")
        .prefetch_related(Prefetch("action__leads", queryset=Officer.objects.only("id")))
        .order_by("raised_at", "pk")
    )
    for challenge in challenges:
        for lead in challenge.action.leads.all():
            section(lead.pk, "challenges").append(challenge)

    for owner_id, due in commentary_due_by_owner().items():
        section(owner_id, "commentary_due").extend(due)
    for owner_id, risks in overdue_reviews_by_owner(today=today).items():
        section(owner_id, "overdue_reviews").extend(risks)
    board_actions = open_board_actions().filter(due_date__lt=today).select_related("meeting__board")
    for board_action in board_actions.order_by("due_date", "pk"):
        section(board_action.owner_id, "overdue_board_actions").append(board_action)

    # Later apps' sections (governance imports none of them): each a callable(today) -> {officer id: DigestSection}.
    for path in settings.SENDPLAN_DIGEST_SECTIONS:
        for officer_id, extra in import_string(path)(today).items():
            if officer_id in digests:
                digests[officer_id].more.append(extra)

    escalations = [
        Escalation(officer=officer, today=today, areas=list(escalated[officer.pk].values()))
        for officer in officers
        if officer.pk in escalated
    ]
    return Reminders(
        today=today,
        digests=[digest for digest in digests.values() if digest.item_count],
        escalations=escalations,
        nothing_due=[o for o in officers if not digests[o.pk].item_count and o.pk not in escalated],
    )


def digest_message(digest: Digest) -> Message:
    items = _plural(digest.item_count, "item")
    subject = f"{settings.SENDPLAN_BRAND_NAME}: {items} waiting for you"
    fields = {"item_count": items, "summary": ", ".join(digest.counts()), "my_actions_link": _link("my-actions")}
    context = {"digest": digest}
    return _message(Kind.DIGEST, digest.officer, digest.today, subject, "governance/email/digest", context, fields)


def escalation_message(escalation: Escalation) -> Message:
    count = _plural(escalation.item_count, "action")
    subject = f"{settings.SENDPLAN_BRAND_NAME}: {count} in your areas still without an update"
    context = {"escalation": escalation}
    fields = {"action_count": count}
    template = "governance/email/escalation"
    return _message(Kind.ESCALATION, escalation.officer, escalation.today, subject, template, context, fields)


def _link(name: str) -> str:
    return f"{settings.SENDPLAN_SITE_URL}{reverse(name)}"


def _text(template: str, context: dict) -> str:
    # The text templates keep their tags on their own lines for legibility; squeeze the blank lines that leaves.
    return re.sub(r"\n{3,}", "\n\n", render_to_string(template, context)).strip() + "\n"


def _message(
    kind: Kind, officer: Officer, today: date, subject: str, template: str, context: dict, fields: dict
) -> Message:
    """The email to `officer`: the text and HTML bodies from `template`, and for a Notify template the same facts
    as fields (docs/deployment.md lists them): `details` is the body's list of items, as plain text."""
    context = {
        **context,
        "officer": officer,
        "site_url": settings.SENDPLAN_SITE_URL,
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "local_area": settings.SENDPLAN_LOCAL_AREA,
    }
    personalisation = {
        "name": officer.person_name or officer.post_title,
        "brand_name": settings.SENDPLAN_BRAND_NAME,
        "local_area": settings.SENDPLAN_LOCAL_AREA,
        "date": date_format(today, "j F Y"),
        **fields,
        "details": _text(f"{template}_items.txt", context).strip(),
    }
    return Message(
        kind=kind,
        to=officer.email,
        personalisation=personalisation,
        subject=subject,
        body=_text(f"{template}.txt", context),
        html=render_to_string(f"{template}.html", context),
    )


@dataclass
class ReminderRun:
    """What `reminders_send` did: one line per email, and the totals for the summary."""

    dry_run: bool
    lines: list[str] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=lambda: {ReminderLog.Kind.DIGEST: 0, ReminderLog.Kind.ESCALATION: 0})
    already_sent: int = 0
    failed: int = 0
    nothing_due: list[Officer] = field(default_factory=list)
    no_email: list[Officer] = field(default_factory=list)

    @property
    def summary(self) -> str:
        digests = _plural(self.sent[ReminderLog.Kind.DIGEST], "digest")
        escalations = _plural(self.sent[ReminderLog.Kind.ESCALATION], "escalation")
        parts = [f"{'Dry run: would send' if self.dry_run else 'Sent'} {digests} and {escalations}"]
        if self.already_sent:
            parts.append(f"{_plural(self.already_sent, 'email')} already sent today")
        if self.failed:
            parts.append(f"{_plural(self.failed, 'email')} failed (run again to retry)")
        had = "officer had" if len(self.nothing_due) == 1 else "officers had"
        parts.append(f"{len(self.nothing_due)} {had} nothing due")
        if self.no_email:
            has = "officer has" if len(self.no_email) == 1 else "officers have"
            names = ", ".join(str(officer) for officer in self.no_email)
            parts.append(f"{len(self.no_email)} {has} no email address: {names}")
        return "; ".join(parts)


def reminders_send(
    *, today: date | None = None, dry_run: bool = False, echo: Callable[[str], None] | None = None
) -> ReminderRun:
    """Send today's digests, then the escalations, each at most once per officer per day.

    Each email is sent inside the transaction that writes its ReminderLog row: if the send raises, the row is rolled
    back and a later run retries that email; the others are unaffected. Should two runs overlap, the unique
    (officer, kind, day) key makes the second one's insert fail, and it skips the email. `echo` receives each line
    as it happens (the command prints them).
    """
    today = today or timezone.localdate()
    due = reminders_due(today)
    run = ReminderRun(dry_run=dry_run, nothing_due=due.nothing_due)
    logged = set(ReminderLog.objects.filter(sent_on=today).values_list("officer_id", "kind"))
    no_email: dict[int, Officer] = {}

    def report(line: str) -> None:
        run.lines.append(line)
        if echo is not None:
            echo(line)

    emails = [(ReminderLog.Kind.DIGEST, digest, digest_message) for digest in due.digests] + [
        (ReminderLog.Kind.ESCALATION, escalation, escalation_message) for escalation in due.escalations
    ]
    for kind, reminder, build in emails:
        officer = reminder.officer
        label = f"{kind.value} to {officer}"
        what = ", ".join(reminder.counts())
        if not officer.email:
            no_email[officer.pk] = officer
            report(f"Not sent {label} ({what}): no email address")
            continue
        label = f"{label} <{officer.email}>"
        if (officer.pk, kind) in logged:
            run.already_sent += 1
            report(f"Skipped {label}: already sent today")
            continue
        if dry_run:
            run.sent[kind] += 1
            report(f"Would send {label}: {what}")
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.create(officer=officer, kind=kind, sent_on=today, item_count=reminder.item_count)
                build(reminder).send()
        except IntegrityError:
            run.already_sent += 1
            report(f"Skipped {label}: already sent today (by another run)")
        except Exception as error:  # EmailNotSent, or whatever else went wrong: report it and go on with the others
            run.failed += 1
            report(f"Failed {label}: {error}")
        else:
            run.sent[kind] += 1
            report(f"Sent {label}: {what}")
    run.no_email = list(no_email.values())
    return run
