"""Rows as they stood at a past moment, read from django-simple-history.

Like `Model.history.as_of(when)`, but safe when two history rows of one record share a timestamp (imports and
demo replays write several changes at the same moment): the later row (higher history_id) wins, so each record
appears once.
"""

from __future__ import annotations

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
