"""The period, and optionally the office or country, of a portfolio report (P¶24)."""

from datetime import date

from django import forms

from hrddp import access
from hrddp.forms import DateField

_DATE_ERRORS = {"invalid": "Give a date as year-month-day, e.g. 2026-01-01."}


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodReportForm(forms.Form):
    start = DateField(
        label="From", widget=_date_input(), help_text="The first day of the period.",
        error_messages={**_DATE_ERRORS, "required": "Give the first day of the period."},
    )
    end = DateField(
        label="To", widget=_date_input(), help_text="The last day of the period, included.",
        error_messages={**_DATE_ERRORS, "required": "Give the last day of the period."},
    )
    office = forms.ModelChoiceField(
        queryset=None, required=False, label="Office",
        error_messages={"invalid_choice": "Choose one of the offices listed: a report covers only offices you see."},
    )
    country = forms.ChoiceField(
        required=False, label="Or a country",
        error_messages={"invalid_choice": "Choose one of the countries listed: a report covers only offices you see."},
    )

    def __init__(self, *args, offices, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = "All offices you see"
        self.fields["country"].choices = [("", "Every country"), *((c, c) for c in access.countries_of(offices))]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and start > self.today:
            self.add_error("start", f"The period has not begun: give a first day on or before {self.today:%d %B %Y}.")
        if start and end and end < start:
            self.add_error("end", "The period ends before it starts: give a last day on or after the first.")
        if data.get("office") and data.get("country"):
            self.add_error("country", "Choose an office or a country, not both.")
        return data
