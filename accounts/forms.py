import re

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from actions.permissions import Role

CODE_MISSING = "Enter the 6-digit code from your authenticator app"
CODE_FORMAT = "The code must be 6 digits"
CODE_WRONG = "The code is not right, or it has run out. Enter the code your app shows now"


def code_throttled(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"You entered too many wrong codes. Wait {seconds} {unit}, then enter the code your app shows now"


class CodeForm(forms.Form):
    """A code from an authenticator app. Spaces and dashes are allowed (some apps show "123 456")."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": CODE_MISSING},
        help_text="The 6-digit code your authenticator app shows for this service. It changes every 30 seconds.",
    )

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(CODE_FORMAT)
        return code

    def refuse(self, wait_seconds: int | None) -> None:
        """Mark the code wrong: throttled (wait_seconds) or simply not the one the app shows."""
        self.add_error("code", code_throttled(wait_seconds) if wait_seconds else CODE_WRONG)


class InviteForm(forms.Form):
    """Who to invite to sign in for a post, and with which role (accounts.invites.officer_invite holds the rules)."""

    email = forms.CharField(
        label="Their email address",
        max_length=254,
        required=False,
        help_text="The invitation, with a link to set a password, goes here. It is also their username.",
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=[(role.value, role.value) for role in Role],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the role the person will have."},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        max_value=2**31 - 1,
        error_messages={
            "required": "This form is incomplete. Open the page again and send the invitation.",
            "invalid": "This form is incomplete. Open the page again and send the invitation.",
            "max_value": "This form is incomplete. Open the page again and send the invitation.",
        },
    )
    role_hints = {
        Role.SEND_LEAD.value: "Updates the actions their post leads (an agency lead: their organisation's).",
        Role.PROGRAMME_MANAGER.value: "Runs the plans: structure, people, rounds and imports.",
        Role.BOARD_CHAIR.value: "Reads everything, challenges ratings, approves termly reports.",
        Role.BOARD_MEMBER.value: "Reads everything and challenges ratings.",
        Role.COMMS_OFFICER.value: "Prepares and publishes termly reports.",
        Role.PCF_REPRESENTATIVE.value: "Reads everything, challenges ratings and records co-production comments.",
        Role.ADVISER.value: "Reads everything and changes nothing.",
    }


class GovukSetPasswordForm(SetPasswordForm):
    """Django's set-password form (the password validators run in its clean), with GOV.UK wording."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields[
            "new_password1"
        ].help_text = "At least 8 characters, not a common password and not like your name or email address."
        self.fields["new_password2"].label = "Type the new password again"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password1"].error_messages["required"] = "Enter a new password."
        self.fields["new_password2"].error_messages["required"] = "Type the new password again."
        self.error_messages = {**self.error_messages, "password_mismatch": "The two passwords do not match."}

    def clean(self):
        # A weak password is said beside the first box, where it was chosen; a mismatch beside the second.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PasswordResetRequestForm(forms.Form):
    """The address to send a reset link to. Only its shape is checked: whether an account has it is never said."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The address you sign in with.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
            "max_length": "Enter an email address of 254 characters or fewer.",
        },
    )
