from django import forms

from statements.models import BODY_MAX_LENGTH

# A version number as a hidden field: bounded, so a forged huge number is a form error, not a database one.
MAX_VERSION = 2**31 - 1


class StatementForm(forms.Form):
    body = forms.CharField(
        label="Text of the page",
        help_text='Leave a blank line between paragraphs. Start a line with "## " for a heading, "### " for a '
        'smaller heading, or "- " for a bullet point. Web and email addresses become links.',
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "true"}),
        error_messages={
            "required": "Enter the text of the page",
            "max_length": f"The text must be {BODY_MAX_LENGTH:,} characters or fewer",
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=MAX_VERSION,
        # Only a hand-made or truncated post lacks it: nothing is saved, and what was typed is shown again.
        error_messages={
            "required": "The page was sent without the version you edited. Submit it again to save your text.",
            "invalid": "The page was sent with a broken version number. Submit it again to save your text.",
            "min_value": "The page was sent with a broken version number. Submit it again to save your text.",
            "max_value": "The page was sent with a broken version number. Submit it again to save your text.",
        },
    )

    def _post_clean(self):
        # The version is hidden: its error goes at the top of the form, not as a link to a field nobody can see.
        if "version" in self._errors:
            self._errors.setdefault("__all__", self.error_class(error_class="nonfield")).extend(
                self._errors.pop("version")
            )
