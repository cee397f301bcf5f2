"""What an import creates and changes, field by field, old -> new, as the preview and the command line show it.

Kept with a staged upload as JSON (ImportResult.as_json) while a large one is checked in the background, so a
change is plain strings: values are put into words ("31 March 2025", "Head of SEND, Northgate Council") when the
import reads them, not when the page shows them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldChange:
    """One field of a record the import creates or changes, its old and new values as people read them
    ("31 March 2025", an officer by post and organisation, a choice by its label)."""

    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return self.field


@dataclass(frozen=True)
class RecordChange:
    """A record the import creates or changes: its type ("Action"), its name or ref ("1.1"), whether it is new,
    and its fields, old -> new (a new record's main values, with no old ones). `note` is a change said in words
    with no field (a line of a result kept before changes had fields, with no type or record)."""

    kind: str  # "created" or "changed"; "" for a line kept from before changes had fields
    record_type: str
    record: str
    fields: tuple[FieldChange, ...] = ()
    note: str = ""

    def __str__(self) -> str:
        """The change on one line, for a log or a message: "Action 1.1: Due date 31 March 2025 → 30 June 2025"."""
        if not self.record_type:
            return self.note
        head = f"{'New ' + self.record_type.lower() if self.kind == 'created' else self.record_type} {self.record}"
        said = [self.note] if self.note else []
        for change in self.fields:
            if self.kind == "created":
                said.append(f"{change.field} {_one_line(change.new)}")
            else:
                said.append(f"{change.field} {_one_line(change.old)} → {_one_line(change.new)}")
        return f"{head}: {'; '.join(said)}" if said else head

    def lines(self) -> list[str]:
        """The change as the command line's --dry-run prints it: the record, then a field to a line, old → new."""
        if not self.record_type:
            return [self.note]
        head = f"{'New ' + self.record_type.lower() if self.kind == 'created' else self.record_type} {self.record}"
        lines = [f"{head}: {self.note}" if self.note else head]
        for change in self.fields:
            if self.kind == "created":
                lines.append(f"  {change.field}: {_one_line(change.new)}")
            else:
                lines.append(
                    f"  {change.field}: {_one_line(change.old) or '(blank)'} → {_one_line(change.new) or '(blank)'}"
                )
        return lines

    def as_json(self) -> dict:
        return {
            "kind": self.kind,
            "type": self.record_type,
            "record": self.record,
            "fields": [[c.field, c.old, c.new] for c in self.fields],
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict | str) -> RecordChange:
        """A kept change back. A result kept before changes had fields holds lines of words ("Action 1.1: text
        changed"): each comes back as a note, shown as it was."""
        if isinstance(data, str):
            return cls(kind="", record_type="", record="", note=data)
        return cls(
            kind=data["kind"],
            record_type=data["type"],
            record=data["record"],
            fields=tuple(FieldChange(*each) for each in data["fields"]),
            note=data.get("note", ""),
        )


def _one_line(text: str, limit: int = 80) -> str:
    """A value on one line of the command line's output: long text cut, with its length said."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else f"{flat[: limit - 1]}… ({len(flat)} characters)"


@dataclass(frozen=True)
class OfficerRead:
    """One officer a leads cell was read as: post, person and organisation, and whether this import adds the
    officer (or the organisation), so a manager sees "Head of SEND & Inclusion (CFC)" became one officer in CFC."""

    post: str
    person: str
    organisation: str
    new: bool = False
    new_organisation: bool = False


@dataclass(frozen=True)
class LeadsRead:
    """An action's leads cell as written, where it is, and the officers it was read as (none for a placeholder)."""

    sheet: str
    row: int | None
    action: str
    written: str
    officers: tuple[OfficerRead, ...] = ()

    def as_json(self) -> list:
        return [self.sheet, self.row, self.action, self.written, [list(vars(o).values()) for o in self.officers]]

    @classmethod
    def from_json(cls, data: list) -> LeadsRead:
        sheet, row, action, written, officers = data
        return cls(sheet, row, action, written, tuple(OfficerRead(*officer) for officer in officers))
