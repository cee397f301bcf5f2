"""Optimistic locking and change history shared by every user-edited model.

A form carries the version it was loaded at. Saving first runs a conditional UPDATE (`WHERE version = expected`):
if another person saved in between, no row matches and the edit is refused with the changes they made, read from
simple-history, so nothing is silently overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

# Bookkeeping fields that never appear in a change list.
_SKIPPED_FIELDS = {"id", "version", "updated_at"}


@dataclass(frozen=True)
class FieldChange:
    """One field of one saved change, as people read it: who, when, field, old -> new."""

    object_label: str
    field: str
    old: str
    new: str
    who: str
    when: datetime
    # The model field's name, so a refused form can show what the user typed for the same field beside it.
    name: str = ""


class StaleEditError(Exception):
    """Raised when a save is based on a version someone else has since replaced."""

    def __init__(
        self,
        changes: list[FieldChange],
        *,
        saved_by: str | None = None,
        saved_at: datetime | None = None,
        current_version: int | None = None,
    ):
        self.changes = changes
        # The version saved now: the form shown again carries it, so once the user has seen the other changes,
        # submitting again saves (docs/decisions/0010-stale-edit-recovery.md).
        self.current_version = current_version
        # Who saved last and when, for a save that changed no tracked field (e.g. a risk review with the same
        # scores): the refusal still names who got there first.
        self.saved_by = saved_by
        self.saved_at = saved_at
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if not self.changes:
            if self.saved_by is None:
                return "Someone else saved this record while you were editing it. Your changes have not been saved."
            when = timezone.localtime(self.saved_at).strftime("%H:%M on %-d %B %Y")
            return (
                f"{self.saved_by} saved this record at {when}, while you were editing. "
                "Your changes have not been saved yet: check the record, then submit yours again to save them."
            )
        latest = self.changes[-1]
        when = timezone.localtime(latest.when).strftime("%H:%M on %-d %B %Y")
        fields = ", ".join(dict.fromkeys(change.field for change in self.changes))
        return (
            f"{latest.who} changed {fields} at {when}, while you were editing. "
            "Your changes have not been saved yet: check their changes, then submit yours again to save them."
        )


def user_label(user) -> str:
    """A user as people know them: their post and name where an officer record links them, else their name."""
    officer = getattr(user, "officer", None)
    if officer is not None:
        return str(officer)
    return user.get_full_name() or user.get_username()


def history_user_label(record) -> str:
    return "System" if record.history_user is None else user_label(record.history_user)


def _display(field: models.Field, value, related_labels: dict) -> str:
    if value in (None, ""):
        return "(blank)"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        return related_labels.get((field.name, value), f"#{value}")
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y") if not isinstance(value, datetime) else value.strftime("%-d %B %Y %H:%M")
    return str(value)


def readable_value(field: models.Field, value) -> str:
    """A field's value as people read it, whether it came as a raw value, a related object or a list of them."""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value) or "(none)"
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "model") and hasattr(value, "pk"):  # simple-history's DeletedObject: a link gone or never set
        return "(blank)" if value.pk is None else f"(deleted {value.model._meta.verbose_name})"
    return _display(field, value, {})


def _tracked_fields(model: type[models.Model]) -> list[models.Field]:
    # A model may hide links and bookkeeping that the "who" and "what" columns already say.
    hidden = _SKIPPED_FIELDS | set(getattr(model, "HISTORY_HIDDEN_FIELDS", ()))
    return [f for f in model._meta.concrete_fields if f.name not in hidden]


def _related_labels(model: type[models.Model], records: list) -> dict:
    """Labels for foreign-key values seen in the records: one query per foreign key, however many records."""
    labels = {}
    for field in _tracked_fields(model):
        if not isinstance(field, models.ForeignKey):
            continue
        ids = {getattr(r, field.attname) for r in records} - {None}
        if ids:
            for obj in field.related_model._default_manager.filter(pk__in=ids):
                labels[(field.name, obj.pk)] = str(obj)
    return labels


def field_changes(model: type[models.Model], records: list, object_label, *, anchors=()) -> list[FieldChange]:
    """Turn history records (any order, possibly several objects) into field-level changes, oldest first.

    `object_label(record)` names the object a record belongs to (e.g. "Update for June 18").
    The first record of each object is its creation: listed as one row per non-blank field, unless `anchors`
    holds a record of that object, the state the changes are counted from (not itself listed).
    """
    fields = _tracked_fields(model)
    labels = _related_labels(model, [*anchors, *records])
    ordered = sorted(records, key=lambda r: (r.history_date, r.history_id))
    previous_by_object: dict = {anchor.id: anchor for anchor in anchors}
    changes: list[FieldChange] = []
    for record in ordered:
        previous = previous_by_object.get(record.id)
        who = history_user_label(record)
        for field in fields:
            new = getattr(record, field.attname)
            old = getattr(previous, field.attname) if previous is not None else None
            if previous is not None and old == new:
                continue
            if previous is None and new in (None, ""):
                continue
            changes.append(
                FieldChange(
                    object_label=object_label(record),
                    field=capfirst(str(field.verbose_name)),
                    old=_display(field, old, labels) if previous is not None else "(new)",
                    new=_display(field, new, labels),
                    who=who,
                    when=record.history_date,
                    name=field.name,
                )
            )
        previous_by_object[record.id] = record
    return changes


def loaded_state(instance: models.Model, version: int):
    """The history record of `instance` as the user loaded it at `version`: the latest one saved at or before it.

    Several records can share a version (simple-history adds one when the leads change), and the user saw the
    last of them; a version with no record of its own (bumped by a bare claim) was the record before it."""
    return (
        instance.history.model.objects.filter(id=instance.pk, version__lte=version)
        .order_by("-version", "-history_date", "-history_id")
        .first()
    )


def changes_since(instance: models.Model, version: int) -> list[FieldChange]:
    """What others changed on `instance` after the version the user loaded: each field that moved on, old -> new,
    never what the user had already seen."""
    history = instance.history.model
    later = list(
        history.objects.filter(id=instance.pk, version__gt=version)
        .select_related("history_user__officer")
        .order_by("history_date", "history_id")
    )
    anchor = loaded_state(instance, version)
    label = capfirst(str(instance._meta.verbose_name))
    return field_changes(type(instance), later, lambda r: label, anchors=[anchor] if anchor else [])


def claim_version(instance: models.Model, *, expected_version: int) -> None:
    """Atomically move the row from `expected_version` to the next one, or refuse with what others changed.

    Must run inside a transaction: on PostgreSQL the UPDATE also holds the row lock until commit, so a
    concurrent save of the same row waits and then finds the version moved on.
    """
    model = type(instance)
    claimed = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        version=expected_version + 1, updated_at=timezone.now()
    )
    if not claimed:
        current = model._default_manager.get(pk=instance.pk)
        changes = changes_since(current, expected_version)
        if changes:
            raise StaleEditError(changes, current_version=current.version)  # the changes name who saved them
        last_saved = (
            current.history.filter(version__gt=expected_version)
            .select_related("history_user__officer")
            .order_by("-history_date", "-history_id")
            .first()
        )
        raise StaleEditError(
            [],
            saved_by=history_user_label(last_saved) if last_saved else None,
            saved_at=last_saved.history_date if last_saved else None,
            current_version=current.version,
        )
    instance.version = expected_version + 1


def save_versioned(instance: models.Model, *, expected_version: int, by) -> None:
    """Validate, claim the version and save `instance`, recording `by` in its history. Call inside a transaction."""
    instance.full_clean()
    if instance.pk is not None:
        claim_version(instance, expected_version=expected_version)
    instance.updated_at = timezone.now()
    instance._history_user = by
    instance.save()
