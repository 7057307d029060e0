"""Forms of Action 6: logging an incident, filtering the list, granting confidential access."""

from django import forms

from hrddp import access
from hrddp.forms import DateField, ModelMultipleChoiceField
from monitoring.incident_rules import FIELDS, PUBLIC_FIELDS, incident_problems
from monitoring.incident_selectors import force_persons, incident_recipients
from monitoring.models import (
    CONFIDENTIAL_FIELDS,
    Channel,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
    ViolationCategory,
)

CONFIDENTIAL_HINT = (
    "Confidential: only people the Chief of Mission grants this engagement's confidential access will read it."
)


class RecipientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} ({obj.get_level_display().lower()})"


class PersonsField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj} — {obj.recipient.name}"


class IncidentForm(forms.Form):
    """An allegation against the recipient. The services check the rules; `clean` asks them, so that
    every problem shows at once."""

    occurred_on = DateField(
        label="Date of the incident", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the date of the incident.", "invalid": "Give the date as YYYY-MM-DD."},
    )
    place = forms.CharField(label="Place", max_length=200, required=False)
    recipient = RecipientChoiceField(
        label="Recipient, command or unit", queryset=None, empty_label=None,
        help_text="Whose members are alleged to be involved.",
        error_messages={
            "required": "Choose the force, command or unit whose members are alleged to be involved.",
            "invalid_choice": "Choose the engagement's recipient, or one of its commands or units.",
        },
    )
    persons_implicated = PersonsField(
        label="Persons implicated", queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Persons of interest of the recipient's force.",
        error_messages={"invalid_choice": "Choose persons of interest of the recipient's force."},
    )
    description = forms.CharField(
        label="What is alleged", widget=forms.Textarea(attrs={"rows": 5}), max_length=20000,
        error_messages={"required": "Describe what is alleged: what happened, to whom, by whom."},
    )
    categories = forms.MultipleChoiceField(
        label="Violation categories", choices=ViolationCategory.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grave_violation = forms.BooleanField(
        label="Classified as a grave violation", required=False,
        help_text="Your proposal: the Chief of Mission determines whether reliable information gives substantial "
        "grounds (P¶26).",
    )
    channel = forms.ChoiceField(
        label="Channel it came through", choices=[("", "Choose…"), *Channel.choices],
        error_messages={"required": "Choose the channel the allegation came through."},
    )
    source_reliability = forms.ChoiceField(
        label="Reliability of the source", choices=SourceReliability.choices, initial=SourceReliability.F
    )
    information_credibility = forms.ChoiceField(
        label="Credibility of the information", choices=InformationCredibility.choices,
        initial=InformationCredibility.CANNOT_JUDGE,
    )
    verification_status = forms.ChoiceField(
        label="Verification", choices=VerificationStatus.choices, initial=VerificationStatus.UNVERIFIED
    )
    victims = forms.CharField(label="Victims", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    witnesses = forms.CharField(
        label="Witnesses", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    source_details = forms.CharField(
        label="Source", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=20000,
        help_text="Who reported it and how to reach them.",
    )

    def __init__(self, *args, engagement, confidential: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.engagement = engagement
        self.fields["recipient"].queryset = incident_recipients(engagement)
        self.fields["persons_implicated"].queryset = force_persons(engagement)
        if confidential:
            for name in CONFIDENTIAL_FIELDS:
                field = self.fields[name]
                field.help_text = f"{field.help_text} {CONFIDENTIAL_HINT}".strip()
        else:
            for name in CONFIDENTIAL_FIELDS:
                del self.fields[name]

    @property
    def has_confidential_fields(self) -> bool:
        return all(name in self.fields for name in CONFIDENTIAL_FIELDS)

    def clean(self):
        data = super().clean()
        values = {name: data[name] for name in PUBLIC_FIELDS if name in data}
        for name in ("place", "description"):
            if name in values:
                values[name] = (values[name] or "").strip()
        problems = incident_problems(
            engagement=self.engagement, values=values, persons=data.get("persons_implicated") or []
        )
        for field, messages in problems.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return data

    def service_data(self) -> tuple[dict, list]:
        """What the services take: the incident's values, and the persons implicated apart."""
        data = {name: self.cleaned_data[name] for name in FIELDS if name in self.fields}
        return data, list(self.cleaned_data["persons_implicated"])


def incident_initial(incident, *, confidential: bool) -> dict:
    """An incident's values as the edit form starts from them; confidential ones only for those granted access."""
    names = PUBLIC_FIELDS + (CONFIDENTIAL_FIELDS if confidential else ())
    initial = {name: getattr(incident, name) for name in names}
    initial["recipient"] = incident.recipient_id
    initial["persons_implicated"] = [p.pk for p in incident.persons_implicated.all()]
    return initial


GRAVE_CHOICES = [
    ("", "Any"),
    ("grave", "Grave violations"),
    ("substantial", "Grave, with substantial grounds"),
    ("not_grave", "Not classified as grave"),
]


class IncidentFilterForm(forms.Form):
    category = forms.ChoiceField(label="Category", choices=[("", "Any"), *ViolationCategory.choices], required=False)
    channel = forms.ChoiceField(label="Channel", choices=[("", "Any"), *Channel.choices], required=False)
    grave = forms.ChoiceField(label="Classification", choices=GRAVE_CHOICES, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data.get(name) or "" for name in ("category", "channel", "grave")}


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class ConfidentialGrantForm(forms.Form):
    user = UserChoiceField(
        label="Member of the office", queryset=None,
        error_messages={"required": "Choose who is to be granted access.", "invalid_choice": "Choose a member of the office."},
    )
    reason = forms.CharField(
        label="Why they need it", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Need to know: what their work on this engagement requires. Recorded in the history.",
        error_messages={"required": "Say why this person needs to read victims', witnesses' and sources' details."},
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.confidential_access_candidates(engagement)


class DeterminationForm(forms.Form):
    """The Chief of Mission's determination of a grave violation on reliable information (P¶26)."""

    reasons = forms.CharField(
        label="Reasons", max_length=20000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What information, from which sources, gives substantial grounds to believe a grave violation.",
        error_messages={"required": "Give the reasons: what information, from which sources, grounds the determination."},
    )


class WithdrawalForm(forms.Form):
    reason = forms.CharField(
        label="Why the determination was mistaken", max_length=20000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the determination was mistaken."},
    )


class CorroboratingSourceForm(forms.Form):
    description = forms.CharField(
        label="The source", max_length=20000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=f"Who or what it is, and what it says. {CONFIDENTIAL_HINT}",
        error_messages={"required": "Say who or what the source is, and what it says."},
    )
    source_reliability = forms.ChoiceField(
        label="Reliability of the source", choices=SourceReliability.choices, initial=SourceReliability.F
    )
    information_credibility = forms.ChoiceField(
        label="Credibility of the information", choices=InformationCredibility.choices,
        initial=InformationCredibility.CANNOT_JUDGE,
    )
    independent = forms.BooleanField(
        label="Independent of the incident's source", required=False, initial=True,
        help_text="Not relaying the same witness, report or channel.",
    )
