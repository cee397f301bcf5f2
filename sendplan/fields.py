"""Form fields for GOV.UK patterns that Django does not have."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input), rendered by templates/components/field.html."""

    parts = (("Day", "govuk-input--width-2"), ("Month", "govuk-input--width-2"), ("Year", "govuk-input--width-4"))

    def __init__(self):
        super().__init__([forms.TextInput(attrs={"inputmode": "numeric"}) for _ in self.parts])

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    widget = GovukDateWidget

    def __init__(self, **kwargs):
        # The parts are optional one by one so that compress() can say which part is missing.
        fields = (forms.CharField(required=False), forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        parts = [(part or "").strip() for part in (data_list or [])]
        if not any(parts):
            return None
        label = self.label or "Date"
        missing = [name.lower() for (name, _), part in zip(GovukDateWidget.parts, parts, strict=True) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date, for example 27 3 2026") from None
