import re

from django import forms

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
