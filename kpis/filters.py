from django import forms

from actions.models import AreaOfWeakness, Officer, Rag
from kpis.models import Kpi


class ScorecardFilterForm(forms.Form):
    """Filters for the scorecard. RAG is the KPI's current milestone RAG, computed by the selector."""

    area = forms.ModelChoiceField(
        queryset=AreaOfWeakness.objects.none(), required=False, empty_label="All areas", label="Area of weakness"
    )
    category = forms.ChoiceField(
        choices=[("", "All questions"), *Kpi.Category.choices], required=False, label="Question"
    )
    owner = forms.ModelChoiceField(
        queryset=Officer.objects.none(), required=False, empty_label="Any owner", label="Owner"
    )
    rag = forms.ChoiceField(
        choices=[("", "Any rating"), *Rag.choices, ("none", "Not rated")], required=False, label="Current RAG"
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan.areas.all()
        self.fields["area"].label_from_instance = lambda area: f"{area.ref}. {area.title[:70]}"
        self.fields["owner"].queryset = Officer.objects.filter(owned_kpis__plan=plan).distinct()
