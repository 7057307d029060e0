from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from hrddp.activity_rules import activity_target_refusal

# Dates a user may type anywhere: far enough back for old allegations, far enough ahead for any project.
# Beyond them a date is a typing slip, and arithmetic on it (a due date plus a year) would overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date between 1 January 1900 and 31 December 2199."


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses a choice that is no key at all (e.g. forty digits) as "not one of the choices", instead of
    letting the database fail on a number too large for it."""

    _LARGEST_KEY = 2**63 - 1

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple, set, frozenset)) else ():
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > self._LARGEST_KEY:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text[:20] + "…"}
                )
        return super()._check_values(value)


class DateField(forms.DateField):
    """A date field that refuses dates outside EARLIEST_DATE..LATEST_DATE with a plain message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators += [
            MinValueValidator(EARLIEST_DATE, message=DATE_RANGE_MESSAGE),
            MaxValueValidator(LATEST_DATE, message=DATE_RANGE_MESSAGE),
        ]



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


class EngagementOpenForm(forms.Form):
    """A new request for support: the project, the recipient (existing or new) and a title."""

    title = forms.CharField(max_length=250, help_text="e.g. Police post near the Esse IDP site")
    project = forms.ModelChoiceField(queryset=None)
    recipient = forms.ModelChoiceField(
        queryset=None, required=False, label="Recipient force, command or unit",
        help_text="Pick the recipient, or describe a new one below.",
    )
    new_recipient_name = forms.CharField(max_length=200, required=False, label="New recipient: name")
    new_recipient_category = forms.ChoiceField(required=False, label="New recipient: category")
    new_recipient_parent = forms.ModelChoiceField(
        queryset=None, required=False, label="New recipient: part of",
        help_text="For a command or unit, the force or command it belongs to.",
    )
    focal_point = forms.ModelChoiceField(queryset=None, required=False, label="Government focal point")

    def __init__(self, *args, projects, recipients, focal_points, **kwargs):
        super().__init__(*args, **kwargs)
        from hrddp.models import RecipientCategory

        self.fields["project"].queryset = projects
        self.fields["recipient"].queryset = recipients
        self.fields["new_recipient_parent"].queryset = recipients.exclude(level="unit")
        self.fields["new_recipient_category"].choices = [("", "—"), *RecipientCategory.choices]
        self.fields["focal_point"].queryset = focal_points

    def clean(self):
        data = super().clean()
        new_name = data.get("new_recipient_name", "").strip()
        if data.get("recipient") and new_name:
            self.add_error("new_recipient_name", "Pick a recipient or describe a new one, not both.")
        elif not data.get("recipient") and not new_name:
            self.add_error("recipient", "Pick the recipient, or describe a new one.")
        elif new_name and not data.get("new_recipient_category"):
            self.add_error("new_recipient_category", "Give the new recipient's category.")
        elif new_name and data.get("project"):
            from hrddp.models import Recipient

            already = Recipient.objects.filter(
                country=data["project"].office.country, parent=data.get("new_recipient_parent"), name__iexact=new_name
            )
            if already.exists():
                self.add_error("new_recipient_name", "This recipient is already recorded: pick it in the list above.")
        project, focal = data.get("project"), data.get("focal_point")
        if project and focal and focal.office_id != project.office_id:
            self.add_error("focal_point", "This focal point belongs to another office.")
        return data


def _grouped_activity_types():
    from hrddp.models import EXEMPT_ACTIVITY_TYPES, ActivityType

    support = [(t.value, t.label) for t in ActivityType if t not in EXEMPT_ACTIVITY_TYPES]
    exempt = [(t.value, t.label) for t in ActivityType if t in EXEMPT_ACTIVITY_TYPES]
    return [("", "—"), ("Support (P¶8 and the toolkit)", support), ("Exempt (P¶9)", exempt)]


class ActivityForm(forms.Form):
    description = forms.CharField(max_length=300, label="Activity")
    activity_type = forms.ChoiceField(choices=_grouped_activity_types, label="Type")
    # The initial value keeps an untouched extra row "unchanged", so it may stay empty.
    delivery = forms.ChoiceField(
        choices=[("direct", "Direct"), ("indirect", "Through an implementing partner")], initial="direct"
    )
    implementing_partner = forms.CharField(max_length=200, required=False)
    target_unit = forms.ModelChoiceField(
        queryset=None, required=False, label="Command or unit",
        help_text="The command or unit this activity goes to, if not the whole recipient.",
    )

    def __init__(self, *args, recipients=None, **kwargs):
        super().__init__(*args, **kwargs)
        from hrddp.models import Recipient

        # The open-request page may pass the recipients the user sees; the service checks the
        # target belongs to the engagement's recipient either way.
        self.fields["target_unit"].queryset = recipients if recipients is not None else Recipient.objects.all()

    def clean(self):
        data = super().clean()
        if data.get("delivery") == "indirect" and not (data.get("implementing_partner") or "").strip():
            self.add_error("implementing_partner", "Name the implementing partner for indirect support.")
        target = data.get("target_unit")
        if target is not None:
            why = activity_target_refusal(target)
            if why:
                self.add_error("target_unit", why)
        return data


# At most this many activities in one request, and no more forms built whatever TOTAL_FORMS says.
MAX_ACTIVITIES = 50
ActivityFormSet = forms.formset_factory(
    ActivityForm, extra=2, min_num=1, validate_min=True, max_num=MAX_ACTIVITIES, validate_max=True,
    absolute_max=MAX_ACTIVITIES,
)
