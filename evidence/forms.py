from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from evidence.files import ACCEPT, ALLOWED_WORDS, check_evidence_file, max_bytes
from evidence.services import MAX_FILES_AT_ONCE


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>: cleans to a list (empty when none was chosen)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        # An empty file is refused by evidence.files' checks, in words that name it.
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        uploads = [upload for upload in (data or []) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in uploads]


class EvidenceUploadForm(forms.Form):
    """Evidence files for a progress update, beside the update's own form (or on the Add evidence page). Each file
    is checked here for the error beside the field; the service checks again whoever calls it."""

    # Browsers never re-fill a file input, so a page shown again with errors says to choose the files again.
    CHOOSE_AGAIN = "Files are not kept when the page shows a problem: choose them again."

    files = MultipleFileField(label="Evidence files", required=False)

    def __init__(self, *args, required: bool = False, **kwargs):
        kwargs.setdefault("prefix", "evidence")
        super().__init__(*args, **kwargs)
        field = self.fields["files"]
        field.required = required
        field.error_messages["required"] = "Choose a file to attach."
        field.help_text = (
            f"{ALLOWED_WORDS}, up to {filesizeformat(max_bytes())} each, up to {MAX_FILES_AT_ONCE} at a time. "
            "Everyone who reads the plan can open them once the update is submitted; the public sees one only if a "
            "programme manager marks it publishable."
        )
        field.widget.attrs.update(accept=ACCEPT)

    def clean_files(self):
        uploads = self.cleaned_data["files"]
        if len(uploads) > MAX_FILES_AT_ONCE:
            raise ValidationError(f"Attach up to {MAX_FILES_AT_ONCE} files at a time.")
        problems = []
        for upload in uploads:
            try:
                check_evidence_file(upload)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return uploads

    @property
    def chosen_files(self) -> bool:
        """Whether files were sent with this submission (so they must be chosen again if the page is shown again)."""
        return self.is_bound and any(self.files.getlist(self.add_prefix("files")))


class EvidenceVersionForm(forms.Form):
    """Removing a file: the version the person saw, so a file changed since (marked publishable, say) is not
    removed unseen."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidencePublishableForm(forms.Form):
    publishable = forms.TypedChoiceField(
        label="May this file be published?",
        choices=[("yes", "Yes, it may be published with the plan's reports"), ("no", "No, it stays internal")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether this file may be published."},
        help_text=(
            "Yes lists it, for anyone to download, beside the next termly report published with this update; "
            "No takes it down from reports already published."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
