"""Forms for a plan's people: organisations and posts (actions/people_services.py holds the rules)."""

from django import forms
from django.core.validators import MaxValueValidator

from actions.models import Officer, Organisation, Plan
from actions.people_selectors import plan_organisations

YES_NO = [("yes", "Yes"), ("no", "No")]


def yes_no(value: bool) -> str:
    """A flag as the Yes / No radios take it initially."""
    return "yes" if value else "no"


def require_version(form: forms.Form) -> None:
    """An edit must say which version it was loaded at (a hand-made POST without one is refused, not guessed)."""
    field = form.fields["version"]
    field.required = True
    field.validators.append(MaxValueValidator(2**31 - 1))  # beyond the column: a garbled POST, not a version
    field.error_messages.update(
        required="This form is incomplete. Open the page again and make your change.",
        invalid="This form is incomplete. Open the page again and make your change.",
        max_value="This form is incomplete. Open the page again and make your change.",
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the organisation's full name."},
        help_text="As it is written in the plan, for example Riverside Integrated Care Board.",
    )
    short_name = forms.CharField(
        label="Short name (optional)",
        max_length=40,
        required=False,
        help_text="Shown where space is short, for example Riverside ICB.",
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of organisation it is."},
    )
    # Present when editing only: a new organisation has no version to be stale against.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not adding:
            require_version(self)


class OfficerForm(forms.Form):
    """A post in one of the plan's organisations. `adding=False` leaves out the person's name: a new person is a
    handover, a misspelling a correction (decision 0023)."""

    post_title = forms.CharField(
        label="Post title",
        max_length=200,
        error_messages={"required": "Enter the post's title, for example Head of SEND."},
        help_text="The job, which stays when the person moves on, for example Head of SEND.",
    )
    person_name = forms.CharField(
        label="Name of the person in the post (optional)",
        max_length=200,
        required=False,
        help_text="Leave empty for a team or a board.",
    )
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label="Select an organisation",
        error_messages={
            "required": "Select the organisation the post belongs to.",
            "invalid_choice": "Select one of the organisations working on this plan.",
        },
    )
    email = forms.CharField(
        label="Email address (optional)",
        max_length=254,
        required=False,
        help_text="Reminders, digests and the invitation to sign in go here.",
    )
    name_publishable = forms.TypedChoiceField(
        label="Show the person's name in published reports?",
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        help_text="Choose No to show only the post title in termly reports and on the Local Offer pages.",
        error_messages={"required": "Choose whether the person's name is shown in published reports."},
    )
    is_agency_lead = forms.TypedChoiceField(
        label="Is the post its organisation's agency lead?",
        choices=YES_NO,
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        help_text="An agency lead may update every action led by someone from the same organisation.",
        error_messages={"required": "Choose whether the post is its organisation's agency lead."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan: Plan, adding: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the plan's organisations: another local area's never appear, and a hand-made POST naming one fails.
        self.fields["organisation"].queryset = plan_organisations(plan)
        self.fields["organisation"].label_from_instance = lambda organisation: organisation.name
        if not adding:
            del self.fields["person_name"]
            require_version(self)

    @staticmethod
    def initial_for(officer: Officer) -> dict:
        return {
            "post_title": officer.post_title,
            "organisation": officer.organisation_id,
            "email": officer.email,
            "name_publishable": yes_no(officer.name_publishable),
            "is_agency_lead": yes_no(officer.is_agency_lead),
            "version": officer.version,
        }
