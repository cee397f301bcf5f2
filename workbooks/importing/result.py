"""What an import did, or would do: the preview's and the command's result."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from actions.models import Officer, Plan
from workbooks.changes import FieldChange, LeadsRead, OfficerRead, RecordChange
from workbooks.reader import Problem, Row

# Where the preview lists changes kept as lines of words, by a result checked before changes had fields.
OTHER_CHANGES = "Other changes"


@dataclass
class ImportResult:
    plan: Plan | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    changes: list[RecordChange] = field(default_factory=list)  # every record created or changed, field by field
    applied: bool = False
    leads_read: list[LeadsRead] = field(default_factory=list)  # each action's leads cell and who it was read as
    # (record type, record) of each record created, so "is it new?" is asked of a set, not of every change.
    _created: set[tuple[str, str]] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> list[tuple[str, int, int, int]]:
        """(record type, created, changed, unchanged) for the preview table."""
        labels = sorted(set(self.created) | set(self.changed) | set(self.unchanged))
        return [(label, self.created[label], self.changed[label], self.unchanged[label]) for label in labels]

    def count(
        self, kind: str, label: str, line: str = "", *, record: str = "", fields: list[FieldChange] | tuple = ()
    ) -> None:
        """Count a record created, changed or left as it is; a created or changed one is listed with its fields
        (`record` names it; `line` says in words what no field says)."""
        getattr(self, kind)[label] += 1
        if kind != "unchanged" and (line or record or fields):
            self.changes.append(RecordChange(kind, label, record, tuple(fields), line))
            if kind == "created":
                self._created.add((label, record))

    def read_leads(self, row: Row, officers: list[Officer] | None) -> None:
        """Keep an action's leads cell as written and the officers it was read as, for the preview."""
        if officers is None:  # the cell could not be read: its problem says why
            return
        # The officers come with their organisation (_Importer.officer reads it with them): no query per action.
        named = [(o, o.organisation.name if o.organisation_id else "") for o in officers]
        read = tuple(
            OfficerRead(
                o.post_title,
                o.person_name,
                organisation,
                new=self.created_here("Officer", str(o)),
                new_organisation=self.created_here("Organisation", organisation),
            )
            for o, organisation in named
        )
        self.leads_read.append(LeadsRead(row.sheet, row.number, row.text("ref"), row.text("leads"), read))

    def created_here(self, label: str, record: str) -> bool:
        """This import creates the record: its later changes are part of its creation, not changes."""
        return (label, record) in self._created

    @property
    def changes_by_type(self) -> list[tuple[str, list[RecordChange], list[RecordChange]]]:
        """(record type, created, changed) for the preview, types in the summary's order; changes kept as lines
        of words (a result from before changes had fields) come last, under "Other changes"."""
        types = dict.fromkeys(c.record_type or OTHER_CHANGES for c in self.changes)
        return [
            (
                label,
                [c for c in self.changes if (c.record_type or OTHER_CHANGES) == label and c.kind != "changed"],
                [c for c in self.changes if (c.record_type or OTHER_CHANGES) == label and c.kind == "changed"],
            )
            for label in sorted(types, key=lambda t: (t == OTHER_CHANGES, t))
        ]

    def as_json(self) -> dict:
        """The result as JSON, kept with a staged upload when its check ran as a background job."""
        return {
            "plan": self.plan.pk if self.plan and self.plan.pk else None,
            # A new plan's preview was rolled back: its words are kept to name it on the page.
            "plan_words": [self.plan.local_area, self.plan.title] if self.plan else None,
            "problems": [[p.sheet, p.row, p.column, p.value, p.reason] for p in self.problems],
            "warnings": self.warnings,
            "created": dict(self.created),
            "changed": dict(self.changed),
            "unchanged": dict(self.unchanged),
            "changes": [change.as_json() for change in self.changes],
            "applied": self.applied,
            "leads_read": [read.as_json() for read in self.leads_read],
        }

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        """The kept result back. A new plan's preview was rolled back: its plan is an unsaved one, for its name."""
        plan = Plan.objects.filter(pk=data["plan"]).first() if data["plan"] else None
        if plan is None and data.get("plan_words"):
            plan = Plan(local_area=data["plan_words"][0], title=data["plan_words"][1])  # unsaved: named only
        return cls(
            plan=plan,
            problems=[Problem(*problem) for problem in data["problems"]],
            warnings=data["warnings"],
            created=Counter(data["created"]),
            changed=Counter(data["changed"]),
            unchanged=Counter(data["unchanged"]),
            changes=[RecordChange.from_json(change) for change in data["changes"]],
            applied=data["applied"],
            leads_read=[LeadsRead.from_json(read) for read in data.get("leads_read", [])],  # none kept before
        )
