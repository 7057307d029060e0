"""The project manager's five mitigation-effectiveness figures of a quarter (T/Box 6)."""

from decimal import Decimal

from django import forms

from monitoring.indicators import CHANGE_MAX, CHANGE_MIN, FIGURE_FIELDS, FIGURE_LABELS

_SHARE_ERRORS = {
    "min_value": "A percentage of people is between 0 and 100.",
    "max_value": "A percentage of people is between 0 and 100.",
    "invalid": "Give a number, e.g. 62 or 62.5.",
    "max_decimal_places": "Give at most two decimals.",
}
_COUNT_ERRORS = {
    "min_value": "Give a whole number, 0 or more.",
    "invalid": "Give a whole number, 0 or more.",
}
_CHANGE_ERRORS = {
    # '%%': Django fills these messages in with %-formatting.
    "min_value": "A fall cannot be more than -100%% (all gone).",
    "max_value": f"Give at most {CHANGE_MAX}%%.",
    "invalid": "Give the change in per cent, e.g. 25 or -10.",
    "max_decimal_places": "Give at most two decimals.",
}

_NUMBER_INPUT = {"inputmode": "decimal", "autocomplete": "off"}


class IndicatorForm(forms.Form):
    """Each figure is optional (Box 6: 'depending on type of mitigation developed'), but the entry says
    something: at least one figure, or a note on why none applies."""

    trained_can_describe_pct = forms.DecimalField(
        label=FIGURE_LABELS["trained_can_describe_pct"], required=False, min_value=0, max_value=100,
        max_digits=5, decimal_places=2, error_messages=_SHARE_ERRORS,
        help_text="Per cent, 0 to 100.", widget=forms.TextInput(attrs=_NUMBER_INPUT),
    )
    beneficiaries_know_grievance_pct = forms.DecimalField(
        label=FIGURE_LABELS["beneficiaries_know_grievance_pct"], required=False, min_value=0, max_value=100,
        max_digits=5, decimal_places=2, error_messages=_SHARE_ERRORS,
        help_text="Per cent, 0 to 100.", widget=forms.TextInput(attrs=_NUMBER_INPUT),
    )
    units_adopted_regulations = forms.IntegerField(
        label=FIGURE_LABELS["units_adopted_regulations"], required=False, min_value=0, error_messages=_COUNT_ERRORS,
        help_text="A whole number, 0 or more.", widget=forms.TextInput(attrs={**_NUMBER_INPUT, "inputmode": "numeric"}),
    )
    self_reports_of_misconduct = forms.IntegerField(
        label=FIGURE_LABELS["self_reports_of_misconduct"], required=False, min_value=0, error_messages=_COUNT_ERRORS,
        help_text="A whole number, 0 or more.", widget=forms.TextInput(attrs={**_NUMBER_INPUT, "inputmode": "numeric"}),
    )
    investigations_increase_pct = forms.DecimalField(
        label=FIGURE_LABELS["investigations_increase_pct"], required=False, min_value=CHANGE_MIN,
        max_value=CHANGE_MAX, max_digits=6, decimal_places=2, error_messages=_CHANGE_ERRORS,
        help_text="Per cent change on the quarter before; a fall is negative, e.g. -10.",
        widget=forms.TextInput(attrs=_NUMBER_INPUT),
    )
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How the figures were measured (survey, training test, oversight body's records), or why one does not apply.",
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if all(data.get(key) is None for key in FIGURE_FIELDS) and not (data.get("notes") or "").strip():
            raise forms.ValidationError(
                "Enter at least one figure, or say in the notes why none of them applies to this engagement's mitigation."
            )
        return data

    def figures(self) -> dict:
        return {key: self.cleaned_data.get(key) for key in FIGURE_FIELDS}

    @staticmethod
    def initial_from(measurement) -> dict:
        if measurement is None:
            return {}
        initial = {key: getattr(measurement, key) for key in FIGURE_FIELDS}
        for key, value in initial.items():
            if isinstance(value, Decimal):
                initial[key] = format(value.normalize(), "f")  # 40.00 shows as 40, 62.50 as 62.5
        initial["notes"] = measurement.notes
        return initial
