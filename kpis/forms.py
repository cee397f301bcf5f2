from django import forms

from actions.models import Rag
from kpis.models import Measurement, Milestone
from kpis.rules import unit_value_error
from kpis.services import milestone_assessment_errors
from sendplan.fields import GovukDateField

UNIT_HINTS = {
    "percent": "A percentage from 0 to 100, for example 54.5.",
    "count": "A whole number, 0 or more, for example 12.",
    "days": "A number of days, 0 or more.",
    "rate": "A rate, 0 or more.",
}


COMPARATOR_FIELDS = [name for name, _label in Measurement.COMPARATORS]


class MeasurementForm(forms.Form):
    """A new value, or (with `restating`) a correction of one already recorded."""

    period_label = forms.CharField(
        label="Period, as published (optional)",
        required=False,
        max_length=60,
        help_text='For example "2024", "Q4 2024" or "12 months ending April 2025". Leave blank for a monthly value.',
    )
    period_date = GovukDateField(
        label="Period end date",
        help_text="The date the value describes: the last day of the period, for example 31 3 2026. A value for a "
        "period that already has one restates it; both are kept.",
    )
    value = forms.DecimalField(label="Value", required=False, max_digits=12, decimal_places=2)
    value_text = forms.CharField(
        label="Where it stands, in words", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label="Status", choices=Measurement.Status.choices, widget=forms.RadioSelect)
    england_value = forms.DecimalField(label="England (optional)", required=False, max_digits=12, decimal_places=2)
    neighbours_value = forms.DecimalField(
        label="Statistical neighbours (optional)", required=False, max_digits=12, decimal_places=2
    )
    region_value = forms.DecimalField(label="Region (optional)", required=False, max_digits=12, decimal_places=2)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kpi, restating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        if restating:
            del self.fields["period_date"], self.fields["period_label"]
        if kpi.is_numeric:
            del self.fields["value_text"]
            unit = kpi.get_unit_display()
            self.fields["value"].help_text = UNIT_HINTS.get(kpi.unit, f"In {unit}.")
            for name in COMPARATOR_FIELDS:
                self.fields[name].help_text = "The same measure for the same period, in the same unit."
        else:
            # Comparators are numbers: a descriptive KPI has none.
            del self.fields["value"]
            for name in COMPARATOR_FIELDS:
                del self.fields[name]
        self.status_hints = {
            "provisional": "May still change, e.g. before the data is validated.",
            "projected": "A forecast, not yet happened: shown dashed and never used for the RAG.",
        }

    def clean(self):
        cleaned = super().clean()
        if self.kpi.is_numeric and "value" in cleaned and cleaned["value"] is None:
            self.add_error("value", "Enter the value as a number.")
        elif self.kpi.is_numeric and (message := unit_value_error(self.kpi.unit, cleaned.get("value"))):
            self.add_error("value", message)
        if not self.kpi.is_numeric and not cleaned.get("value_text", "").strip():
            self.add_error("value_text", "Describe where this KPI stands.")
        for name in COMPARATOR_FIELDS:
            if name in self.fields and (message := unit_value_error(self.kpi.unit, cleaned.get(name))):
                self.add_error(name, message)
        return cleaned

    @property
    def comparators(self) -> dict | None:
        """The comparators typed, by field name (None for a descriptive KPI, which has none)."""
        if not self.kpi.is_numeric:
            return None
        return {name: self.cleaned_data.get(name) for name in COMPARATOR_FIELDS}


class MilestoneAssessmentForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG rating", choices=[("", "Not rated"), *Rag.choices], widget=forms.RadioSelect, required=False
    )
    override_reason = forms.CharField(
        label="Reason for a rating other than the suggested one",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    commentary = forms.CharField(
        label="Commentary",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="For the board: why it stands where it does, and what is being done about it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, milestone: Milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        if milestone.suggested_rag:
            suggested = Rag(milestone.suggested_rag).label
            self.fields["rag"].help_text = f"The numbers suggest {suggested}."
            self.fields["override_reason"].help_text = f"Required if you choose anything other than {suggested}."
        else:
            del self.fields["override_reason"]

    def clean(self):
        cleaned = super().clean()
        errors = milestone_assessment_errors(
            milestone=self.milestone,
            rag=cleaned.get("rag", ""),
            override_reason=cleaned.get("override_reason", ""),
        )
        for name, message in errors.items():
            self.add_error(name if name in self.fields else None, message)
        return cleaned


class MilestoneTargetForm(forms.Form):
    """A milestone's target as the plan publishes it: words, a number, a benchmark, or only a direction."""

    target_text = forms.CharField(
        label="Target, in words", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    target_value = forms.DecimalField(label="Target value (optional)", required=False, max_digits=12, decimal_places=2)
    target_benchmark = forms.CharField(
        label="Benchmark (optional)",
        required=False,
        max_length=150,
        help_text='A target set by a comparison, for example "national average 2023/24". Give its figure as the '
        "target value if it is known: the numbers are judged against that.",
    )
    judged_by = forms.ChoiceField(
        label="How the numbers judge it",
        choices=[("value", "Against the target value"), ("direction", "By direction of travel: no number")],
        widget=forms.RadioSelect,
        initial="value",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, milestone: Milestone, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        kpi = milestone.kpi
        if kpi.is_numeric:
            self.fields["target_value"].help_text = UNIT_HINTS.get(kpi.unit, "")
            self.judged_by_hints = {
                "direction": f"The target is only to {kpi.direction_word}: judged by whether the latest value "
                "moved that way since the one before."
            }
        else:
            # A descriptive KPI's target is words (and perhaps a benchmark): there is no number to judge.
            del self.fields["target_value"], self.fields["judged_by"]

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("target_value")
        if message := unit_value_error(self.milestone.kpi.unit, value):
            self.add_error("target_value", message)
        if cleaned.get("judged_by") == "direction" and value is not None:
            self.add_error("target_value", "A target judged by direction of travel has no number: remove it.")
        return cleaned
