"""Forms for setting up a plan. They check shapes (a real date, a choice offered); planning.services checks the
rules, and its refusals are shown beside the same fields (sendplan.forms.add_service_errors)."""

from django import forms

from actions.models import AreaKind, Organisation, Plan, Rag
from actions.selectors import plan_post_choices
from planning.services import QUARTER_ENDS, STANDARD_RAG_KEY, Cadence
from sendplan.fields import GovukDateField

# A version number as a hidden field: bounded, so a forged huge number is a form error, not a database one.
MAX_VERSION = 2**31 - 1


def version_field():
    return forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=MAX_VERSION)


class OrganisationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, organisation):
        return f"{organisation.name} ({organisation.get_kind_display()})"


class HeaderFields(forms.Form):
    """The plan's header facts, the same on the new plan page and its edit page."""

    plan_type = forms.ChoiceField(
        label="Type of plan",
        choices=Plan.PlanType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of plan."},
    )
    local_area = forms.CharField(
        label="Local area",
        max_length=200,
        help_text="The council's area, as the plan names it, for example Riverside.",
        error_messages={"required": "Enter the local area, for example Riverside."},
    )
    title = forms.CharField(
        label="Title",
        max_length=300,
        help_text="As published, for example Priority Action Plan.",
        error_messages={"required": "Enter the plan's title, as published."},
    )
    inspection_start = GovukDateField(
        label="Inspection started (optional)", required=False, help_text="For example 7 10 2024"
    )
    inspection_end = GovukDateField(label="Inspection ended (optional)", required=False)
    inspection_label = forms.CharField(
        label="Inspection, as the plan writes it (optional)",
        max_length=100,
        required=False,
        help_text="For example October 2024.",
    )
    report_published = GovukDateField(label="Inspection report published (optional)", required=False)
    published = GovukDateField(label="Plan published (optional)", required=False)
    start_date = GovukDateField(
        label="Plan starts",
        help_text="Milestones at 3, 6 and 12 months count from here, and reporting periods start here.",
        error_messages={"required": "Enter the date the plan starts."},
    )
    partners = OrganisationChoiceField(
        label="Partner organisations working on the plan",
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leads and area owners are chosen from these organisations' posts.",
    )

    header_names = [
        "plan_type",
        "local_area",
        "title",
        "inspection_start",
        "inspection_end",
        "inspection_label",
        "report_published",
        "published",
        "start_date",
    ]

    def header(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.header_names}


def add_rag_fields(form: forms.Form, lines: dict[str, tuple[str, str]]) -> None:
    """A word and a definition per rating, `<code>_label` and `<code>_definition`, filled with `lines`."""
    for code in Rag:
        label, definition = lines.get(code, ("", ""))
        form.fields[f"{code}_label"] = forms.CharField(
            label=f"Word for {code.label.lower()}", max_length=40, required=False, initial=label
        )
        form.fields[f"{code}_definition"] = forms.CharField(
            label=f"What {code.label.lower()} means", max_length=300, required=False, initial=definition
        )


def rag_lines(form: forms.Form) -> list[tuple[str, str, str]]:
    return [(code.value, form.cleaned_data[f"{code}_label"], form.cleaned_data[f"{code}_definition"]) for code in Rag]


def rag_rows(form: forms.Form) -> list[tuple]:
    """The key's fields in pairs, for the template: (code, word field, definition field)."""
    return [(code, form[f"{code}_label"], form[f"{code}_definition"]) for code in Rag]


RATINGS_CHOICES = [
    ("yes", "Yes, with this RAG key"),
    ("no", "No: progress is dated narrative, without public ratings"),
]
NEW_PARTNER_ROWS = 3


def ratings_field():
    return forms.ChoiceField(
        label="Will the plan publish RAG ratings?",
        choices=RATINGS_CHOICES,
        widget=forms.RadioSelect,
        initial="yes",
        error_messages={"required": "Choose whether the plan publishes RAG ratings."},
    )


class NewPlanForm(HeaderFields):
    """Everything a plan needs before its areas: header, RAG key, partners and reporting cadence, on one page."""

    ratings = ratings_field()
    cadence = forms.ChoiceField(
        label="How often do leads report progress?",
        choices=[
            (
                Cadence.TERMLY,
                "Termly: autumn (September to December), spring (January to March), summer (April to August)",
            ),
            (Cadence.QUARTERLY, "Quarterly"),
            (Cadence.MONTHLY, "Monthly"),
        ],
        widget=forms.RadioSelect,
        initial=Cadence.TERMLY,
        error_messages={"required": "Choose how often leads report progress."},
    )
    quarter_ends = forms.ChoiceField(
        label="If quarterly, which months do the quarters end in?",
        choices=[
            ("3-6-9-12", "March, June, September and December"),
            ("1-4-7-10", "January, April, July and October"),
            ("2-5-8-11", "February, May, August and November"),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial="3-6-9-12",
    )
    periods_until = GovukDateField(
        label="Last day of reporting (optional)",
        required=False,
        help_text="Reporting periods are made from the start date to this day. Leave it blank for two years.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_rag_fields(self, {code: (label, definition) for code, label, definition in STANDARD_RAG_KEY})
        kinds = [("", "Choose a kind"), *Organisation.Kind.choices]
        for n in range(1, NEW_PARTNER_ROWS + 1):
            self.fields[f"new_partner_name_{n}"] = forms.CharField(
                label=f"New organisation {n}: name", max_length=200, required=False
            )
            self.fields[f"new_partner_kind_{n}"] = forms.ChoiceField(
                label=f"New organisation {n}: kind", choices=kinds, required=False
            )

    def rag_rows(self):
        return rag_rows(self)

    def new_partner_rows(self):
        return [(self[f"new_partner_name_{n}"], self[f"new_partner_kind_{n}"]) for n in range(1, NEW_PARTNER_ROWS + 1)]

    def new_partners(self) -> list[tuple[str, str]]:
        rows = [
            (self.cleaned_data[f"new_partner_name_{n}"], self.cleaned_data[f"new_partner_kind_{n}"])
            for n in range(1, NEW_PARTNER_ROWS + 1)
        ]
        return [(name, kind) for name, kind in rows if name.strip() or kind]

    def rag_key(self):
        return rag_lines(self) if self.cleaned_data["ratings"] == "yes" else None

    def quarter_ends_months(self) -> tuple[int, ...]:
        return QUARTER_ENDS.get(self.cleaned_data.get("quarter_ends") or "", ())


class PlanHeaderForm(HeaderFields):
    version = version_field()


class RagKeyForm(forms.Form):
    ratings = ratings_field()
    version = version_field()

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        add_rag_fields(self, {line.code: (line.label, line.definition) for line in plan.rag_key.all()})

    def rag_rows(self):
        return rag_rows(self)

    def lines(self):
        return rag_lines(self)


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, officer):
        return f"{officer}, {officer.organisation}"


class AreaForm(forms.Form):
    ref = forms.CharField(
        label="Number or reference",
        max_length=20,
        help_text="As the plan numbers it, for example 1, 2.1 or W1.",
        error_messages={"required": "Enter the area's number or reference, for example 1 or 2.1."},
    )
    title = forms.CharField(
        label="Title",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the area's title, as the plan words it."},
    )
    kind = forms.ChoiceField(
        label="What does the plan call it?",
        choices=AreaKind.choices,
        widget=forms.RadioSelect,
        initial=AreaKind.WEAKNESS,
        error_messages={"required": "Choose what the plan calls this area."},
    )
    owners = OfficerChoiceField(
        label="Owners (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    general_outcomes = forms.CharField(
        label="General outcomes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    milestone = forms.CharField(label="Milestone (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    version = version_field()

    kind_hints = {
        AreaKind.WEAKNESS: "Written Statements of Action (2016 to 2022 framework)",
        AreaKind.PRIORITY: "The 2023 framework's first tier, shown first",
        AreaKind.IMPROVEMENT: "The 2023 framework's second tier",
        AreaKind.CROSS_CUTTING: "For example safeguarding: shown without a number",
        AreaKind.WORKSTREAM: "A workstream that may answer several findings",
    }

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the plan's own organisations' posts: the server refuses anyone else (plan_post_choices).
        self.fields["owners"].queryset = plan_post_choices(plan)


class StatementForm(forms.Form):
    """A finding or an outcome: a reference and its text."""

    ref = forms.CharField(label="Reference (optional)", max_length=20, required=False)
    text = forms.CharField(
        label="Text",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the text, as the plan words it."},
    )
    version = version_field()


class PeriodForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="As people say it, for example Autumn term 2025 or Quarter ending June 2026.",
        error_messages={"required": "Enter the period's name, as people say it, for example Autumn term 2025."},
    )
    start = GovukDateField(label="Starts", error_messages={"required": "Enter the date the period starts."})
    end = GovukDateField(label="Ends", error_messages={"required": "Enter the date the period ends."})
    update_deadline = GovukDateField(
        label="Updates due by (optional)",
        required=False,
        help_text="You can also set this when you open the round.",
    )
    version = version_field()


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])
    version = forms.IntegerField(min_value=0, max_value=MAX_VERSION)
