from django import forms

from actions.models import Plan
from search.selectors import KIND_LABELS


class SearchForm(forms.Form):
    """The search box and its filters. Everything is optional: an unknown plan or kind is an error on the form,
    never a failed page."""

    q = forms.CharField(
        label="Search for",
        required=False,
        # Longer input is cut by the selector, not refused: a pasted paragraph still searches.
        help_text="An action's or risk's reference (1.2, R3) or words from it.",
    )
    plan = forms.ModelChoiceField(
        label="Plan",
        queryset=Plan.objects.order_by("local_area", "title"),
        required=False,
        empty_label="All plans",
        error_messages={"invalid_choice": "Select a plan from the list."},
    )
    kind = forms.ChoiceField(
        label="Kind of thing",
        required=False,
        error_messages={"invalid_choice": "Select a kind of thing from the list."},
    )

    def __init__(self, *args, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Everything"), *((kind, KIND_LABELS[kind]) for kind in kinds)]
        # A NUL character is dropped by the selector (clean_query) rather than refused: a paste can carry one.
        self.fields["q"].validators = []
        self.fields["plan"].label_from_instance = lambda plan: f"{plan.local_area}: {plan.title}"
