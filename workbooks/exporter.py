"""Write a plan to the workbook format the importer reads (and to JSON and CSV for open data).

Export -> import into an empty database -> export gives the same workbook: every value is written the way the
importer reads it back (leads separated by "; ", periods with their dates, milestone overrides with their reason).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from actions.models import Action, Plan, PostHolder, ProgressUpdate, Rag, Stage
from kpis.models import Kpi
from sendplan.spreadsheets import CSV_BOM, spreadsheet_safe
from workbooks import schema
from workbooks.own_fields import fields_rows, value_cells

PLAN_TYPE_WORDS = {"wsoa": "WSoA", "app": "APP", "pap": "PAP", "improvement": "improvement plan"}


def _leads(officers) -> str:
    """'Post (Person); Post (Person)'. A semicolon marks a list whose commas, slashes and "and"s belong to post
    titles, so a single lead whose text has one of those ends with a semicolon too."""
    text = "; ".join(f"{o.post_title} ({o.person_name})" if o.person_name else o.post_title for o in officers)
    splittable = any(mark in text for mark in (",", "&", "/", " and ")) and ";" not in text
    return f"{text};" if splittable else text


def _post_holder_rows(officers: dict) -> list[list]:
    """Each holder of the plan's posts that were handed over (two holders or more), earliest first. One query."""
    holders: dict[int, list[PostHolder]] = {}
    for holder in PostHolder.objects.filter(officer_id__in=list(officers)).order_by("started_on", "pk"):
        holders.setdefault(holder.officer_id, []).append(holder)
    handed_over = sorted((officers[pk], held) for pk, held in holders.items() if len(held) > 1)
    return [
        [_leads([officer]), holder.person_name, holder.email, holder.started_on]
        for officer, held in handed_over
        for holder in held
    ]


def _stage(plan: Plan, code: str) -> str:
    """A stage in the plan's own words (the importer reads them back), "" when none was recorded."""
    return plan.stage_label(code) if code else ""


def _number(value):
    """Decimals as plain numbers (54.5, 12): what a person would type, and what reads back the same."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _recorded_order(measurement):
    """By period, then a period's restated values in the order they were replaced, then its current value."""
    m = measurement
    return (m.period_date, m.period_label, m.restated_at is None, m.restated_at or m.recorded_at, m.pk)


def plan_rows(plan: Plan, *, public_only: bool = False) -> dict[str, list[list]]:
    """Every sheet of the workbook as rows of cell values (headers first). With `public_only` (open data), only
    the plan's own fields shown in public reports, and their values."""
    periods = list(plan.periods.order_by("start"))
    areas = list(plan.areas.prefetch_related("owners", "findings").order_by("order", "ref"))
    actions = list(
        Action.objects.filter(area__plan=plan)
        .select_related("area", "outcome")
        .prefetch_related("leads", "partners", "accountable_officers")
        .order_by("area__order", "order", "ref")
    )
    updates = list(
        # Drafts are the leads' unfinished work, not part of the plan (docs/import.md).
        ProgressUpdate.objects.filter(action__area__plan=plan, status=ProgressUpdate.Status.SUBMITTED)
        .select_related("action", "period", "submitted_by_officer")
        .order_by("period__start", "action__area__order", "action__order", "action__ref")
    )
    # Each action's latest rating, whichever period it was given in: a completed action's Blue is not lost
    # because it has no update in the latest period.
    latest_updates = {u.action_id: u for u in updates}
    kpis = list(plan.kpis.select_related("area", "owner").prefetch_related("milestones", "measurements"))
    risks = list(plan.risks.select_related("area", "owner").order_by("ref"))

    sheets: dict[str, list[list]] = {}
    sheets["Plan"] = [
        ["field", "value"],
        ["slug", plan.slug],
        ["local area", plan.local_area],
        ["title", plan.title],
        ["type", PLAN_TYPE_WORDS[plan.plan_type]],
        ["inspection date", plan.inspection_start],
        ["published date", plan.published],
        ["start date", plan.start_date],
        *([name, getattr(plan, attribute)] for name, attribute in schema.PLAN_TEXT_FIELDS.items()),
        [schema.RATINGS_FIELD, "yes" if plan.publishes_ratings else "no"],
        *[
            [name, getattr(plan, f"stage_{code}_label")]
            for name, code in zip(schema.STAGE_FIELDS, Stage.values, strict=True)
        ],
    ]
    refs = {a.pk: a.ref for a in areas}  # "reported with" names the other area by its ref
    # The plan's own fields: defined on the Fields sheet, their values as the last columns of Areas and Actions.
    sheets["Fields"], area_fields, action_fields = fields_rows(plan, public_only=public_only)
    area_values = value_cells(area_fields, "area", [a.pk for a in areas])
    action_values = value_cells(action_fields, "action", [a.pk for a in actions])
    sheets["Areas"] = [schema.AREAS.headers + [f.label for f in area_fields]] + [
        [
            a.ref,
            a.title,
            "\n\n".join(f.text for f in a.findings.all()),
            a.general_outcomes,
            _leads(a.owners.all()),
            a.closed_on,
            a.get_kind_display(),
            refs.get(a.reported_with_id, ""),
            *area_values[a.pk],
        ]
        for a in areas
    ]
    sheets["Actions"] = [schema.ACTIONS.headers + [f.label for f in action_fields]]
    for a in actions:
        update = latest_updates.get(a.pk)
        sheets["Actions"].append(
            [
                a.area.ref,
                a.outcome.text if a.outcome else "",
                a.ref,
                a.text,
                _leads(a.leads.all()),
                _leads(a.accountable_officers.all()),
                "; ".join(o.name for o in a.partners.all()),
                a.due_label or (a.due_date.strftime("%d/%m/%Y") if a.due_date else ""),
                a.due_date,
                a.revised_due_date,
                a.revised_due_reason,
                a.get_status_display(),
                a.completed_on,
                _stage(plan, a.stage),
                a.percent_complete,
                Rag(update.rag).label if update and update.rag else "",
                update.period.name if update else "",
                update.progress if update else "",
                update.impact if update else "",
                update.evidence if update else "",
                *action_values[a.pk],
            ]
        )
    sheets["Periods"] = [schema.PERIODS.headers] + [
        [p.name, p.start, p.end, p.update_deadline, p.status] for p in periods
    ]
    sheets["Updates"] = [schema.UPDATES.headers] + [
        [
            u.action.ref,
            u.period.name,
            Rag(u.rag).label if u.rag else "",  # a narrative entry has none
            u.progress,
            u.impact,
            u.recovery_note,
            u.completion_date,
            _stage(plan, u.stage),
            u.percent_complete,
            u.evidence,
            _leads([u.submitted_by_officer]) if u.submitted_by_officer else "",
            timezone.localdate(u.submitted_at),
        ]
        for u in updates
    ]
    sheets["Post holders"] = [schema.POST_HOLDERS.headers] + _post_holder_rows(
        {o.pk: o for a in actions for o in (*a.leads.all(), *a.accountable_officers.all())}
        | {o.pk: o for a in areas for o in a.owners.all()}
        | {u.submitted_by_officer_id: u.submitted_by_officer for u in updates if u.submitted_by_officer_id}
        | {k.owner_id: k.owner for k in kpis if k.owner_id}
        | {r.owner_id: r.owner for r in risks if r.owner_id}
    )
    sheets["KPIs"] = [schema.KPIS.headers] + [
        [
            k.ref,
            k.area.ref if k.area else "",
            k.measure,
            k.get_category_display(),
            "%" if k.unit == Kpi.Unit.PERCENT else k.unit,
            k.polarity,
            _number(k.baseline_value) if k.baseline_value is not None else k.baseline_text,
            k.baseline_date,
            k.baseline_qualifier,
            _leads([k.owner]) if k.owner else "",
            _number(k.tolerance),
            k.data_source,
            k.comparator_label,
            _number(k.comparator_value),
        ]
        for k in kpis
    ]
    sheets["Milestones"] = [schema.MILESTONES.headers] + [
        [
            k.ref,
            m.months,
            m.target_text,
            k.direction_word if m.target_direction else _number(m.target_value),
            m.target_benchmark,
            Rag(m.rag).label if m.rag else "",
            m.override_reason,
            m.commentary,
        ]
        for k in kpis
        for m in k.milestones.all()
    ]
    # Every value, restated ones too: a period's rows in the order they were recorded, the current one last
    # (the importer reads a later row for the same period as a restatement of the earlier).
    sheets["Measurements"] = [schema.MEASUREMENTS.headers] + [
        [
            k.ref,
            m.period_date,
            m.period_label,
            _number(m.value) if m.value is not None else m.value_text,
            m.status,
            _number(m.england_value),
            _number(m.neighbours_value),
            _number(m.region_value),
            m.note,
            timezone.localdate(m.recorded_at),
        ]
        for k in kpis
        for m in sorted(k.measurements.all(), key=_recorded_order)
    ]
    sheets["Risks"] = [schema.RISKS.headers] + [
        [
            r.ref,
            r.area.ref if r.area else "",
            r.risk,
            r.current_likelihood,
            r.current_impact,
            r.get_severity_display() if r.severity else "",
            r.mitigation,
            r.progress,
            _leads([r.owner]),
            r.next_review,
            r.status,
        ]
        for r in risks
    ]
    return sheets


def _text(value: str) -> str:
    """Control characters (a vertical tab pasted from Word) cannot be stored in a workbook: they are left out."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


MAX_WIDTH = 60  # characters: longer text wraps within its column
WRAP = Alignment(wrap_text=True, vertical="top")


def _lay_out(sheet) -> None:
    """Readable as it opens: columns as wide as their text (up to MAX_WIDTH), the header row frozen and filtered."""
    for index, column in enumerate(sheet.iter_cols(values_only=True), start=1):
        longest = max(
            (len(line) for value in column if value not in (None, "") for line in str(value).splitlines()), default=0
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 10), MAX_WIDTH) + 2
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def export_workbook(plan: Plan) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in plan_rows(plan).items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(["" if v is None else _text(v) if isinstance(v, str) else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
                elif isinstance(cell.value, str):
                    # openpyxl makes a formula of any text starting "=": a progress note written
                    # =HYPERLINK("http://evil.example", "x") would be a live link for everyone who opens the file.
                    # Every cell here is user data, so it is text, always.
                    cell.data_type = "s"
                    if len(cell.value) > MAX_WIDTH or "\n" in cell.value:
                        cell.alignment = WRAP
        _lay_out(sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def blank_template() -> bytes:
    """Every sheet with its header row (and the Plan sheet's field names), ready to fill in."""
    book = Workbook()
    book.remove(book.active)
    for sheet in schema.SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        if sheet is schema.PLAN:
            for name in (*schema.PLAN_FIELDS, schema.RATINGS_FIELD, *schema.STAGE_FIELDS):
                ws.append([name, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_json(plan: Plan) -> str:
    """The whole plan as JSON for open data: every sheet as a list of objects keyed by column name."""
    sheets = plan_rows(plan, public_only=True)  # open data: own fields not shown in public reports stay out
    data = {
        title: [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        for title, rows in sheets.items()
        if title != "Plan"
    }
    data["plan"] = {field: value for field, value in sheets["Plan"][1:]}
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_actions_csv(plan: Plan) -> str:
    """The Actions sheet as CSV, starting with a byte order mark so Excel reads it as UTF-8."""
    rows = plan_rows(plan)["Actions"]
    buffer = io.StringIO()
    buffer.write(CSV_BOM)
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(str(v)) for v in row])
    return buffer.getvalue()
