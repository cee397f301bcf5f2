"""Every write to boards, meetings, agenda items, decisions and board actions.

Each service validates (errors keyed by field, so forms show them beside the field), saves with optimistic
locking and records the user in history. Who may call which service is checked by the views (boards/permissions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actions.locking import save_versioned
from actions.models import Officer, Plan
from boards.models import AgendaItem, Board, BoardAction, BoardPack, Decision, Meeting

REPORTS_TO_CYCLE = "{parent} already reports to {board}, directly or through other boards. Choose a board above it."


def board_reports_to_errors(*, board: Board, reports_to: Board | None, parents: dict[int, int | None]) -> dict:
    """Refuse a reporting line that would make a loop. `parents` maps every board's pk to its reports_to pk."""
    if reports_to is None or board.pk is None:
        return {}
    if reports_to.pk == board.pk:
        return {"reports_to": "A board cannot report to itself."}
    seen = set()
    current = reports_to.pk
    while current is not None and current not in seen:
        if current == board.pk:
            return {"reports_to": REPORTS_TO_CYCLE.format(parent=reports_to, board=board)}
        seen.add(current)
        current = parents.get(current)
    return {}


@transaction.atomic
def board_save(
    *,
    board: Board,
    members: Iterable[Officer] = (),
    plans: Iterable[Plan] = (),
    by,
    expected_version: int,
) -> Board:
    """Set up a board or change one: its kind, chair, members, the board it reports to, the plans it oversees."""
    # Locking every board row serialises changes to the structure: two people each adding one reporting line
    # cannot make a loop between them. A local area has tens of boards, so this is one small query.
    parents = dict(Board.objects.select_for_update().order_by("pk").values_list("pk", "reports_to_id"))
    errors = board_reports_to_errors(board=board, reports_to=board.reports_to, parents=parents)
    if errors:
        raise ValidationError(errors)
    save_versioned(board, expected_version=expected_version, by=by)
    board.members.set(members)
    board.plans.set(plans)
    return board


def meeting_errors(
    *, meeting: Meeting, present: list[Officer], apologies: list[Officer], publish_chair_update: bool
) -> dict[str, str]:
    errors = {}
    both = sorted(set(present) & set(apologies), key=str)
    if both:
        names = ", ".join(str(officer) for officer in both)
        errors["apologies"] = f"{names}: marked both present and giving apologies. Choose one."
    if publish_chair_update:
        if not meeting.chair_update.strip():
            errors["chair_update"] = "Write the chair's update before publishing it."
        elif meeting.date and meeting.date > timezone.localdate():
            errors["publish_chair_update"] = "Publish the chair's update once the meeting has taken place."
    return errors


@transaction.atomic
def meeting_save(
    *,
    meeting: Meeting,
    present: Iterable[Officer] = (),
    apologies: Iterable[Officer] = (),
    publish_chair_update: bool = False,
    by,
    expected_version: int,
    at: datetime | None = None,
) -> Meeting:
    """Record a meeting or change its record. Publishing the chair's update stamps who published it and when (kept
    while it stays published, so edits to a published update do not move its date); unpublishing clears both."""
    present, apologies = list(present), list(apologies)
    errors = meeting_errors(
        meeting=meeting, present=present, apologies=apologies, publish_chair_update=publish_chair_update
    )
    if errors:
        raise ValidationError(errors)
    meeting.chair_update = meeting.chair_update.strip()
    if not publish_chair_update:
        meeting.chair_update_published_at = meeting.chair_update_published_by = None
    elif meeting.chair_update_published_at is None:
        meeting.chair_update_published_at, meeting.chair_update_published_by = at or timezone.now(), by
    if at is not None:
        meeting._history_date = at
    save_versioned(meeting, expected_version=expected_version, by=by)
    meeting.present.set(present)
    meeting.apologies.set(apologies)
    return meeting


def agenda_item_errors(item: AgendaItem) -> dict[str, str]:
    """An agenda item may point only at areas, actions, KPIs and risks of the plans the board oversees."""
    plan_ids = set(item.meeting.board.plans.values_list("pk", flat=True))
    linked = {
        "area": (item.area, lambda area: area.plan_id, "area of weakness"),
        "action": (item.action, lambda action: action.area.plan_id, "action"),
        "kpi": (item.kpi, lambda kpi: kpi.plan_id, "KPI"),
        "risk": (item.risk, lambda risk: risk.plan_id, "risk"),
    }
    errors = {}
    for name, (record, plan_of, noun) in linked.items():
        if record is not None and plan_of(record) not in plan_ids:
            errors[name] = f"Choose a {noun} from a plan that {item.meeting.board} oversees."
    return errors


@transaction.atomic
def agenda_item_save(*, item: AgendaItem, by, expected_version: int = 0) -> AgendaItem:
    """Add an item to a meeting's agenda (at the end unless it has a place) or change one."""
    errors = agenda_item_errors(item)
    if errors:
        raise ValidationError(errors)
    if item.pk is None and not item.order:
        last = item.meeting.agenda_items.order_by("-order").values_list("order", flat=True).first()
        item.order = (last or 0) + 1
    save_versioned(item, expected_version=expected_version, by=by)
    return item


@transaction.atomic
def decision_save(*, decision: Decision, by, expected_version: int = 0) -> Decision:
    if decision.agenda_item is not None and decision.agenda_item.meeting_id != decision.meeting_id:
        raise ValidationError({"agenda_item": "Choose an item on this meeting's agenda."})
    decision.text = decision.text.strip()
    save_versioned(decision, expected_version=expected_version, by=by)
    return decision


def board_action_status_errors(
    *, status: str, completed_on: date | None, progress_note: str, today: date | None = None
) -> dict[str, str]:
    """The rules on what the owner reports; forms check them too, to show each beside its field."""
    errors = {}
    if status == BoardAction.Status.DONE:
        if completed_on is None:
            errors["completed_on"] = "Give the date the board action was done."
        elif completed_on > (today or timezone.localdate()):
            errors["completed_on"] = "The date it was done cannot be in the future."
    if status == BoardAction.Status.DROPPED and not progress_note.strip():
        errors["progress_note"] = "Say why the board action is no longer needed."
    return errors


def board_action_errors(board_action: BoardAction) -> dict[str, str]:
    errors = board_action_status_errors(
        status=board_action.status, completed_on=board_action.completed_on, progress_note=board_action.progress_note
    )
    if board_action.decision is not None and board_action.decision.meeting_id != board_action.meeting_id:
        errors["decision"] = "Choose a decision of this meeting."
    meeting_date = board_action.meeting.date
    if board_action.due_date is not None and board_action.due_date < meeting_date:
        errors["due_date"] = f"The due date must be on or after the meeting ({meeting_date:%-d %B %Y})."
    return errors


def _save_board_action(board_action: BoardAction, *, by, expected_version: int) -> BoardAction:
    errors = board_action_errors(board_action)
    if errors:
        raise ValidationError(errors)
    # Only a done board action has a completion date; one reopened or dropped loses it.
    if board_action.status != BoardAction.Status.DONE:
        board_action.completed_on = None
    board_action.progress_note = board_action.progress_note.strip()
    save_versioned(board_action, expected_version=expected_version, by=by)
    return board_action


@transaction.atomic
def board_action_save(*, board_action: BoardAction, by, expected_version: int = 0) -> BoardAction:
    """The programme manager or a chair gives someone a board action, or changes any part of it."""
    return _save_board_action(board_action, by=by, expected_version=expected_version)


@transaction.atomic
def board_action_progress_record(
    *,
    board_action: BoardAction,
    status: str,
    progress_note: str,
    completed_on: date | None,
    by,
    expected_version: int,
) -> BoardAction:
    """The owner reports on their board action: status, progress and the date it was done. The text, owner and
    due date are the meeting's to set, so this changes nothing else."""
    board_action.status, board_action.progress_note, board_action.completed_on = status, progress_note, completed_on
    return _save_board_action(board_action, by=by, expected_version=expected_version)


@dataclass
class PackEmailed:
    sent: list[Officer] = field(default_factory=list)
    failed: list[Officer] = field(default_factory=list)
    no_email: list[Officer] = field(default_factory=list)


def pack_recipients(board: Board) -> tuple[list[Officer], list[Officer]]:
    """The board's chair and members who have an email address (each address once), and those who have none."""
    officers = list(board.members.select_related("organisation").order_by("post_title", "person_name"))
    if board.chair is not None and board.chair_id not in {o.pk for o in officers}:
        officers.insert(0, board.chair)
    with_email, seen = [], set()
    for officer in officers:
        address = officer.email.strip().casefold()
        if address and address not in seen:
            seen.add(address)
            with_email.append(officer)
    return with_email, [o for o in officers if not o.email.strip()]


def board_pack_email(*, meeting: Meeting, by) -> PackEmailed:
    """Email the board's chair and members a link to the meeting's pack (the link, not the file: the pack stays
    behind sign-in, readable by the members alone). One email per address; a failed send is reported, not retried."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse

    from sendplan.mail import EmailNotSent, Kind, send

    pack = BoardPack.objects.filter(meeting=meeting).first()
    if pack is None:
        raise ValidationError("Produce the board pack before emailing it.")
    recipients, no_email = pack_recipients(meeting.board)
    link = settings.SENDPLAN_SITE_URL + reverse("meeting-pack", args=[meeting.pk])
    result = PackEmailed(no_email=no_email)
    meeting_words = f"{meeting.title or 'Meeting'}, {meeting.date:%-d %B %Y}"
    for officer in recipients:
        fields = {
            "name": officer.person_name or officer.post_title,
            "brand_name": settings.SENDPLAN_BRAND_NAME,
            "board": meeting.board.name,
            "meeting": meeting_words,
            "produced": f"{timezone.localtime(pack.produced_at):%-d %B %Y}",
            "pack_link": link,
        }
        subject = f"{meeting.board.name}: board pack for {meeting_words}"
        body = render_to_string("boards/email/pack.txt", fields)
        try:
            send(Kind.BOARD_PACK, officer.email, fields, subject, body)
        except EmailNotSent:
            result.failed.append(officer)
        else:
            result.sent.append(officer)
    if result.sent:
        BoardPack.objects.filter(pk=pack.pk).update(emailed_at=timezone.now(), emailed_by=by)
    return result
