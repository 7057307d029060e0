from django import forms

from hrddp.forms import DateField
from interventions import letters
from interventions.models import LetterKind

LANGUAGE_CHOICES = [("en", "English"), ("fr", "Français")]


class SignatoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class LetterForm(forms.Form):
    """A draft letter: what the project manager writes; the standard paragraphs come with the kind."""

    kind = forms.ChoiceField(label="Kind of letter", choices=LetterKind.choices)
    language = forms.ChoiceField(
        label="Language", choices=LANGUAGE_CHOICES,
        help_text="The standard paragraphs are printed in this language; write the office's paragraphs in it too.",
    )
    addressee = forms.CharField(
        label="Addressed to", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The recipient authority: name, title and authority, one per line.",
        error_messages={"required": "Name the recipient authority the letter is addressed to."},
    )
    signatory = SignatoryChoiceField(
        label="Signed by", queryset=None, empty_label=None,
        help_text="The Chief of Mission who signs the letter; only they can issue it.",
        error_messages={
            "required": "Choose the Chief of Mission who signs the letter.",
            "invalid_choice": "The letter is signed by a Chief of Mission of the office.",
        },
    )
    subject = forms.CharField(
        label="Subject", max_length=300, required=False,
        help_text="Leave it empty for the standard subject of the kind of letter.",
    )
    body = forms.CharField(
        label="The office's paragraphs", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Printed after the standard paragraphs. Leave a blank line between paragraphs.",
    )

    def __init__(self, *args, engagement, kind_fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = letters.chiefs_of_mission(engagement).order_by("last_name", "first_name")
        if kind_fixed:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = "A correction is a letter of the same kind as the letter it corrects."

    def clean(self):
        data = super().clean()
        kind, language, subject = data.get("kind"), data.get("language"), (data.get("subject") or "").strip()
        if kind and language:
            # A standard subject left as prefilled follows the language chosen.
            standard = {letters.standard_subject(kind, other) for other in letters.LANGUAGES}
            if not subject or subject in standard:
                data["subject"] = letters.standard_subject(kind, language)
        return data


class DispatchForm(forms.Form):
    dispatched_on = DateField(
        label="Sent on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the letter left the office.",
        error_messages={"required": "Give the date the letter was sent.", "invalid": "Give the date as a real date."},
    )
    channel = forms.CharField(
        label="How it was sent", max_length=100,
        help_text="e.g. hand delivery to the Ministry's registry, registered post, e-mail to the focal point.",
        error_messages={"required": "Say how the letter was sent."},
    )
