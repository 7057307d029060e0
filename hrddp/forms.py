from django import forms


class TransitionForm(forms.Form):
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why you take this step. It is recorded in the engagement's history and cannot be changed.",
        max_length=5000,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise forms.ValidationError("Give a justification: every decision records why it was taken.")
        return text


class EngagementFilterForm(forms.Form):
    q = forms.CharField(label="Search", required=False)
    state = forms.ChoiceField(required=False)
    office = forms.ModelChoiceField(queryset=None, required=False, empty_label="All offices")

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        from hrddp.models import State

        self.fields["state"].choices = [("", "All states"), *State.choices]
        self.fields["office"].queryset = offices
