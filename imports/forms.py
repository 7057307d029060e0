"""The upload form of an import."""

from django import forms

from common.tabular.file_limits import Limits, megabytes, too_large
from imports.services import KIND_LABELS


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds", choices=list(KIND_LABELS.items()), widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds.", "invalid_choice": "Choose what the file holds."},
    )
    file = forms.FileField(
        label="File",
        # An empty file reaches the dry run, which says so and records the attempt.
        allow_empty_file=True,
        error_messages={"required": "Choose the file to import."},
    )

    def __init__(self, *args, refused_upload: tuple[str, int] | None = None, **kwargs):
        """`refused_upload`: the name and size of a file the upload's size cap stopped while it arrived
        (common.tabular.uploads.UploadSizeCap); the form then has no file, and says why."""
        super().__init__(*args, **kwargs)
        self.limits = Limits.from_settings()
        self.refused_upload = refused_upload
        # (name, size) of a file refused for its size, for the view to record the attempt.
        self.too_large: tuple[str, int] | None = None
        self.fields["file"].help_text = (
            f"CSV or XLSX, at most {megabytes(self.limits.upload_bytes)} and {self.limits.rows:,} rows; "
            "the first row names the columns, as in the template."
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size is not None and upload.size > self.limits.upload_bytes:
            self.too_large = ((upload.name or "").rsplit("/", 1)[-1], upload.size)
            raise forms.ValidationError(too_large(upload.size, self.limits.upload_bytes))
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.refused_upload:
            # The file never reached the form: say why, rather than "choose the file".
            self._errors.pop("file", None)
            self.too_large = self.refused_upload
            self.add_error("file", too_large(self.refused_upload[1], self.limits.upload_bytes))
        return cleaned
