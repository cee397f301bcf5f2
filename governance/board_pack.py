"""A meeting's board pack: one paper for the meeting, as a tagged PDF/UA-1 file and its HTML twin, both drawn from
the same content (`pack_content`) by the same templates, as the termly report is (reports/rendering.py). It is
governance's, not boards', because it reads the chair's dashboard; the boards app stores it (boards.BoardPack) and
shows it on the meeting's page.

The pack reads every plan the board oversees through the chair's dashboard (governance.dashboard.plan_dashboard)
as at the end of the meeting's day, or as at the moment it is produced if the meeting is still to come: so no
rating, KPI, challenge or risk recorded after the meeting shows, and the pack's figures are the dashboard's for that
date. The agenda and decisions are the meeting's own record, shown as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.contrib.staticfiles import finders
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Plan
from boards.models import AgendaItem, Board, BoardAction, Decision, Meeting
from boards.selectors import meeting_page
from governance.dashboard import Dashboard, plan_dashboard
from reports.rendering import Progress, tagged_pdf
from sendplan.timezones import end_of_day

PACK_CSS = "governance/pack-print.css"
# Where the cover ends in the pack's body: the web page shows when the pack was produced, and its buttons, there.
PACK_COVER_END = "<!-- pack-cover-end -->"


@dataclass
class PlanPart:
    plan: Plan
    dashboard: Dashboard

    @property
    def reds(self) -> list[tuple]:
        """(action, its leads' posts, its recovery note) for each action rated Red."""
        leads = self.dashboard.leads
        return [
            (red.action, "; ".join(str(officer) for officer in leads.get(red.action.pk, [])), red.update.recovery_note)
            for red in self.dashboard.reds
        ]


@dataclass
class PackContent:
    meeting: Meeting
    board: Board
    as_at: datetime
    produced_at: datetime
    agenda: list[AgendaItem]
    decisions: list[Decision]
    plans: list[PlanPart]
    actions_due: list[BoardAction]  # open board actions from the board's earlier meetings, due by this one

    @property
    def meeting_name(self) -> str:
        return f"{self.meeting.title or 'Meeting'}, {self.meeting.date:%-d %B %Y}"

    @property
    def title(self) -> str:
        return f"{self.board.name}: board pack for {self.meeting_name}"


def pack_moment(meeting: Meeting, *, now: datetime | None = None) -> datetime:
    """The end of the meeting's day, or now if that has not come yet (a pack is usually sent before the meeting)."""
    now = now or timezone.now()
    return min(end_of_day(meeting.date), now)


def pack_content(meeting: Meeting, *, now: datetime | None = None) -> PackContent:
    now = now or timezone.now()
    when = pack_moment(meeting, now=now)
    board = meeting.board
    page = meeting_page(meeting)
    plans = [
        PlanPart(plan=plan, dashboard=plan_dashboard(plan, as_at=when))
        for plan in board.plans.order_by("local_area", "title")
    ]
    return PackContent(
        meeting=meeting,
        board=board,
        as_at=when,
        produced_at=now,
        agenda=page.agenda,
        decisions=page.decisions,
        plans=plans,
        actions_due=_actions_due(meeting),
    )


def _actions_due(meeting: Meeting) -> list[BoardAction]:
    """Board actions the board's earlier meetings gave that were open on this meeting's day and due by it (or
    undated): those open now, and those done after the meeting. One done on or before the meeting day, or no longer
    needed, is left out (the board was told at the time)."""
    due = list(
        BoardAction.objects.filter(meeting__board_id=meeting.board_id, meeting__date__lt=meeting.date)
        .filter(Q(status=BoardAction.Status.OPEN) | Q(status=BoardAction.Status.DONE, completed_on__gt=meeting.date))
        .filter(Q(due_date__isnull=True) | Q(due_date__lte=meeting.date))
        .select_related("owner", "meeting")
        .order_by(F("due_date").asc(nulls_last=True), "pk")
    )
    return due


def render_pack_body(content: PackContent) -> str:
    """The pack's body as HTML: the web page shows it inside the site's layout."""
    return render_to_string("governance/_pack_document.html", {"content": content})


def render_pack_pdf(content: PackContent, *, progress: Progress | None = None) -> bytes:
    from weasyprint import CSS

    document = render_to_string("governance/pack_pdf.html", {"content": content, "pdf": True})
    return tagged_pdf(document, stylesheets=[CSS(string=_pack_css_text())], progress=progress)


@cache
def _pack_css_text() -> str:
    with open(finders.find(PACK_CSS), encoding="utf-8") as file:
        return file.read()
