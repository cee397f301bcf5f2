"""A published report's figures as open data (CSV and JSON under the Open Government Licence v3.0).

`open_data_of` is called once, at publication, with the very `ReportContent` the stored page and PDF are rendered
from, and its result is frozen beside them (`PublishedFile.data`). So the open data says what the public page
says, never more: the content has already left out challenges, internal notes, drafts, comments not marked
publishable and the names of officers not to be named (reports/content.py), and nothing here reads the database.
The CSV files are written from the frozen document, so the CSV and the JSON cannot disagree.

docs/open-data.md describes every field; reports/static/reports/open-data.schema.json is the JSON Schema.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.utils.dateformat import format as date_format

from reports.content import ActionLine, KpiLine, ReportContent

SCHEMA_VERSION = 1
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"

ACTION_COLUMNS = [
    "plan",
    "period",
    "area_ref",
    "area_title",
    "outcome",
    "action_ref",
    "action",
    "leads",
    "due",
    "due_date",
    "status",
    "rating",
    "rating_label",
    "rated_in",
    "stage",
    "percent_complete",
    "completed_on",
    "progress",
    "impact",
    "recovery_note",
]
KPI_COLUMNS = [
    "plan",
    "period",
    "area_ref",
    "kpi_ref",
    "measure",
    "unit",
    "period_date",
    "period_label",
    "value",
    "value_text",
    "status",
]


def attribution(content_or_data) -> str:
    """The attribution line the licence asks re-users to keep."""
    if isinstance(content_or_data, dict):
        local_area = content_or_data["report"]["local_area"]
    else:
        local_area = content_or_data.plan.local_area
    return f"Contains public sector information from {local_area} licensed under the {LICENCE_NAME}."


def open_data_of(content: ReportContent, report) -> dict:
    """The frozen open-data document of `report`, from the content its published page is rendered from."""
    plan = content.plan
    ratings = plan.publishes_ratings
    actions = [
        _action_row(content, section.area, group.name, group.outcome, line, ratings)
        for section in content.areas
        for group in section.groups
        for line in group.lines
    ]
    kpis = [_kpi(content, line) for line in content.plan_kpis]
    kpis += [_kpi(content, line) for section in content.areas for line in section.kpis]
    return {
        "schema_version": SCHEMA_VERSION,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "attribution": attribution(content),
        "report": {
            "local_area": plan.local_area,
            "plan": plan.title,
            "plan_type": plan.get_plan_type_display(),
            "period": content.period.name,
            "period_start": _iso(content.period.start),
            "period_end": _iso(content.period.end),
            "version": report.number,
            "corrects_version": report.corrects.number if report.corrects_id else None,
            "correction_note": report.correction_note,
            "figures_as_at": _iso(content.as_at),
            "published_at": _iso(report.published_at),
            "publishes_ratings": ratings,
        },
        "rag_key": (
            [{"rating": d.code, "label": d.label, "definition": d.definition} for d in content.rag_key]
            if ratings
            else []
        ),
        "actions": actions,
        "kpis": kpis,
    }


def _action_row(content, area, outcome_name, outcome, line: ActionLine, ratings: bool) -> dict:
    action, update = line.action, line.update
    complete = action.stage == "complete" and action.completed_on
    return {
        "plan": content.plan.title,
        "period": content.period.name,
        "area_ref": area.ref,
        "area_title": area.title,
        "outcome": _outcome(outcome_name, outcome),
        "action_ref": action.ref,
        "action": action.text,
        "leads": list(line.leads),
        "due": _due(action),
        "due_date": _iso(action.revised_due_date or action.due_date),
        "status": action.get_status_display(),
        "rating": line.rag if ratings else "",
        "rating_label": line.rag_label if ratings else "",
        "rated_in": line.rated_in,
        "stage": content.plan.stage_label(action.stage) if action.stage else "",
        "percent_complete": action.percent_complete,
        "completed_on": _iso(action.completed_on) if complete else None,
        "progress": update.progress if update else "",
        "impact": update.impact if update else "",
        "recovery_note": update.recovery_note if update else "",
        "own_fields": [{"label": own.label, "text": own.text} for own in line.own_fields],
    }


def _outcome(name: str, outcome) -> str:
    if outcome is None:
        return ""
    return f"{name[:1].upper()}{name[1:]}: {outcome.text}" if name else outcome.text


def _due(action) -> str:
    """The due date in the words the page's Due column uses."""
    if action.revised_due_date:
        was = action.due_label or (date_format(action.due_date, "M Y") if action.due_date else "")
        return f"{date_format(action.revised_due_date, 'M Y')} (revised from {was})"
    if action.due_date:
        return date_format(action.due_date, "M Y")
    label = action.due_label or "Ongoing"
    return label[:1].upper() + label[1:]


def _kpi(content, line: KpiLine) -> dict:
    kpi = line.kpi
    area_ref = next((s.area.ref for s in content.areas if s.area.pk == kpi.area_id), "")
    return {
        "area_ref": area_ref,
        "kpi_ref": kpi.ref,
        "measure": kpi.measure,
        "unit": kpi.get_unit_display(),
        "baseline_value": _number(kpi.baseline_value),
        "baseline_text": kpi.baseline_text if kpi.baseline_value is None else "",
        "baseline_note": kpi.baseline_note if kpi.baseline_value is not None else kpi.baseline_qualifier,
        "milestones": [
            {
                "months": milestone.months,
                "due_date": _iso(milestone.due_date),
                "target_text": milestone.target_text,
                "target_value": _number(milestone.target_value),
                "target_benchmark": milestone.target_benchmark,
                "due": due,
                "rating": rating if due else "",
            }
            for milestone, due, rating in line.milestones
        ],
        "measurements": [
            {
                "plan": content.plan.title,
                "period": content.period.name,
                "area_ref": area_ref,
                "kpi_ref": kpi.ref,
                "measure": kpi.measure,
                "unit": kpi.get_unit_display(),
                "period_date": _iso(m.period_date),
                "period_label": m.period_label,
                "value": _number(m.value),
                "value_text": m.value_text,
                "status": m.get_status_display(),
            }
            for m in line.measurements
        ],
    }


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _number(value) -> int | float | None:
    """A recorded decimal as a JSON number: whole numbers without ".0", others as written (54.50 -> 54.5)."""
    if value is None:
        return None
    value = Decimal(value).normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def action_rows(data: dict) -> list[dict]:
    """The actions CSV's rows: the JSON's actions, leads joined with "; " (as the page lists them)."""
    return [
        {column: "; ".join(row["leads"]) if column == "leads" else row[column] for column in ACTION_COLUMNS}
        for row in data["actions"]
    ]


def kpi_rows(data: dict) -> list[dict]:
    return [row for kpi in data["kpis"] for row in kpi["measurements"]]


def to_csv(rows: list[dict], columns: list[str]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents and curly quotes), CRLF line ends, every cell quoted
    when it needs to be; an empty value is an empty cell."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else _cell(value) for key, value in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, int | float | Decimal):
        return text
    # A text starting with = + @ (or - then a letter) is a formula to a spreadsheet: an update's words must not run
    # as one. Such a cell starts with an apostrophe; "- " lists and "-2" are left as they are.
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and text[1:2].isalpha()):
        return "'" + text
    return text
