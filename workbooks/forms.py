from datetime import date, datetime

from django import forms

from actions.models import Plan
from sendplan.fields import GovukDateField
from workbooks import schema
from workbooks.services import MAX_UPLOAD_BYTES
from workbooks.tracker.columns import Field, Proposal, period_named_in, word_choices, word_key
from workbooks.tracker.mapping import KPI_SHEET_WHY, Mapping, holds_kpis

# What the upload takes: the app's own plan workbook, an area's own tracker (Excel or CSV) or a Word plan.
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".docx")


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="Plan file",
        help_text=(
            "An Excel workbook (.xlsx or .xlsm), a CSV file or a Word document (.docx), up to 10 MB. It can be the "
            "tracker you keep today, as it is: you confirm what each column holds before anything is imported."
        ),
        error_messages={"required": "Choose the file to import."},
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                "The file must be an Excel workbook (.xlsx or .xlsm), a CSV file (.csv) or a Word document (.docx)."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file must be smaller than 10 MB.")
        return upload


# The choice "Not rated" / "Not recorded" for a tracker's word ("n/a"): the cell is read as empty.
NOTHING = "none"
WORD_COLUMNS = {Field.RAG: "rating", Field.STAGE: "stage", Field.PERCENT_COMPLETE: "% complete"}

# Columns whose cells are a round's ratings or progress: without a dated heading they report the round the
# programme manager names.
ROUND_FIELDS = {Field.RAG, Field.PROGRESS, Field.IMPACT}


class TrackerMappingForm(forms.Form):
    """The mapping page: which plan the tracker is for (an existing one, or a new one with its facts), the round
    its undated columns report, the sheets to leave out and, for every column, the field it fills (decision 0024).

    The columns' fields are named by position (`s0_c3`, `s0_c3_label`, `s0_c3_round`): a sheet's headings may
    repeat or be empty, so a heading cannot name its own field."""

    NEW = "new"

    plan = forms.ChoiceField(
        label="Which plan is this file for?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the plan this file is for, or a new plan."},
    )
    local_area = forms.CharField(label="Local area", required=False, max_length=200)
    title = forms.CharField(label="Title of the plan", required=False, max_length=300)
    plan_type = forms.ChoiceField(
        label="Type of plan", required=False, choices=Plan.PlanType.choices, widget=forms.RadioSelect
    )
    start_date = GovukDateField(label="Date the plan started", required=False, help_text="For example, 27 3 2025")
    inspection_date = GovukDateField(
        label="Date of the inspection (optional)", required=False, help_text="The first day of the inspection visit"
    )
    published_date = GovukDateField(label="Date the plan was published (optional)", required=False)
    current_period = forms.CharField(
        label="The round this file reports",
        required=False,
        max_length=60,
        help_text=(
            "For columns with no date in their heading, like “RAG Status” or “Latest update”: a month, term or "
            "quarter, for example “Spring term 2025” or “March 2025”."
        ),
    )

    def __init__(self, *args, tables, mapping: Mapping, plans, words_asked: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tables = tables
        self.fields["plan"].choices = [(str(plan.pk), f"{plan.local_area}: {plan.title}") for plan in plans] + [
            (self.NEW, "A new plan")
        ]
        self.plans = {str(plan.pk): plan for plan in plans}
        self.sheets = []
        for s, table in enumerate(tables):
            label = f"Leave out the sheet “{table.sheet}”"
            if holds_kpis(table):
                label += f": it {KPI_SHEET_WHY}"
            skip = forms.BooleanField(label=label, required=False)
            self.fields[f"s{s}_skip"] = skip
            self.initial.setdefault(f"s{s}_skip", table.sheet in mapping.skip)
            proposals = mapping.sheets.get(table.sheet, [])
            columns = []
            for c, (header, proposal) in enumerate(zip(table.headers, proposals, strict=True)):
                name = f"s{s}_c{c}"
                heading = header or f"column {table.columns[c]}"
                self.fields[name] = forms.ChoiceField(label=f"What “{heading}” holds", choices=Field.choices)
                self.fields[f"{name}_label"] = forms.CharField(
                    label=f"Name of the plan's own field for “{heading}”", required=False, max_length=200
                )
                self.fields[f"{name}_round"] = forms.CharField(
                    label=f"Round of “{heading}”", required=False, max_length=60
                )
                self.initial.setdefault(name, proposal.field.value)
                self.initial.setdefault(f"{name}_label", proposal.label)
                self.initial.setdefault(f"{name}_round", proposal.period.name if proposal.period else "")
                columns.append(_Column(self, name, table, c, heading, proposal))
            self.sheets.append(_Sheet(table, self[f"s{s}_skip"], columns))
        self.kept_words = mapping.words
        self.words = []  # (field, the tracker's word, its form field)
        for chosen, words in (words_asked or {}).items():
            choices = [(value or NOTHING, label) for value, label in word_choices(chosen)]
            given = {word_key(word): value for word, value in mapping.words.get(chosen, {}).items()}
            for k, word in enumerate(words):
                name = f"w_{chosen.value}_{k}"
                self.fields[name] = forms.ChoiceField(
                    label=f"“{word}” in a {WORD_COLUMNS[chosen]} column",
                    choices=[("", "Choose"), *choices],
                    error_messages={"required": f"Choose what “{word}” means in a {WORD_COLUMNS[chosen]} column."},
                )
                if word_key(word) in given:
                    self.initial.setdefault(name, given[word_key(word)] or NOTHING)
                self.words.append((chosen, word, self[name]))

    @property
    def is_new(self) -> bool:
        return self.data.get("plan", self.initial.get("plan")) == self.NEW

    def clean(self):
        data = super().clean()
        if data.get("plan") == self.NEW:
            for name, message in (
                ("local_area", "Enter the local area, for example Kestlebury."),
                ("title", "Enter the plan's title."),
                ("plan_type", "Choose the type of plan."),
                ("start_date", "Enter the date the plan started."),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, message)
        if data.get("current_period") and period_named_in(data["current_period"]) is None:
            self.add_error(
                "current_period",
                "Give the round as a month, term or quarter, like “Spring term 2025” or “March 2025”.",
            )
        undated = []
        for s, sheet in enumerate(self.sheets):
            if data.get(f"s{s}_skip"):
                continue
            for column in sheet.columns:
                chosen = data.get(column.name)
                given = (data.get(f"{column.name}_round") or "").strip()
                if given and period_named_in(given) is None:
                    self.add_error(
                        f"{column.name}_round",
                        f"Give the round of “{column.heading}” as a month, term or quarter, like “March 2025”.",
                    )
                elif chosen in ROUND_FIELDS and not given:
                    undated.append(column.heading)
                label = (data.get(f"{column.name}_label") or "").strip() or column.table.headers[column.index]
                if chosen == Field.OWN and schema.standard_column("action", label):
                    self.add_error(
                        f"{column.name}_label",
                        f"“{label}” is the name of a field every action has: give the plan's own field another name, "
                        f"like “{label} (tracker)”.",
                    )
        if undated and not data.get("current_period") and "current_period" not in self.errors:
            self.add_error(
                "current_period",
                f"Enter the round this file reports: {_listed(undated)} "
                f"{'has' if len(undated) == 1 else 'have'} no date in {'its' if len(undated) == 1 else 'their'} "
                "heading.",
            )
        return data

    def mapping(self) -> Mapping:
        """The mapping as confirmed: every column's field, label and round, and the sheets left out."""
        data = self.cleaned_data
        # The words chosen before (kept with the plan's mapping) stand; the page's answers are added to them.
        mapping = Mapping(words={chosen: dict(words) for chosen, words in self.kept_words.items()})
        for s, sheet in enumerate(self.sheets):
            if data.get(f"s{s}_skip"):
                mapping.skip.append(sheet.table.sheet)
            proposals = []
            for column in sheet.columns:
                chosen = Field(data[column.name])
                given = (data.get(f"{column.name}_round") or "").strip()
                period = period_named_in(given) if given and chosen in ROUND_FIELDS else None
                label = (data.get(f"{column.name}_label") or "").strip()
                if chosen == Field.OWN:
                    label = label or column.table.headers[column.index] or column.heading
                proposals.append(
                    Proposal(column.table.headers[column.index], chosen, "as you confirmed", period, label)
                )
            mapping.sheets[sheet.table.sheet] = proposals
        for chosen, word, bound in self.words:
            value = data.get(bound.name)
            if value:
                mapping.words.setdefault(chosen, {})[word] = "" if value == NOTHING else value
        return mapping

    def chosen_plan(self) -> Plan | None:
        return self.plans.get(self.cleaned_data["plan"])


def _listed(names: list[str]) -> str:
    quoted = [f"“{name}”" for name in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} and {quoted[-1]}"


def cell_text(value) -> str:
    """A cell as the page shows it: a date as a person writes it (Excel keeps dates as date and time), a whole
    number without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Sheet:
    def __init__(self, table, skip, columns):
        self.table, self.skip, self.columns = table, skip, columns

    @property
    def first_rows(self) -> list[tuple[int, list[str]]]:
        """The first rows as read (their row numbers and cells), for the page to show under the found header."""
        return [(row.number, [cell_text(cell) for cell in row.cells]) for row in self.table.rows[:3]]


class _Column:
    def __init__(self, form, name, table, index, heading, proposal):
        self.name, self.table, self.index, self.heading, self.proposal = name, table, index, heading, proposal
        self.field, self.label, self.round = form[name], form[f"{name}_label"], form[f"{name}_round"]

    @property
    def letter(self) -> str:
        return self.table.columns[self.index]

    @property
    def examples(self) -> list[str]:
        """The column's first filled values, to show what it holds."""
        values = [row.cells[self.index] for row in self.table.rows]
        return [cell_text(value) for value in values if value not in (None, "")][:2]
