from datetime import date

from django.utils import timezone

from actions.locking import FieldChange, field_changes
from statements.defaults import SHIPPED_ON, default_body
from statements.models import Statement


def statement_for(kind: str) -> Statement:
    """The page of this kind as it stands: the saved row, or (nobody has edited it yet) an unsaved one holding the
    shipped starting text at version 1, the version the row gets when its first edit creates it."""
    saved = Statement.objects.filter(kind=kind).first()
    return saved if saved is not None else Statement(kind=kind, body=default_body(kind), version=1)


def last_updated(statement: Statement) -> date:
    """The date a visitor is told the page was last updated: its last save, or when the starting text was written."""
    return timezone.localdate(statement.updated_at) if statement.pk else SHIPPED_ON


def statement_history(statement: Statement) -> list[FieldChange]:
    """Every change to the page's text, newest first."""
    if statement.pk is None:
        return []
    records = list(statement.history.select_related("history_user__officer").order_by("history_date", "history_id"))
    return field_changes(Statement, records, lambda record: statement.get_kind_display())[::-1]
