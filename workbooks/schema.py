"""The plan workbook: the user-facing contract for import and export (documented in docs/import.md).

Sheet and column names match case-insensitively, ignoring spaces, punctuation and order; each column has its
canonical name (what export writes) and the synonyms real trackers use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def normalise(name) -> str:
    """'Date for delivery ', 'date-for-delivery' and 'DateForDelivery' all become 'datefordelivery'."""
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


@dataclass(frozen=True)
class Column:
    name: str
    synonyms: tuple[str, ...] = ()
    required: bool = False

    def matches(self, header) -> bool:
        key = normalise(header)
        return key == normalise(self.name) or key in {normalise(s) for s in self.synonyms}


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    required: bool = False
    synonyms: tuple[str, ...] = ()
    key: str = field(default="ref")  # the column rows are matched on when re-importing

    def matches(self, title) -> bool:
        key = normalise(title)
        return key == normalise(self.name) or key in {normalise(s) for s in self.synonyms}

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.columns]


PLAN = Sheet(
    "Plan",
    (Column("field", required=True), Column("value", required=True)),
    required=True,
    key="field",
)
# The rows of the Plan sheet, in the order export writes them.
PLAN_FIELDS = (
    "slug",
    "local area",
    "title",
    "type",
    "inspection date",
    "published date",
    "start date",
    "version",
    "approved by",
    "board",
    "advisers",
)
# Plan sheet rows that may be left out: an older workbook without them leaves the plan's values as they are.
PLAN_TEXT_FIELDS = {
    "version": "version_label",
    "approved by": "approved_by",
    "board": "board_name",
    "advisers": "advisers",
}
# Optional rows: "publishes ratings" (yes / no), and the plan's own words for the stages (blank: the standard word),
# e.g. "stage complete" = "Delivered".
RATINGS_FIELD = "publishes ratings"
STAGE_FIELDS = ("stage not started", "stage in progress", "stage complete", "stage closed")
PERCENT_COMPLETE_SYNONYMS = ("% complete", "percentage complete", "% completed", "percent completed", "complete %")

AREAS = Sheet(
    "Areas",
    (
        Column("ref", required=True),
        Column("title", ("area", "area of weakness", "theme", "priority"), required=True),
        Column("findings", ("finding", "what ofsted and cqc said")),
        Column("outcomes", ("general outcomes", "outcome we are seeking to achieve")),
        Column("owner", ("theme owner", "owners")),
        Column("closed", ("closed date", "closed on")),
        Column("kind", ("tier", "type of area", "area type")),
        Column("reported with", ("reported together with", "reported alongside")),
    ),
    synonyms=("Areas of weakness", "Themes", "Priorities"),
)

ACTIONS = Sheet(
    "Actions",
    (
        Column("area", ("theme", "area ref"), required=True),
        Column("outcome", ("required outcome",)),
        Column("ref", ("action ref", "reference"), required=True),
        Column("action", ("actions", "action text", "description"), required=True),
        Column(
            "leads", ("responsible officers", "responsible officer", "lead", "leads", "lead officer", "lead officers")
        ),
        Column("accountable", ("accountable officer",)),
        Column("partners", ("partner",)),
        Column("due", ("by when", "date for delivery", "date", "due date")),
        Column("due on", ("exact due date",)),
        Column("revised due", ("revised due date",)),
        Column("revised due reason", ("reason for revised date",)),
        # "Status" alone is a RAG column in trackers; export writes the action's own status under this name.
        Column("action status", ("state",)),
        Column("completed on", ("completion date", "date completed")),
        # Where delivery stands, beside the rating (decision 0018): the action's current stage and percentage.
        Column("stage", ("delivery stage",)),
        Column("percent complete", PERCENT_COMPLETE_SYNONYMS),
        # The action's latest rating and the period it was given in ("rated in"; without it, the plan's latest
        # period), with that update's progress, impact and evidence.
        Column("rag", ("action rag", "progress rag", "rag status", "status", "brag")),
        Column("rated in", ("rating period",)),
        Column("progress", ("progress to date",)),
        Column("impact", ("evidence (impact)", "evidence impact")),
        Column("evidence", ()),
    ),
    required=True,
)

PERIODS = Sheet(
    "Periods",
    (
        Column("period", ("name", "monitoring date", "reporting period"), required=True),
        Column("start", ("from",)),
        Column("end", ("to",), required=True),
        Column("update deadline", ("deadline",)),
        Column("status"),
    ),
    synonyms=("Reporting periods", "Monitoring dates"),
    key="period",
)

UPDATES = Sheet(
    "Updates",
    (
        Column("action", ("action ref",), required=True),
        Column("period", ("monitoring date", "reporting period"), required=True),
        # Empty (or no column) for a narrative entry: a plan that publishes no ratings, or history from elsewhere.
        Column("rag", ("brag",)),
        Column("progress"),
        Column("impact"),
        Column("recovery note", ("recovery",)),
        Column("completion date", ("completed on",)),
        # The stage and percentage the lead reported with this update.
        Column("stage"),
        Column("percent complete", PERCENT_COMPLETE_SYNONYMS),
        Column("evidence"),
        # Who gave the update and when: the import records them as the update's author and date.
        Column("by", ("author", "submitted by")),
        Column("submitted on", ("date", "submitted")),
    ),
    key="action",
)

KPIS = Sheet(
    "KPIs",
    (
        Column("ref", ("kpi reference", "kpi ref"), required=True),
        Column("area"),
        Column("measure", ("kpi", "indicator"), required=True),
        Column("category", ("question", "oba")),
        Column("unit"),
        Column("polarity", ("direction",)),
        Column("baseline"),
        Column("baseline date"),
        # As published beside the baseline: "Jan 24", "provisional".
        Column("baseline qualifier"),
        Column("owner"),
        Column("tolerance"),
        Column("data source", ("source",)),
        Column("comparator", ("comparator label",)),
        Column("comparator value"),
    ),
    synonyms=("KPI", "Score card", "Scorecard"),
)

MILESTONES = Sheet(
    "Milestones",
    (
        Column("kpi", ("kpi ref",), required=True),
        Column("months", ("horizon",), required=True),
        Column("target", ("target text",)),
        # A number, or "increase" / "decrease" for a target that is only a direction.
        Column("target value"),
        Column("benchmark", ("target benchmark",)),
        Column("rag"),
        Column("override reason", ("reason",)),
        Column("commentary"),
    ),
    key="kpi",
)

MEASUREMENTS = Sheet(
    "Measurements",
    (
        Column("kpi", ("kpi ref",), required=True),
        Column("date", ("period", "month", "period end"), required=True),
        # The period in the publisher's words ("Q4 2024"); a second row for the same date and words restates the first.
        Column("period label", ("period as published",)),
        Column("value", required=True),
        Column("status"),
        Column("england"),
        Column("statistical neighbours", ("stat neighbours", "statistical neighbour")),
        Column("region"),
        Column("note"),
        Column("recorded on", ("recorded",)),
    ),
    key="kpi",
)

RISKS = Sheet(
    "Risks",
    (
        Column("ref", required=True),
        Column("area"),
        Column("risk", required=True),
        Column("likelihood"),
        Column("impact"),
        Column("severity", ("severity/impact", "severity impact")),
        Column("mitigation"),
        Column("progress", ("progress following action",)),
        Column("owner"),
        Column("review date", ("next review",)),
        Column("status"),
    ),
    synonyms=("Risk register",),
)

# Who held each handed-over post from when (decision 0023): `post` names the post as the other sheets do (with its
# current holder), each row one holder; a post never handed over has no rows.
POST_HOLDERS = Sheet(
    "Post holders",
    (
        Column("post", ("officer", "lead"), required=True),
        Column("person", ("name", "holder")),
        Column("email"),
        Column("from", ("started on", "start"), required=True),
    ),
    synonyms=("Handovers", "Holders"),
    key="post",
)

# The plan's own fields (decision 0022): one row per field; its values are extra columns of the Areas or Actions
# sheet headed with the field's label. Columns there that no Fields row defines are still warned about and left out.
FIELDS = Sheet(
    "Fields",
    (
        Column("label", ("field", "heading"), required=True),
        Column("applies to", ("for",), required=True),
        Column("kind", ("type",)),
        Column("order"),
        Column("public", ("shown in public reports", "in public reports")),
        Column("help text", ("help",)),
    ),
    synonyms=("Own fields", "Plan fields"),
    key="label",
)
# The sheets whose rows take the own fields' values as extra columns, by what a field applies to.
OWN_FIELD_SHEETS = {"area": AREAS, "action": ACTIONS}


def applies_to_code(text) -> str | None:
    """A Fields row's `applies to` ("Areas", "area", "Actions", or a sheet's other name such as "Themes") as
    "area" or "action"; None if it names neither."""
    key = normalise(text)
    for code, sheet in OWN_FIELD_SHEETS.items():
        if key in (code, f"{code}s") or sheet.matches(text):
            return code
    return None


SHEETS = (PLAN, FIELDS, AREAS, ACTIONS, PERIODS, UPDATES, POST_HOLDERS, KPIS, MILESTONES, MEASUREMENTS, RISKS)


def standard_column(applies_to: str, label: str) -> Column | None:
    """The Areas or Actions column that `label` would be read as, if any: an own field cannot be called that, or
    its values would be read into the standard column."""
    return next((c for c in OWN_FIELD_SHEETS[applies_to].columns if c.matches(label)), None)
