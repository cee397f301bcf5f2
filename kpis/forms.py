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


class MeasurementForm(forms.Form):
    """A new value, or (with `restating`) a correction of one already recorded."""

    period_date = GovukDateField(label="Period", help_text="The date the value describes, for example 31 3 2026.")
    value = forms.DecimalField(label="Value", required=False, max_digits=12, decimal_places=2)
    value_text = forms.CharField(
        label="Where it stands, in words", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label="Status", choices=Measurement.Status.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, kpi, restating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        if restating:
            del self.fields["period_date"]
        if kpi.is_numeric:
            del self.fields["value_text"]
            unit = kpi.get_unit_display()
            self.fields["value"].help_text = UNIT_HINTS.get(kpi.unit, f"In {unit}.")
        else:
            del self.fields["value"]
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
        return cleaned


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
