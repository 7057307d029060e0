"""The upload form of an import."""

from django import forms

from imports.files import MAX_BYTES, MAX_ROWS
from imports.services import KIND_LABELS


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", choices=list(KIND_LABELS.items()), widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds.", "invalid_choice": "Choose what the file holds."},
    )
    file = forms.FileField(
        label="File",
        help_text=(
            f"CSV or XLSX, at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows; "
            "the first row names the columns, as in the template."
        ),
        # An empty file reaches the dry run, which says so and records the attempt.
        allow_empty_file=True,
        error_messages={"required": "Choose the file to import."},
    )
