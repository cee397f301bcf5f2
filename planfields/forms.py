from django import forms

from planfields.models import PlanField


class PlanFieldForm(forms.Form):
    """A field's definition. What it applies to is chosen once, when it is added: its values belong to areas or
    to actions, and cannot move between them."""

    applies_to = forms.ChoiceField(
        label="Is this a field of the plan's areas or of its actions?",
        choices=PlanField.AppliesTo.choices,
        widget=forms.RadioSelect,
    )
    label = forms.CharField(
        label="Label",
        max_length=120,
        help_text="As the plan heads it, for example Directorate, Section or Success criteria.",
        error_messages={"required": "Enter the field's label, as the plan heads it (for example Directorate)."},
    )
    help_text = forms.CharField(
        label="Help text (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown under the field on the form people fill in.",
    )
    kind = forms.ChoiceField(
        label="Kind of text",
        choices=PlanField.Kind.choices,
        widget=forms.RadioSelect,
        help_text="Plain text is one line, and the action list can filter on it. Long text keeps its line breaks.",
        error_messages={"required": "Choose plain text or long text."},
    )
    # Yes / No radios rather than one checkbox: an answer either way is asked for, and GOV.UK radios render here.
    public = forms.TypedChoiceField(
        label="Show this field in public reports?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        help_text="The termly report, its PDF, the Local Offer pages and open data show only fields marked Yes.",
        error_messages={"required": "Choose whether the field is shown in public reports."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not adding:
            del self.fields["applies_to"]
        else:
            self.fields["applies_to"].error_messages["required"] = "Choose whether this is a field of areas or actions."


class OwnValuesForm(forms.Form):
    """What one area or action holds under each of its plan's own fields: `field_<pk>` with `version_<pk>`, the
    value's version as loaded (0: it had none), so a stale edit is refused field by field."""

    def __init__(self, *args, own_values, **kwargs):
        super().__init__(*args, **kwargs)
        self.own_values = own_values
        for own in own_values:
            field = own.field
            widget = forms.Textarea(attrs={"rows": 5}) if field.is_long else forms.TextInput()
            self.fields[f"field_{field.pk}"] = forms.CharField(
                label=field.label,
                required=False,
                help_text=field.help_text,
                widget=widget,
                strip=False,
                initial=own.text,
            )
            self.fields[f"version_{field.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=own.version, required=False
            )

    def texts(self) -> dict[int, str]:
        return {own.field.pk: self.cleaned_data.get(f"field_{own.field.pk}") or "" for own in self.own_values}

    def versions(self) -> dict[int, int]:
        return {own.field.pk: self.cleaned_data.get(f"version_{own.field.pk}") or 0 for own in self.own_values}

    def value_fields(self):
        return [self[f"field_{own.field.pk}"] for own in self.own_values]

    def version_fields(self):
        return [self[f"version_{own.field.pk}"] for own in self.own_values]
