from django import forms

from workbooks.services import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    workbook = forms.FileField(
        label="Plan workbook (.xlsx)",
        help_text="Sheets Plan and Actions are required; see the guide for the other sheets and their columns.",
        error_messages={"required": "Choose the workbook to import."},
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("The file must be an Excel workbook ending .xlsx.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The workbook must be smaller than 10 MB.")
        return upload
