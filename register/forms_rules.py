"""The Chief of Mission's record of why support may go on (P¶16)."""

from django import forms

from register.rules import CommanderFlag


class SupportContinuationForm(forms.Form):
    person = forms.TypedChoiceField(
        coerce=int, label="Commander", empty_value=None, error_messages={"required": "Choose the commander."},
    )
    measure = forms.TypedChoiceField(
        coerce=int, label="The plan's measure excluding this person from the support", empty_value=None,
        error_messages={"required": "Choose the plan's measure that excludes this person from the support."},
    )
    reason = forms.CharField(
        label="Why support may go on", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text="e.g. the officer was removed from command, or how the measure keeps this person away from the "
        "support. Recorded in the engagement's history.",
    )

    def __init__(self, *args, flags: list[CommanderFlag], measures, measure_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Before the plan is drawn up no measure exists yet: the reasons alone are recorded.
        self.fields["measure"].required = measure_required
        if not measure_required:
            self.fields["measure"].help_text = (
                "The mitigation plan is drawn up after endorsement: approving support will need its measure."
            )
        self.fields["person"].choices = [("", "—")] + [(f.person.pk, f.who) for f in flags]
        self.fields["measure"].choices = [("", "—")] + [
            (m.pk, f"{m.title} (excludes {m.excludes_person})") for m in measures
        ]

    def clean_reason(self):
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError("Say why support may go on.")
        return text
