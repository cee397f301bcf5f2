"""The boards part of a demo plan file (the `boards` key, see fixtures/demo/SCHEMA.md): each board with its
meetings, agenda, decisions and board actions, recorded by the demo programme manager through the services.

People are plan officer keys, or `user:<demo username>` for the posts of demo users who lead no action (the
independent chair, the board member, the parent representative), so it runs after the demo users exist."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from actions.demo import demo_user, plan_data
from actions.models import Action, Officer, Plan
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
from boards.services import (
    agenda_item_save,
    board_action_progress_record,
    board_action_save,
    board_save,
    decision_save,
    meeting_save,
)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


class _People:
    def __init__(self, plan: Plan, data: dict):
        orgs = {org["key"]: org["name"] for org in data["organisations"]}
        self.by_key = {
            item["key"]: Officer.objects.get(
                post_title=item["post_title"],
                # The person the plan file names held the post first; it may have been handed over since.
                holders__person_name=item.get("person_name", ""),
                organisation__name=orgs[item["organisation"]],
            )
            for item in data["officers"]
        }

    def __call__(self, ref: str | None) -> Officer | None:
        if not ref:
            return None
        if ref.startswith("user:"):
            return demo_user(ref.removeprefix("user:")).officer
        return self.by_key[ref]


@transaction.atomic
def load_demo_boards(plans: list[Plan]) -> None:
    manager = demo_user("manager")
    for plan in plans:
        data = plan_data(plan.slug)
        people = _People(plan, data)
        actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
        areas = {a.ref: a for a in plan.areas.all()}
        boards: dict[str, Board] = {}
        for spec in data.get("boards", []):
            board = board_save(
                board=Board(
                    name=spec["name"],
                    kind=spec["kind"],
                    purpose=spec.get("purpose", ""),
                    chair=people(spec.get("chair")),
                    reports_to=boards.get(spec.get("reports_to", ""))
                    or Board.objects.filter(name=spec.get("reports_to", "")).first(),
                    meets=spec.get("meets", ""),
                    order=len(boards),
                ),
                members=[people(ref) for ref in spec.get("members", [])],
                plans=[plan] if spec.get("oversees_plan", True) else [],
                by=manager,
                expected_version=0,
            )
            boards[board.name] = board
            for meeting_spec in spec.get("meetings", []):
                _meeting(board, meeting_spec, people, actions, areas, manager)


def _meeting(board, spec, people, actions, areas, manager) -> Meeting:
    held = _day(spec["date"])
    meeting = meeting_save(
        meeting=Meeting(
            board=board,
            date=held,
            title=spec.get("title", ""),
            location=spec.get("location", ""),
            minutes=spec.get("minutes", ""),
            chair_update=spec.get("chair_update", ""),
        ),
        present=[people(ref) for ref in spec.get("present", [])],
        apologies=[people(ref) for ref in spec.get("apologies", [])],
        publish_chair_update=spec.get("published", False),
        by=manager,
        expected_version=0,
        at=timezone.make_aware(datetime.combine(held, time(17))),
    )
    for order, item_spec in enumerate(spec.get("agenda", []), start=1):
        item = agenda_item_save(
            item=AgendaItem(
                meeting=meeting,
                order=order,
                title=item_spec["title"],
                notes=item_spec.get("notes", ""),
                presenter=people(item_spec.get("presenter")),
                area=areas.get(item_spec.get("area", "")),
                action=actions.get(item_spec.get("action", "")),
            ),
            by=manager,
        )
        for text in item_spec.get("decisions", []):
            decision_save(decision=Decision(meeting=meeting, agenda_item=item, text=text), by=manager)
        for action_spec in item_spec.get("board_actions", []):
            board_action = board_action_save(
                board_action=BoardAction(
                    meeting=meeting,
                    text=action_spec["text"],
                    owner=people(action_spec["owner"]),
                    due_date=_day(action_spec.get("due")),
                ),
                by=manager,
            )
            if action_spec.get("status", "open") != "open":
                board_action_progress_record(
                    board_action=board_action,
                    status=action_spec["status"],
                    progress_note=action_spec.get("progress_note", ""),
                    completed_on=_day(action_spec.get("completed_on")),
                    by=manager,
                    expected_version=board_action.version,
                )
    return meeting
