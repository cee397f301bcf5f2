from django import forms
from django.contrib.auth.models import User

from actions.permissions import Role
from api.selectors_tokens import token_user_choices

ROLE_NAMES = {role.value for role in Role}


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        roles = ", ".join(sorted(group.name for group in user.groups.all() if group.name in ROLE_NAMES))
        return f"{name} ({user.get_username()}): {roles}"


class ApiTokenForm(forms.Form):
    """A new token: whose it is (a service account with a role) and what it is for. The rules are the service's."""

    user = AccountChoiceField(
        label="Account the token reads as",
        queryset=User.objects.none(),
        empty_label="Choose an account",
        help_text="Use a service account made for the tool, with the Adviser role: the token reads what it may read.",
        error_messages={"required": "Choose the account the token reads as.", "invalid_choice": "Choose an account."},
    )
    name = forms.CharField(
        label="What is the token for?",
        max_length=100,
        help_text="For example, Power BI board pack. Shown in the list of tokens and in the logs.",
        error_messages={
            "required": "Enter what the token is for, for example Power BI board pack.",
            "max_length": "The name must be 100 characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = token_user_choices()
