"""Values set on a record and described as the preview shows them, old and new."""

from __future__ import annotations

from actions.locking import readable_value
from actions.models import Officer
from workbooks.changes import FieldChange


def apply_values(instance, values: dict) -> list[FieldChange]:
    """Set `values` on `instance`; return the fields that changed, each with its old and new value as people read
    them (for a new record, the values it is given)."""
    changed = []
    for name, value in values.items():
        field = instance._meta.get_field(name)
        if field.is_relation:  # compare ids: a new row has no related object to read yet
            current, wanted = getattr(instance, field.attname), value.pk if value is not None else None
            old = getattr(instance, name) if current is not None else None  # read before it is replaced
        else:
            current, wanted = getattr(instance, name), value
            old = current
        if current != wanted:
            setattr(instance, name, value)
            changed.append(FieldChange(field_label(field), readable(field, old), readable(field, value)))
    return changed


def field_label(field) -> str:
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def readable(field, value) -> str:
    """A value as the preview shows it: an officer by post and organisation ("Head of SEND (A Name), Northgate
    Council"), so that a post read into the wrong organisation shows; others as the history pages show them."""
    if isinstance(value, Officer):
        return f"{value}, {value.organisation}" if value.organisation_id else str(value)
    return "" if value in (None, "") else readable_value(field, value)


def given_values(fields: list[FieldChange]) -> list[FieldChange]:
    """A new record's values worth listing: those it is given, not left blank."""
    return [change for change in fields if change.new not in ("", "No")]


# The people of an action as the preview names them.
PEOPLE_LABELS = {"leads": "Leads", "accountable_officers": "Accountable officers", "partners": "Partners"}


def people_names(records: list) -> str:
    """Officers (with their organisation) or organisations, as the preview lists them."""
    return "; ".join(
        sorted(readable(None, record) if isinstance(record, Officer) else str(record) for record in records)
    )
