from django import forms

from actions.models import ReportingPeriod

SUMMARY_HINT = "Plain English for families: what changed this term, what has not gone well, what happens next."


class ReportCreateForm(forms.Form):
    period = forms.ModelChoiceField(
        label="Reporting period",
        queryset=ReportingPeriod.objects.none(),
        empty_label="Choose a period",
        error_messages={"required": "Choose the reporting period the report covers."},
    )
    summary = forms.CharField(
        label="Summary from the board", widget=forms.Textarea, required=False, help_text=SUMMARY_HINT
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = plan.periods.exclude(status=ReportingPeriod.Status.PLANNED).order_by("-start")


class ReportEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label="Summary from the board", widget=forms.Textarea, required=False, help_text=SUMMARY_HINT
    )
    correction_note = forms.CharField(
        label="What this version corrects", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, is_correction: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_correction:
            del self.fields["correction_note"]


class ReportStepForm(forms.Form):
    """Submit, approve or publish: the version the user saw, so a step on a report that moved on is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportReturnForm(ReportStepForm):
    note = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        error_messages={"required": "Say what needs to change."},
    )


class ReportCorrectForm(forms.Form):
    note = forms.CharField(
        label="What does this correction put right?",
        help_text='Readers see this first, e.g. "Action 2.3 was shown as Green; it was rated Amber."',
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
