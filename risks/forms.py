from django import forms

from actions.models import Action, AreaOfWeakness, Officer
from risks.models import SCALE, Band, Risk
from risks.services import review_errors
from sendplan.fields import GovukDateField

SCORE_CHOICES = [("", "Not scored"), *[(n, str(n)) for n in SCALE]]


class ScoreField(forms.TypedChoiceField):
    def __init__(self, label: str, **kwargs):
        super().__init__(
            label=label,
            choices=SCORE_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
            error_messages={"invalid_choice": f"{label} is scored from 1 to 5."},
            **kwargs,
        )


class RiskForm(forms.ModelForm):
    """Record or edit a risk. Constraints (scores 1-5 in pairs, a reason to close) come back as field errors."""

    inherent_likelihood = ScoreField("Inherent likelihood")
    inherent_impact = ScoreField("Inherent impact")
    current_likelihood = ScoreField("Current likelihood")
    current_impact = ScoreField("Current impact")
    target_likelihood = ScoreField("Target likelihood")
    target_impact = ScoreField("Target impact")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Risk
        fields = [
            "ref",
            "area",
            "risk",
            "cause",
            "consequence",
            "owner",
            "severity",
            "inherent_likelihood",
            "inherent_impact",
            "current_likelihood",
            "current_impact",
            "target_likelihood",
            "target_impact",
            "mitigation",
            "progress",
            "actions",
            "review_every_days",
            "status",
            "closed_reason",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("risk", "cause", "consequence", "mitigation", "progress", "closed_reason")
        }
        labels = {"risk": "Risk", "review_every_days": "Review every (days)"}
        error_messages = {"owner": {"required": "Choose the officer who owns this risk."}}

    def __init__(self, *args, plan, can_change_owner: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["area"].queryset = AreaOfWeakness.objects.filter(plan=plan)
        self.fields["area"].empty_label = "Whole plan"
        self.fields["owner"].queryset = Officer.objects.select_related("organisation")
        self.fields["owner"].empty_label = "Choose an owner"
        self.fields["severity"].choices = [("", "Not banded (scored)"), *Band.choices]
        self.fields["actions"].queryset = Action.objects.filter(area__plan=plan).order_by("area__order", "order")
        self.fields["actions"].required = False
        self.fields["actions"].widget = forms.CheckboxSelectMultiple()
        self.fields["actions"].label_from_instance = lambda a: f"{a.ref} {a.text[:70]}"
        self.fields["risk"].help_text = "Write it as “If … then …”."
        self.fields["closed_reason"].help_text = "Required when the risk is closed."
        if not can_change_owner:
            self.fields["owner"].disabled = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ReviewForm(forms.Form):
    reviewed_on = GovukDateField(label="Date of the review", help_text="For example, 27 3 2026.")
    likelihood = ScoreField("Likelihood now", help_text="1 very unlikely … 5 almost certain.")
    impact = ScoreField("Impact now", help_text="1 negligible … 5 severe.")
    note = forms.CharField(label="What the review found", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, risk: Risk, **kwargs):
        super().__init__(*args, **kwargs)
        self.risk = risk
        if risk.current_likelihood is None:
            # A band-only risk (as the plan wrote it) is reviewed with a note; scoring it is optional.
            self.fields["likelihood"].help_text = "Optional: this risk has only a severity band so far."

    def clean(self):
        cleaned = super().clean()
        if "reviewed_on" in cleaned and cleaned["reviewed_on"] is None:
            self.add_error("reviewed_on", "Enter the date of the review.")
        errors = review_errors(
            risk=self.risk,
            likelihood=cleaned.get("likelihood"),
            impact=cleaned.get("impact"),
            note=cleaned.get("note", ""),
        )
        for name, message in errors.items():
            if not self.has_error(name):
                self.add_error(name, message)
        return cleaned
