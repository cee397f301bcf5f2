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
    return [record.instance for record in latest.values() if record.history_type != "-"]
