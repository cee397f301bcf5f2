from django import forms

from actions.models import Officer
from risks.models import Band, Risk


class RegisterFilterForm(forms.Form):
    area = forms.ModelChoiceField(queryset=None, required=False, empty_label="All areas", label="Area of weakness")
    band = forms.ChoiceField(choices=[("", "Any band"), *Band.choices], required=False, label="Band")
    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Any owner", label="Owner")
    status = forms.ChoiceField(choices=[("", "Open and closed"), *Risk.Status.choices], required=False, label="Status")
    overdue = forms.ChoiceField(choices=[("", "Any"), ("yes", "Overdue")], required=False, label="Review")
    sort = forms.ChoiceField(
        choices=[
            ("score", "Highest score first"),
            ("ref", "Reference"),
            ("next_review", "Next review"),
            ("owner", "Owner"),
        ],
        required=False,
        label="Sort by",
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan.areas.all()
        self.fields["area"].label_from_instance = lambda area: f"{area.ref}. {area.title[:70]}"
        self.fields["owner"].queryset = Officer.objects.filter(owned_risks__plan=plan).distinct()

    def selector_kwargs(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "area": data.get("area"),
            "band": data.get("band", ""),
            "owner": data.get("owner"),
            "status": data.get("status", ""),
            "overdue": data.get("overdue") == "yes",
            "sort": data.get("sort") or "score",
        }
