from django import forms

from accounts.oidc.selectors import link_choices

INCOMPLETE = "This form is incomplete. Open the page again and decide again."


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name() or user.get_username()
        officer = getattr(user, "officer", None)
        post = f", {officer.post_title}" if officer is not None else ""
        return f"{name}{post} ({user.email or user.get_username()})"


class IdentityDecisionForm(forms.Form):
    """A programme manager's decision on an organisation sign-in that waits: link it to an account, or refuse it
    (accounts.oidc.services holds the rules)."""

    decision = forms.ChoiceField(
        label="What should happen to this sign-in?",
        choices=[("link", "Link it to an existing account"), ("refuse", "Refuse it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to link this sign-in to an account or refuse it."},
    )
    user = AccountChoiceField(
        label="Account to link it to",
        queryset=None,
        required=False,
        empty_label="Choose an account",
        help_text="Only if you link it. They will sign in as this account, with its role and post.",
        error_messages={"invalid_choice": "Choose an account from the list."},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        max_value=2**31 - 1,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE, "max_value": INCOMPLETE},
    )
    decision_hints = {
        "link": "Only if you know this is the person with that account: they will see and change what it can.",
        "refuse": "They are told a programme manager refused it, each time they try.",
    }

    def __init__(self, *args, identity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = link_choices(identity)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "link" and not data.get("user") and "user" not in self.errors:
            self.add_error("user", "Choose the account to link this sign-in to.")
        return data
