from django import forms
from django.utils import timezone

from actions.models import Organisation, Rag
from governance.models import Challenge
from sendplan.fields import GovukDateField


class RoundOpenForm(forms.Form):
    deadline = GovukDateField(
        label="Updates due by", required=False, help_text="Leads are reminded until then; after it, area owners."
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RoundCloseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ChallengeForm(forms.Form):
    text = forms.CharField(
        label="Why does the rating not look right?",
        help_text="Say what evidence is missing, or what points the other way. The lead must answer.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )


class ChallengeResponseForm(forms.Form):
    resolution = forms.ChoiceField(
        label="Your answer", choices=Challenge.Resolution.choices, widget=forms.RadioSelect, required=False
    )
    new_rag = forms.ChoiceField(label="New rating", widget=forms.RadioSelect, required=False)
    recovery_note = forms.CharField(
        label="Recovery note (if the new rating is Red)",
        help_text="What will bring this action back on track, and by when.",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    response = forms.CharField(label="Response", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    resolution_hints = {
        Challenge.Resolution.ACCEPTED: "The new rating is recorded in the open reporting round.",
        Challenge.Resolution.EXPLAINED: "The rating stands; your explanation goes to the board.",
    }

    def __init__(self, *args, rag_key, **kwargs):
        super().__init__(*args, **kwargs)
        # The plan's own key, with its definitions as hints, as on the update form.
        self.fields["new_rag"].choices = [(line.code, line.label) for line in rag_key] or Rag.choices
        self.new_rag_hints = {line.code: line.definition for line in rag_key}


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Comment",
        help_text="What families and the forum said about this action: what works, what does not, what is missing.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    progress_update = forms.TypedChoiceField(label="About the update for", required=False, coerce=int, empty_value=None)
    # Not ticked unless the representative ticks it: a comment said in confidence must never reach the public
    # report because nobody remembered to untick a box.
    publishable = forms.BooleanField(
        label='Publish this comment in the termly report\'s "You said, we did"',
        help_text=(
            "If you tick this, the comment and the lead's answer appear in the published termly report: on the "
            "public Local Offer web pages and in the report's PDF, which anyone can read. If you leave it unticked, "
            "only people signed in to this service see the comment."
        ),
        required=False,
        initial=False,
    )

    def __init__(self, *args, updates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress_update"].choices = [("", "The action as a whole")] + [
            (u.pk, f"{u.period.name} ({u.get_rag_display()})") for u in updates
        ]


class DashboardFilterForm(forms.Form):
    """Plan is in the URL; these narrow it, and `as_at` turns the clock back."""

    area = forms.ModelChoiceField(queryset=None, required=False, empty_label="All areas")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, empty_label="All organisations"
    )
    as_at = GovukDateField(
        label="As at", required=False, help_text="Show the dashboard as the data stood at the end of this day."
    )

    def __init__(self, *args, plan, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = plan.areas.all()
        self.fields["area"].label_from_instance = lambda area: f"{area.ref}. {area.title[:70]}"
        self.fields["organisation"].queryset = organisations

    def clean_as_at(self):
        # A date to come has no position yet: showing today's figures labelled "Past position" would mislead.
        as_at = self.cleaned_data["as_at"]
        if as_at and as_at > timezone.localdate():
            raise forms.ValidationError("As at must be today or in the past")
        return as_at


class CommentResponseForm(forms.Form):
    response = forms.CharField(
        label="What we did",
        help_text="What changed because of this comment, in words families will read in the termly report.",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
