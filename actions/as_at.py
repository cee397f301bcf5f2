"""Rows as they stood at a past moment, read from django-simple-history.

Like `Model.history.as_of(when)`, but safe when two history rows of one record share a timestamp (imports and
demo replays write several changes at the same moment): the later row (higher history_id) wins, so each record
appears once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime


def rows_as_at(model, when: datetime, **filters) -> list:
    """Instances of `model` as they were at `when`, filtered on the history table's fields. One query."""
    records = model.history.filter(history_date__lte=when, **filters).latest_of_each()
    latest = {}
    for record in records:
        kept = latest.get(record.id)
        if kept is None or record.history_id > kept.history_id:
            latest[record.id] = record
    rows = []
    for record in latest.values():
        if record.history_type != "-":
            instance = record.instance
            instance.as_at_history_id = record.history_id  # for leads_as_at
            rows.append(instance)
    return rows


def leads_as_at(actions: list) -> dict[int, list[int]]:
    """Officer ids leading each action, as they stood: `actions` come from rows_as_at(Action, ...). One query, and a
    second only for actions whose history row holds no leads (history older than lead tracking, or written in bulk),
    which fall back to their leads now."""
    from actions.models import Action

    leads: dict[int, list[int]] = {action.pk: [] for action in actions}
    history_ids = {action.as_at_history_id: action.pk for action in actions}
    recorded = _historical_leads_model().objects.filter(history_id__in=list(history_ids))
    for history_id, officer_id in recorded.values_list("history_id", "officer_id"):
        leads[history_ids[history_id]].append(officer_id)
    missing = [pk for pk, officers in leads.items() if not officers]
    if missing:
        for action_id, officer_id in Action.leads.through.objects.filter(action_id__in=missing).values_list(
            "action_id", "officer_id"
        ):
            leads[action_id].append(officer_id)
    return leads


def _historical_leads_model():
    from django.apps import apps

    return apps.get_model("actions", "HistoricalAction_leads")


class RatingsAsAt:
    """Each action's submitted progress updates as they stood at `when`, to ask its rating as at any period's end.

    Drafts are nobody's rating: only submitted updates count, now and at any past moment (an update never goes back
    to a draft, so filtering the history rows first leaves each update's latest submitted state). One query; the
    board chair's dashboard and the termly report both read ratings through it."""

    def __init__(self, when: datetime, periods: list, action_ids):
        from actions.models import ProgressUpdate

        self._start = {p.pk: p.start for p in periods}
        self._updates: dict[int, list] = defaultdict(list)
        submitted = ProgressUpdate.Status.SUBMITTED
        records = rows_as_at(
            ProgressUpdate, when, period_id__in=list(self._start), action_id__in=list(action_ids), status=submitted
        )
        for update in records:
            self._updates[update.action_id].append(update)
        for updates in self._updates.values():
            updates.sort(key=lambda u: self._start[u.period_id])

    def updates(self, action_id: int) -> list:
        """The action's submitted updates, earliest period first."""
        return self._updates[action_id]

    def upto(self, action_id: int, period):
        """The action's rating as at `period`: its latest update in that period or an earlier one (None if none)."""
        if period is None:
            return None
        eligible = [u for u in self._updates[action_id] if self._start[u.period_id] <= period.start]
        return eligible[-1] if eligible else None
