"""Forms of Actions 1–3."""

from django import forms

from assessments.models import PreconditionsCheck
from hrddp.forms import DateField

YES_NO = [(True, "Yes"), (False, "No")]
MET = [(True, "Met"), (False, "Not met")]


def _yes_no(value):
    if value in (True, "True", "true", "1"):
        return True
    if value in (False, "False", "false", "0"):
        return False
    return None


class ScreeningForm(forms.Form):
    """The three questions of the toolkit's decision tree (T/Action 1, Figure 1)."""

    QUESTIONS = [
        ("engages_security_force", "Does it engage a non-UN security force as the policy defines it?"),
        ("provides_support", "Does it provide support as the policy defines it?"),
        ("entirely_exempt", "Is all of the support exempt (P¶9)?"),
    ]

    def __init__(self, *args, suggestion: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        self.suggestion = suggestion
        for name, label in self.QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=label, choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect,
                help_text=f"Suggested from the recipient and the activities: {'Yes' if suggestion[name] else 'No'}.",
            )
            self.fields[f"{name}_note"] = forms.CharField(
                label="Why the suggested answer is corrected", required=False, widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["prudential_assessment"] = forms.BooleanField(
            label="Assess anyway (prudential assessment of exempt support)", required=False,
            help_text="The toolkit advises it where reputational risks are high.",
        )
        self.fields["rationale"] = forms.CharField(
            label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Kept with the conclusion, e.g. why HRDDP does not apply.",
        )

    def question_rows(self):
        return [(self[name], self[f"{name}_note"]) for name, _ in self.QUESTIONS]

    def clean(self):
        data = super().clean()
        for name, _ in self.QUESTIONS:
            answer = data.get(name)
            if answer is not None and answer != self.suggestion[name] and not data.get(f"{name}_note", "").strip():
                self.add_error(f"{name}_note", "You changed the suggested answer: say why.")
        return data


class PreconditionsForm(forms.Form):
    """The four preconditions (T/Action 2): each met or not met, with evidence."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, label in PreconditionsCheck.CHECKS:
            self.fields[f"{key}_met"] = forms.TypedChoiceField(
                label=label[0].upper() + label[1:], choices=MET, coerce=_yes_no, widget=forms.RadioSelect,
                required=False, empty_value=None,  # unanswered stays open, it is not "not met"
            )
            self.fields[f"{key}_evidence"] = forms.CharField(
                label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [(self[f"{key}_met"], self[f"{key}_evidence"]) for key, _ in PreconditionsCheck.CHECKS]

    def clean(self):
        data = super().clean()
        for key, _ in PreconditionsCheck.CHECKS:
            if data.get(f"{key}_met") is not None and not data.get(f"{key}_evidence", "").strip():
                self.add_error(f"{key}_evidence", "Give the evidence for this answer.")
        return data

    def results(self) -> dict[str, tuple[bool | None, str]]:
        return {
            key: (self.cleaned_data.get(f"{key}_met"), self.cleaned_data.get(f"{key}_evidence", "").strip())
            for key, _ in PreconditionsCheck.CHECKS
        }


class CoordinationForm(forms.Form):
    """Action 3: the UN HRDDP country mechanism."""

    mechanism_exists = forms.TypedChoiceField(
        label="Does a UN HRDDP country mechanism exist?", choices=YES_NO, coerce=_yes_no, widget=forms.RadioSelect,
    )
    gpraf_reference = forms.CharField(label="GPRAF reference", required=False, max_length=200)
    gpraf_date = DateField(label="GPRAF date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    core_mitigation_measures = forms.CharField(
        label="Core mitigation measures of the GPRAF", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line. They are carried into the mitigation plan.",
    )
    inform_of_decisions = forms.CharField(
        label="Who in the mechanism is informed of the office's decisions", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Continuation, mitigation or cessation of support.",
    )

    def clean(self):
        data = super().clean()
        if data.get("mechanism_exists") and not data.get("inform_of_decisions", "").strip():
            self.add_error("inform_of_decisions", "Name who in the mechanism is informed of decisions.")
        if data.get("gpraf_reference") and not data.get("gpraf_date"):
            self.add_error("gpraf_date", "Give the date of the GPRAF.")
        if data.get("mechanism_exists") is False and data.get("core_mitigation_measures", "").strip():
            self.add_error("core_mitigation_measures", "Core measures come from a country mechanism's GPRAF; there is none.")
        return data
