"""A plan's own fields in its workbook (decision 0022): the Fields sheet defines them, and their values are extra
columns of the Areas and Actions sheets headed with each field's label.

On import a Fields row creates the field or updates the one of the same label (and the same sheet); a field the
sheet does not name stays as it is. A value column present on the sheet states every row's value (an empty cell:
none); a column left out leaves the values as they are. Problems name the sheet, row, column and value, and refuse
the whole workbook like any other.
"""

from __future__ import annotations

from planfields.models import PlanField, PlanFieldValue
from planfields.services import own_values_save
from workbooks import schema
from workbooks.changes import FieldChange
from workbooks.reader import Row

KIND_WORDS = {
    "plaintext": PlanField.Kind.SHORT,
    "plain": PlanField.Kind.SHORT,
    "short": PlanField.Kind.SHORT,
    "shorttext": PlanField.Kind.SHORT,
    "text": PlanField.Kind.SHORT,
    "longtext": PlanField.Kind.LONG,
    "long": PlanField.Kind.LONG,
    "paragraphs": PlanField.Kind.LONG,
}
KIND_EXPORT = {PlanField.Kind.SHORT: "plain text", PlanField.Kind.LONG: "long text"}
APPLIES_EXPORT = {PlanField.AppliesTo.AREA: "Areas", PlanField.AppliesTo.ACTION: "Actions"}
YES, NO = ("yes", "y", "true"), ("no", "n", "false", "")


def fields_rows(plan, *, public_only: bool = False) -> tuple[list[list], list[PlanField], list[PlanField]]:
    """The Fields sheet's rows (headers first), and the area and action fields in the plan's order, for the value
    columns. With `public_only` (open data), only the fields shown in public reports."""
    fields = list(PlanField.objects.filter(plan=plan).order_by("applies_to", "order", "id"))
    if public_only:
        fields = [f for f in fields if f.public]
    rows = [schema.FIELDS.headers] + [
        [f.label, APPLIES_EXPORT[f.applies_to], KIND_EXPORT[f.kind], f.order, "yes" if f.public else "no", f.help_text]
        for f in fields
    ]
    return (
        rows,
        [f for f in fields if f.applies_to == PlanField.AppliesTo.AREA],
        [f for f in fields if f.applies_to == PlanField.AppliesTo.ACTION],
    )


def value_cells(fields: list[PlanField], owner: str, record_ids) -> dict[int, list[str]]:
    """record id -> its values under `fields`, in their order ("" where none). One query."""
    held: dict[int, dict[int, str]] = {}
    if fields:
        values = PlanFieldValue.objects.filter(field__in=fields, **{f"{owner}_id__in": list(record_ids)})
        for record_id, field_id, text in values.values_list(f"{owner}_id", "field_id", "text"):
            held.setdefault(record_id, {})[field_id] = text
    return {pk: [held.get(pk, {}).get(f.pk, "") for f in fields] for pk in record_ids}


class OwnFieldsImport:
    """The importer's part for own fields: `fields_sheet` before the areas, then `values` for each saved row."""

    def __init__(self, importer):
        self.importer = importer
        # By what they apply to, then the label as the workbook's headers are matched (normalised).
        self.fields: dict[str, dict[str, PlanField]] = {"area": {}, "action": {}}

    def fields_sheet(self) -> None:
        importer, plan = self.importer, self.importer.plan
        existing = {(f.applies_to, schema.normalise(f.label)): f for f in PlanField.objects.filter(plan=plan)}
        seen: dict[tuple[str, str], int] = {}
        for position, row in enumerate(importer.workbook.rows(schema.FIELDS)):
            label = row.text("label")
            applies_to = schema.applies_to_code(row.text("applies to"))
            if applies_to is None:
                importer.problem(row, "applies to", "should be Areas or Actions: which sheet's rows hold its values?")
                continue
            values = self._definition(row, label, applies_to, position)
            if values is None:
                continue
            key = (applies_to, schema.normalise(label))
            if key in seen:
                importer.problem(row, "label", f"repeats the field of row {seen[key]}: keep one of the rows.")
                continue
            seen[key] = row.number
            field = existing.get(key) or PlanField(plan=plan, applies_to=applies_to)
            if importer.save(field, "Own field", label, values, row):
                self.fields[applies_to][key[1]] = field

    def _definition(self, row: Row, label: str, applies_to: str, position: int) -> dict | None:
        problem = self.importer.problem
        column = schema.standard_column(applies_to, label)
        if column is not None:
            sheet = schema.OWN_FIELD_SHEETS[applies_to].name
            problem(
                row,
                "label",
                f"is read as the {sheet} sheet's own column “{column.name}”: give the field another label.",
            )
            return None
        kind = KIND_WORDS.get(schema.normalise(row.text("kind")) or "plaintext")
        if kind is None:
            problem(row, "kind", "should be plain text or long text.")
        order = row.get("order", position)
        if isinstance(order, float) and order.is_integer():
            order = int(order)
        if isinstance(order, str) and order.strip().isdigit():
            order = int(order)
        if not isinstance(order, int) or isinstance(order, bool) or order < 0:
            problem(row, "order", "should be a whole number, 0 or more: the field's place in the plan's order.")
            order = None
        public = schema.normalise(row.text("public"))
        if public not in YES + NO:
            problem(row, "public", "should be yes or no: is the field shown in public reports?")
        if kind is None or order is None or public not in YES + NO:
            return None
        return {
            "label": label,
            "kind": kind,
            "order": order,
            "public": public in YES,
            "help_text": row.text("help text"),
        }

    def values(self, row: Row, record, applies_to: str) -> None:
        """The row's values under the fields the Fields sheet defined, for the columns the sheet has."""
        self.save(row, record, applies_to, self.texts(row, applies_to))

    def texts(self, row: Row, applies_to: str) -> dict[int, str]:
        """The row's values by field, read and checked (a problem for a value its field cannot hold), not saved: an
        action's are saved once the action is written."""
        fields = self.fields[applies_to]
        texts: dict[int, str] = {}
        for header, cell in row.extra.items() if fields else ():
            field = fields.get(schema.normalise(header))
            if field is None:
                continue
            text = "" if cell is None else str(cell).strip("\n").rstrip()
            if field.kind == PlanField.Kind.SHORT and "\n" in text.strip():
                self.importer.problem(row, header, f"has more than one line, but {field.label} is plain text.", text)
                continue
            texts[field.pk] = text
        return texts

    def save(self, row: Row, record, applies_to: str, texts: dict[int, str]) -> None:
        """Save the values `texts` read from the row, counting what changed."""
        if not texts:
            return
        fields = self.fields[applies_to]
        importer = self.importer
        owner = {"area": record} if applies_to == "area" else {"action": record}
        current = {v.field_id: v for v in PlanFieldValue.objects.filter(field_id__in=list(texts), **owner)}
        fields_by_pk = {f.pk: f for f in fields.values()}
        for field_id, text in texts.items():
            held = current.get(field_id)
            label = fields_by_pk[field_id].label
            saved = text.strip() if fields_by_pk[field_id].kind == PlanField.Kind.SHORT else text
            if (held.text if held else "") == saved:
                if held:
                    importer.result.count("unchanged", "Own field value")
                continue
            kind = "created" if held is None else "changed"
            importer.result.count(
                kind,
                "Own field value",
                record=record.ref,
                fields=[FieldChange(label, held.text if held else "", saved)],
            )
        own_values_save(
            record=record,
            texts=texts,
            versions={pk: (current[pk].version if pk in current else 0) for pk in texts},
            by=importer.by,
        )
