"""Forms of the intervention case page (Action 7, T/Box 7)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import RiskElement
from hrddp.forms import DateField, ModelMultipleChoiceField
from interventions.models import InterventionCase
from mitigation.models import MeasureType

TEXT = {"rows": 4}


class _OwnIds:
    """The case page holds several of these forms, two with a field of the same name: each form's ids
    carry its own prefix, so that every label names its one field (the posted names stay as they are)."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class CaseReportForm(forms.Form):
    report = forms.CharField(
        label="Report to the Chief of Mission", widget=forms.Textarea(attrs=TEXT), max_length=20000,
        help_text="The incidents, units and persons implicated, and what monitoring showed (T/Box 7).",
    )
    incidents = ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Incidents the report is about"
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incidents"].queryset = engagement.incidents.select_related("recipient").order_by("-occurred_on", "-pk")


class CourseForm(forms.Form):
    strengthen_mitigation = forms.BooleanField(
        required=False, label=InterventionCase._meta.get_field("strengthen_mitigation").verbose_name
    )
    report_to_oversight = forms.BooleanField(
        required=False, label=InterventionCase._meta.get_field("report_to_oversight").verbose_name
    )
    communicate_with_focal_point = forms.BooleanField(
        required=False, label=InterventionCase._meta.get_field("communicate_with_focal_point").verbose_name
    )
    exclude_individuals_or_units = forms.BooleanField(
        required=False, label=InterventionCase._meta.get_field("exclude_individuals_or_units").verbose_name
    )
    course_notes = forms.CharField(
        required=False, label="Notes on the course of action", widget=forms.Textarea(attrs=TEXT), max_length=20000
    )
    corrective_measures = forms.CharField(
        required=False, label="Corrective measures to add to the mitigation plan",
        help_text="One a line; with 'Strengthen mitigation measures'. They are added as planned corrective measures.",
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000,
    )
    measure_type = forms.ChoiceField(
        choices=MeasureType.choices, initial=MeasureType.ACCOUNTABILITY, label="Type of the corrective measures"
    )

    def clean_corrective_measures(self):
        return [line.strip() for line in self.cleaned_data["corrective_measures"].splitlines() if line.strip()]


class SuspensionEvaluationForm(_OwnIds, forms.Form):
    id_prefix = "evaluation"

    evaluation = forms.CharField(
        label="Risks of suspending support", widget=forms.Textarea(attrs=TEXT), max_length=20000,
        help_text="P¶21(g): including to the safety and security of staff.",
    )
    mandate_critically_affected = forms.BooleanField(
        required=False, label="Suspension would critically affect the mandate",
        help_text="P¶28: the governing body must then be advised.",
    )


class SkipReasonForm(_OwnIds, forms.Form):
    id_prefix = "skip"

    reason = forms.CharField(
        label="Why suspension is skipped", widget=forms.Textarea(attrs=TEXT), max_length=20000,
        help_text="To cease support straight from intercession.",
    )


class CriticalReportForm(_OwnIds, forms.Form):
    id_prefix = "report"

    """The report to the decision makers on a critical difficulty (P¶25)."""

    circumstances = forms.CharField(label="Circumstances", widget=forms.Textarea(attrs=TEXT), max_length=20000)
    measures = forms.CharField(
        label="Measures taken or proposed to mitigate or remedy", widget=forms.Textarea(attrs=TEXT), max_length=20000
    )
    recommendations = forms.CharField(
        label="Recommendations for follow-up", widget=forms.Textarea(attrs=TEXT), max_length=20000
    )
    elements = forms.MultipleChoiceField(
        choices=RiskElement.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Risk-assessment elements concerned",
    )


class MandateFlagForm(_OwnIds, forms.Form):
    id_prefix = "mandate"

    reason = forms.CharField(
        label="How suspending support critically affects the mandate", widget=forms.Textarea(attrs=TEXT),
        max_length=20000, help_text="P¶28: HQ is told at once that the governing body must be advised.",
    )


class GoverningBodyAdvisedForm(_OwnIds, forms.Form):
    id_prefix = "advised"

    advised_on = forms.DateField(label="Date the governing body was advised", widget=forms.DateInput(attrs={"type": "date"}))
    how = forms.CharField(label="How it was advised", widget=forms.Textarea(attrs={"rows": 2}), max_length=20000)


class IntercessionCommunicationForm(_OwnIds, forms.Form):
    id_prefix = "intercession"

    communicated_on = DateField(
        label=_("Date the grounds were brought to the authorities"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the date the grounds were brought to the authorities."),
            "invalid": _("Give the date as a real date."),
        },
    )
    counterpart = forms.CharField(
        label=_("Who received them"), max_length=300,
        help_text=_("The recipient's focal point, or the official met."),
    )
    channel = forms.CharField(
        label=_("Through which channel"), max_length=300,
        help_text=_("The channel agreed in the intervention procedure: meeting, call, note verbale..."),
    )
    summary = forms.CharField(
        label=_("What was brought to their attention, and their answer"), widget=forms.Textarea(attrs=TEXT),
        max_length=20000,
    )
