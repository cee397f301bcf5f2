"""Rows as they stood at a past moment, read from django-simple-history.

Like `Model.history.as_of(when)`, but safe when two history rows of one record share a timestamp (imports and
demo replays write several changes at the same moment): the later row (higher history_id) wins, so each record
appears once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import router

# The values read for each history row: its id and kind, then the model's own fields.
_HISTORY_ID, _HISTORY_TYPE = 0, 1


def _attnames(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _latest_values(
    model, when: datetime, attnames: list[str] | None = None, annotations: dict | None = None, **filters
) -> tuple[list[str], list]:
    """The latest history row of each record of `model` at `when` (deletions dropped), as value tuples: the
    history id, its kind, then `attnames` (default: the model's concrete fields in order, returned). One query.

    Tuples rather than history instances: a plan's history runs to thousands of rows, and building two model
    instances per row (the history record, then the record it describes) was most of the dashboard's time."""
    attnames = attnames or _attnames(model)
    # Unordered: the latest row of each record is picked here, so the history's default ordering is a wasted sort.
    records = model.history.filter(history_date__lte=when, **filters).latest_of_each().order_by()
    if annotations:
        records = records.annotate(**annotations)
    latest: dict[object, tuple] = {}
    id_index = 2 + attnames.index(model._meta.pk.attname)
    for values in records.values_list("history_id", "history_type", *attnames, *(annotations or ())):
        kept = latest.get(values[id_index])
        if kept is None or values[_HISTORY_ID] > kept[_HISTORY_ID]:
            latest[values[id_index]] = values
    return attnames, [values for values in latest.values() if values[_HISTORY_TYPE] != "-"]


def _instance(model, attnames: list[str], values: tuple, annotations=()):
    instance = model.from_db(router.db_for_read(model), attnames, values[2 : 2 + len(attnames)])
    instance.as_at_history_id = values[_HISTORY_ID]  # for leads_as_at
    for name, value in zip(annotations, values[2 + len(attnames) :], strict=True):
        setattr(instance, name, value)
    return instance


def rows_as_at(model, when: datetime, annotations: dict | None = None, **filters) -> list:
    """Instances of `model` as they were at `when`, filtered on the history table's fields. One query.
    `annotations` (expressions on the history table, whose `id` is the record's) come as attributes: a post's
    holder on that day (actions.models.holder_name_on("id", ...)) with the post's own row."""
    attnames, rows = _latest_values(model, when, annotations=annotations, **filters)
    return [_instance(model, attnames, values, annotations or ()) for values in rows]


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
    board chair's dashboard and the termly report both read ratings through it. An update becomes a model instance
    only when asked for.

    With `words=False` the query reads each update's rating but not its words (progress, impact, recovery note),
    for a page that shows the ratings of every action but the words of only a few: `rag_upto` and `updated_in`
    need nothing more, and `upto_each` reads the words of the updates it returns in one more query."""

    def __init__(self, when: datetime, periods: list, action_ids, *, words: bool = True):
        from actions.models import ProgressUpdate

        self._start = {p.pk: p.start for p in periods}
        self._words = words
        attnames, rows = _latest_values(
            ProgressUpdate,
            when,
            None if words else ["id", "action_id", "period_id", "rag"],
            period_id__in=list(self._start),
            action_id__in=list(action_ids),
            status=ProgressUpdate.Status.SUBMITTED,
        )
        self._attnames = attnames
        action, period, rag = (2 + attnames.index(name) for name in ("action_id", "period_id", "rag"))
        # Per action, (period start, period id, rating, row values), earliest period first.
        self._rows: dict[int, list[tuple]] = defaultdict(list)
        for values in rows:
            self._rows[values[action]].append((self._start[values[period]], values[period], values[rag], values))
        for entries in self._rows.values():
            entries.sort(key=lambda entry: entry[0])
        self._instances: dict[int, object] = {}  # by history id

    def _update(self, entry: tuple):
        from actions.models import ProgressUpdate

        values = entry[3]
        update = self._instances.get(values[_HISTORY_ID])
        if update is None:
            if not self._words:
                raise RuntimeError("These ratings were read without their words: ask upto_each for updates.")
            update = self._instances[values[_HISTORY_ID]] = _instance(ProgressUpdate, self._attnames, values)
        return update

    def _upto(self, action_id: int, period, *, rated: bool = False) -> tuple | None:
        """The action's latest update in `period` or an earlier one; with `rated`, its latest that gave a rating
        (a narrative-only entry leaves the rating as it was)."""
        if period is None:
            return None
        eligible = [
            entry for entry in self._rows.get(action_id, ()) if entry[0] <= period.start and (entry[2] or not rated)
        ]
        return eligible[-1] if eligible else None

    def updates(self, action_id: int) -> list:
        """The action's submitted updates, earliest period first."""
        return [self._update(entry) for entry in self._rows.get(action_id, ())]

    def updated_in(self, action_id: int, period) -> bool:
        """Whether the action has a submitted update for `period`."""
        return any(entry[1] == period.pk for entry in self._rows.get(action_id, ()))

    def upto(self, action_id: int, period):
        """The action's rating as at `period`: its latest update in that period or an earlier one (None if none)."""
        entry = self._upto(action_id, period)
        return self._update(entry) if entry else None

    def rag_upto(self, action_id: int, period) -> str:
        """The code of the action's latest rating as at `period` ("" if none), without building the update: a
        narrative-only entry (no rating) leaves the rating as it was."""
        entry = self._upto(action_id, period, rated=True)
        return entry[2] if entry else ""

    def upto_each(self, action_ids, period) -> dict:
        """`upto` for each of `action_ids` (action id -> update or None); read without words, one query for theirs
        (none when none is rated)."""
        from actions.models import ProgressUpdate

        entries = {action_id: self._upto(action_id, period) for action_id in action_ids}
        missing = [e[3][_HISTORY_ID] for e in entries.values() if e and e[3][_HISTORY_ID] not in self._instances]
        if missing and not self._words:
            attnames = _attnames(ProgressUpdate)
            records = ProgressUpdate.history.filter(history_id__in=missing).order_by()
            for values in records.values_list("history_id", "history_type", *attnames):
                self._instances[values[_HISTORY_ID]] = _instance(ProgressUpdate, attnames, values)
        return {action_id: self._update(entry) if entry else None for action_id, entry in entries.items()}
