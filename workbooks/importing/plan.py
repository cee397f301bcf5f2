"""The Plan and Areas sheets: the plan's facts, its areas of weakness and their findings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from actions.locking import save_versioned
from actions.models import Action, AreaOfWeakness, Finding, Organisation, Plan, Stage
from workbooks import schema
from workbooks.batch import ActionWrites
from workbooks.importing.values import apply_values
from workbooks.parsing import parse_area_kind, stage_words
from workbooks.reader import Problem, Row

PLAN_TYPES = {
    "wsoa": Plan.PlanType.WSOA,
    "writtenstatementofaction": Plan.PlanType.WSOA,
    "app": Plan.PlanType.APP,
    "acceleratedprogressplan": Plan.PlanType.APP,
    "pap": Plan.PlanType.PAP,
    "priorityactionplan": Plan.PlanType.PAP,
    "improvementplan": Plan.PlanType.IMPROVEMENT,
    "improvement": Plan.PlanType.IMPROVEMENT,
    "strategicactionplan": Plan.PlanType.IMPROVEMENT,
}


class PlanRows:
    """The Plan sheet first (it finds or makes the plan), then the areas."""

    def plan_sheet(self) -> bool:
        fields = {schema.normalise(row.text("field")): row for row in self.workbook.rows(schema.PLAN)}
        values: dict = {}

        def text(key: str, label: str, required: bool = True) -> str:
            row = fields.get(schema.normalise(key))
            value = row.text("value") if row else ""
            if required and not value:
                self.result.problems.append(
                    Problem("Plan", row.number if row else None, "value", "", f"needs the {label}.")
                )
            return value

        values["local_area"] = text("local area", "local area")
        values["title"] = text("title", "plan's title")
        type_text = text("type", "plan type (WSoA, APP, PAP or improvement plan)")
        if type_text:
            plan_type = PLAN_TYPES.get(schema.normalise(type_text))
            if plan_type is None:
                self.problem(
                    fields["type"], "value", "is not a plan type we know: use WSoA, APP, PAP or improvement plan."
                )
            values["plan_type"] = plan_type
        for key, name in (
            ("inspection date", "inspection_start"),
            ("published date", "published"),
            ("start date", "start_date"),
        ):
            row = fields.get(schema.normalise(key))
            if row is None and name != "start_date":
                continue  # a workbook without the row (a tracker's facts name none) leaves the plan's date as it is
            values[name] = self.date_of(row, "value") if row else None
            if name == "inspection_start" and row and isinstance(row.get("value"), str):
                values["inspection_label"] = row.text("value")  # as written, e.g. "October 2019"
        for key, attribute in schema.PLAN_TEXT_FIELDS.items():
            if row := fields.get(schema.normalise(key)):
                values[attribute] = row.text("value")
        ratings_row = fields.get(schema.normalise(schema.RATINGS_FIELD))
        if ratings_row is not None:
            answer = schema.normalise(ratings_row.text("value"))
            if answer in ("yes", "y", "true", ""):
                values["publishes_ratings"] = True
            elif answer in ("no", "n", "false"):
                values["publishes_ratings"] = False
            else:
                self.problem(ratings_row, "value", "should be yes or no: does the plan publish RAG ratings?")
        for key, code in zip(schema.STAGE_FIELDS, Stage.values, strict=True):
            if schema.normalise(key) in fields:  # a workbook without the row leaves the plan's word as it is
                values[f"stage_{code}_label"] = text(key, key, required=False)
        if values.get("start_date") is None and not any(p.sheet == "Plan" for p in self.result.problems):
            row = fields.get("startdate")
            self.result.problems.append(
                Problem(
                    "Plan", row.number if row else None, "value", "", "needs the start date (milestones count from it)."
                )
            )
        if self.result.problems:
            return False
        slug = text("slug", "slug", required=False) or slugify(
            f"{values['local_area']} {values['plan_type']} {values['start_date']:%Y}"
        )
        plan = Plan.objects.filter(slug=slug).first() or Plan(slug=slug)
        anchor = fields.get("title") or next(iter(fields.values()))
        if not self.save(plan, "Plan", slug, values, anchor):
            return False
        self.plan = plan
        self.result.plan = plan
        self.stage_words = stage_words({code: plan.stage_label(code) for code in Stage.values})
        organisations = list(Organisation.objects.all())
        self.organisations = {schema.normalise(o.short_name or o.name): o for o in organisations}
        self.organisations |= {schema.normalise(o.name): o for o in organisations}
        self.areas = {a.ref: a for a in plan.areas.all()}
        areas = {area.pk: area for area in self.areas.values()}
        self.actions = {a.ref: a for a in Action.objects.filter(area__plan=plan)}
        for action in self.actions.values():
            action.area = areas[action.area_id]  # which knows its plan: no query per action for the rules
        self.periods = {p.name.casefold(): p for p in plan.periods.all()}
        self.writes = ActionWrites(plan=plan, actions=self.actions, periods=list(self.periods.values()), by=self.by)
        self.kpis = {k.ref: k for k in plan.kpis.all()}
        return True

    def areas_sheet(self) -> None:
        # The Fields sheet first: it says which extra columns of the Areas and Actions sheets hold values.
        self.own_fields.fields_sheet()
        together: list[tuple[Row, AreaOfWeakness, bool]] = []  # (row, area, created by this import)
        for order, row in enumerate(self.workbook.rows(schema.AREAS), start=1):
            ref = row.text("ref")
            area = self.areas.get(ref) or AreaOfWeakness(plan=self.plan, ref=ref, order=order)
            values = {"title": row.text("title"), "general_outcomes": row.text("outcomes")}
            if "closed" in row.cells:
                values["closed_on"] = self.date_of(row, "closed")
            if "kind" in row.cells:
                values["kind"] = self.parsed(row, "kind", parse_area_kind) or area.kind
            created = area.pk is None
            if self.save(area, "Area of weakness", ref, values, row):
                self.areas[ref] = area
                if "reported with" in row.cells:
                    together.append((row, area, created))
                self.own_fields.values(row, area, "area")
                findings = row.text("findings")
                existing = "\n\n".join(area.findings.values_list("text", flat=True))
                if findings and findings != existing:
                    if existing:
                        self.result.warnings.append(
                            f"Areas row {row.number}: the findings of area {ref} differ from those recorded; "
                            "they were left as they are (change them under Manage)."
                        )
                    else:
                        save_versioned(Finding(area=area, text=findings, order=1), expected_version=1, by=self.by)
                owners = self.leads(row, "owner") if row.get("owner") else None
                if owners is not None:
                    area.owners.set(owners)
        # Linked once every area of the sheet exists (a row may name an area on a later row); links taken away
        # first, so a workbook that swaps which area of a pair leads is not refused as a chain.
        for row, area, created in sorted(together, key=lambda each: bool(each[0].text("reported with"))):
            self.reported_with(row, area, created=created)

    def reported_with(self, row: Row, area: AreaOfWeakness, *, created: bool) -> None:
        ref = row.text("reported with")
        other = self.areas.get(ref) if ref else None
        if ref and other is None:
            self.problem(row, "reported with", f"there is no area {ref} in this plan", ref)
            return
        changed = apply_values(area, {"reported_with": other})
        if not changed:
            return
        try:
            save_versioned(area, expected_version=area.version, by=self.by)
        except ValidationError as error:
            self.refused(row, error, column="reported with")
            return
        if not created:  # an area created by this import was counted once, as created
            self.result.count("changed", "Area of weakness", record=area.ref, fields=changed)
