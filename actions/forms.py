from django import forms

from actions.models import Action, Rag, ReportingPeriod
from actions.services import previous_rating, progress_update_errors
from sendplan.fields import GovukDateField


class ProgressUpdateForm(forms.Form):
    """A lead's update for the open reporting period. The rules themselves live in services."""

    rag = forms.ChoiceField(label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect)
    progress = forms.CharField(
        label="Progress",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done this period. Required when the rating changes.",
    )
    impact = forms.CharField(
        label="Impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What is different for children, young people and families. Required for Blue and Green.",
    )
    recovery_note = forms.CharField(
        label="Recovery note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for Red: what will bring this action back on track, and by when.",
    )
    completion_date = GovukDateField(
        label="Completion date",
        required=False,
        help_text="Required for Blue: the day it was finished. For example, 27 3 2026.",
    )
    evidence = forms.CharField(
        label="Evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One link or document name per line.",
    )
    coproduction_level = forms.ChoiceField(
        label="Co-production level",
        choices=[("", "Not recorded"), *Action.Coproduction.choices],
        required=False,
    )
    coproduction_evidence = forms.CharField(
        label="Co-production evidence",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who was involved and how, for example the parent carer forum's part in designing it.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, action: Action, period: ReportingPeriod, **kwargs):
        self.action = action
        self.period = period
        super().__init__(*args, **kwargs)
        # Offer only the ratings this plan's key defines (some plans have no blue or white), with its wording.
        key = list(action.area.plan.rag_key.all())
        if key:
            self.fields["rag"].choices = [(line.code, line.label) for line in key]
            self.rag_hints = {line.code: line.definition for line in key}
        else:
            self.rag_hints = {}

    def clean(self):
        cleaned = super().clean()
        if "rag" not in cleaned:
            return cleaned
        errors = progress_update_errors(
            action=self.action,
            period=self.period,
            rag=cleaned["rag"],
            progress=cleaned.get("progress", ""),
            impact=cleaned.get("impact", ""),
            recovery_note=cleaned.get("recovery_note", ""),
            completion_date=cleaned.get("completion_date"),
            evidence=cleaned.get("evidence", ""),
            previous_rag=previous_rating(action=self.action, period=self.period),
        )
        for name, message in errors.items():
            if name in self.fields and self.has_error(name):
                continue  # the field's own error (e.g. an impossible date) says it better
            self.add_error(name if name in self.fields else None, message)
        return cleaned
