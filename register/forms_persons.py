"""The forms of the register's person pages: they parse what was typed; the services check it and write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import SourceReliability
from monitoring.models import InformationCredibility
from register.models import AccountabilityStepKind, AllegationCategory, AllegationStatus

SOURCE_ROWS = 3

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's refusal on the form: each message beside its field when the form has one, the others
    above the form, so that every problem shows at once."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class PersonForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=200, help_text="As it is usually written.")
    rank = forms.CharField(label="Rank", max_length=100, required=False)
    aliases = forms.CharField(
        label="Other names", required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="One name per line, as it appears: another spelling, the name in another script, a nom de "
                  "guerre. A note may follow a vertical bar, e.g. “Идрис Валемо | Cyrillic”.",
    )
    birth_date = forms.DateField(label="Date of birth", required=False, widget=_DATE)
    birth_year = forms.IntegerField(
        label="Year of birth", required=False, help_text="When only the year is known; filled from the date otherwise.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"invalid": "Give the year as four digits, e.g. 1971."},
    )
    service_number = forms.CharField(label="Service number", max_length=100, required=False)
    identifiers = forms.CharField(
        label="Other identifiers", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Photo-free identifiers, e.g. a national identity number or a father's name.",
    )

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        this_year = timezone.localdate().year
        if year is not None and not 1900 <= year <= this_year:
            raise ValidationError(f"Give a year between 1900 and {this_year}.")
        return year

    @staticmethod
    def alias_lines(person) -> str:
        return "\n".join(f"{a.name} | {a.note}" if a.note else a.name for a in person.aliases.all())

    def aliases_list(self) -> list[dict]:
        aliases = []
        for line in (self.cleaned_data.get("aliases") or "").splitlines():
            name, _, note = line.partition("|")
            if name.strip() or note.strip():
                aliases.append({"name": name.strip(), "note": note.strip()})
        return aliases

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"], "rank": data.get("rank") or "", "birth_date": data.get("birth_date"),
            "birth_year": data.get("birth_year"), "service_number": data.get("service_number") or "",
            "identifiers": data.get("identifiers") or "", "aliases": self.aliases_list(),
        }


def _grade_choices(choices) -> list[tuple[str, str]]:
    return [("", "—"), *choices]


class _SourceFields(forms.Form):
    """A source and its grading (T/Action 6): reliability A-F, credibility 1-6, each spelled out."""

    source_max = 500

    def _source_row(self, prefix: str, *, required: bool):
        self.fields[f"{prefix}description"] = forms.CharField(
            label="Source", max_length=self.source_max, required=required,
            help_text="The report or channel, e.g. “OHCHR report, March 2026”. Name no witness here.",
            error_messages={"required": "Say which report or channel the allegation comes from."},
        )
        self.fields[f"{prefix}reliability"] = forms.ChoiceField(
            label="Reliability of the source", choices=_grade_choices(SourceReliability.choices), required=required,
            error_messages={"required": "Grade the reliability of the source (A to F)."},
        )
        self.fields[f"{prefix}credibility"] = forms.ChoiceField(
            label="Credibility of the information", choices=_grade_choices(InformationCredibility.choices),
            required=required, error_messages={"required": "Grade the credibility of the information (1 to 6)."},
        )

    def _source_of(self, prefix: str) -> dict | None:
        data = self.cleaned_data
        description = (data.get(f"{prefix}description") or "").strip()
        reliability, credibility = data.get(f"{prefix}reliability") or "", data.get(f"{prefix}credibility") or ""
        if not (description or reliability or credibility):
            return None
        return {"description": description, "source_reliability": reliability, "information_credibility": credibility}

    def _check_source_row(self, prefix: str) -> None:
        source = self._source_of(prefix)
        if source is None:
            return
        if not source["description"] and f"{prefix}description" not in self.errors:
            self.add_error(f"{prefix}description", "Say which report or channel these grades are for.")
        if not source["source_reliability"] and f"{prefix}reliability" not in self.errors:
            self.add_error(f"{prefix}reliability", "Grade the reliability of the source (A to F).")
        if not source["information_credibility"] and f"{prefix}credibility" not in self.errors:
            self.add_error(f"{prefix}credibility", "Grade the credibility of the information (1 to 6).")


class AllegationForm(_SourceFields):
    category = forms.ChoiceField(label="Category", choices=[("", "—"), *AllegationCategory.choices])
    summary = forms.CharField(
        label="What is alleged", max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the person is alleged to have done, or failed to prevent or punish, and where.",
    )
    occurred_on = forms.DateField(
        label="When", required=False, widget=_DATE, help_text="The date, or the first day, of the events.",
    )
    incident = forms.ModelChoiceField(
        queryset=None, required=False, label="From the incident", empty_label="None logged",
        help_text="The incident the allegation arises from, when an office logged it.",
    )

    def __init__(self, *args, incidents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents
        self.fields["incident"].label_from_instance = lambda i: (
            f"{i.occurred_on:%d %b %Y} · {i.recipient.name}" + (f" · {i.place}" if i.place else "")
        )
        for number in range(1, SOURCE_ROWS + 1):
            self._source_row(f"source_{number}_", required=False)

    def source_rows(self) -> list[list]:
        """The source rows' bound fields, for the template: [[description, reliability, credibility], ...]."""
        return [
            [self[f"source_{n}_{part}"] for part in ("description", "reliability", "credibility")]
            for n in range(1, SOURCE_ROWS + 1)
        ]

    def clean(self):
        data = super().clean()
        for number in range(1, SOURCE_ROWS + 1):
            self._check_source_row(f"source_{number}_")
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        sources = [self._source_of(f"source_{n}_") for n in range(1, SOURCE_ROWS + 1)]
        return {
            "category": data["category"], "summary": data["summary"], "occurred_on": data.get("occurred_on"),
            "incident": data.get("incident"), "sources": [s for s in sources if s],
        }


class AllegationSourceForm(_SourceFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._source_row("", required=True)

    def service_data(self) -> dict:
        source = self._source_of("")
        return {
            "description": source["description"], "source_reliability": source["source_reliability"],
            "information_credibility": source["information_credibility"],
        }


class AllegationStatusForm(forms.Form):
    to_status = forms.ChoiceField(label="Move it to", widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Why", max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was found, and from which sources.",
    )

    def __init__(self, *args, moves: list[str], shown: list[str], **kwargs):
        """`moves`: every status the allegation may be moved to now (the service checks who may);
        `shown`: those the user may choose."""
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s, AllegationStatus(s).label) for s in moves]
        self.shown = [(s, AllegationStatus(s).label) for s in shown]
        self.fields["to_status"].widget.choices = self.shown
        self.fields["to_status"].error_messages["invalid_choice"] = (
            "An allegation in this status cannot be moved there now: choose one of the moves offered."
        )


class AccountabilityStepForm(forms.Form):
    kind = forms.ChoiceField(label="What the authorities did", choices=[("", "—"), *AccountabilityStepKind.choices])
    taken_on = forms.DateField(
        label="Date", required=False, widget=_DATE, help_text="When the step was taken (or found missing).",
    )
    source = forms.CharField(
        label="Source", max_length=500, help_text="Where this is known from, e.g. a letter of the Ministry of Justice.",
    )
    description = forms.CharField(
        label="Details", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"], "taken_on": data.get("taken_on"), "source": data["source"],
            "description": data.get("description") or "",
        }



class CommandPeriodForm(forms.Form):
    unit = forms.TypedChoiceField(label="Over which unit", coerce=int, empty_value=None)
    position = forms.CharField(label="Position", max_length=200, help_text="e.g. Commander of Esse Province")
    start_date = forms.DateField(label="From", widget=_DATE)
    end_date = forms.DateField(label="To", required=False, widget=_DATE, help_text="Empty while the position is held.")

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {u.pk: u for u in units}
        self.fields["unit"].choices = [("", "—")] + [(u.pk, str(u)) for u in units]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "unit": self.units.get(data["unit"]), "position": data["position"], "start_date": data["start_date"],
            "end_date": data.get("end_date"),
        }
