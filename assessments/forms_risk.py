"""Forms of Action 4, the risk assessment (P¶14–17, T/Action 4).

One page writes one draft version: the twelve elements (each a narrative and
an optional rating), the final assessment (the thirteenth element), the cited
sources and the risk factors. `RiskAssessmentForms` holds all of them, so the
view validates, summarises errors and hands the data to the service in one go.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS

from assessments.models import RiskAssessment, RiskElement, RiskRating, SourceReliability

# What each element asks for, from the toolkit (T/Action 4) and the policy (P¶14).
GUIDANCE = {
    RiskElement.COUNTRY_SITUATION: "The general state of human-rights violations and respect for the rule of law in "
    "the country where the project is envisaged.",
    RiskElement.COMPLIANCE_RECORD: "The recipient's record of compliance or non-compliance with international "
    "humanitarian, human-rights (including political rights) and refugee law, and any specific record of grave "
    "violations.",
    RiskElement.ACCOUNTABILITY_RECORD: "Whether the recipient took, or failed to take, effective steps to hold "
    "individual perpetrators of such violations accountable.",
    RiskElement.CORRECTIVE_MEASURES: "Corrective measures, institutions, protocols or procedures put in place to "
    "prevent a recurrence, and whether they are adequate, including institutions to hold future perpetrators "
    "accountable.",
    RiskElement.LEGISLATIVE_FRAMEWORK: "The legislative framework and its adequacy in addressing potential and ongoing "
    "violations, and the international standards that govern the project's activities.",
    RiskElement.DEATH_PENALTY: "Use of the death penalty in the country, and whether the activities could contribute "
    "to its enforcement.",
    RiskElement.PAST_PARTNERSHIPS: "Past projects and partnerships of the office, other international and national "
    "actors and human-rights entities with the recipient, and what their assessments and results were.",
    RiskElement.ACTIVITY_RISKS: "Risks linked to the activities themselves, including the operational and "
    "reputational risks of supporting a force engaged in violations.",
    RiskElement.UN_INFLUENCE: "Whether providing or withholding support would significantly affect the UN's ability "
    "to influence the recipient's behaviour towards compliance (P¶14(d)).",
    RiskElement.MONITORING_FEASIBILITY: "Whether the use and impact of the support can be monitored effectively "
    "(P¶14(e)).",
    RiskElement.NON_PROVISION: "Why the support was requested, and whether not providing it could cause a greater "
    "negative impact on human rights than providing it with stringent mitigation.",
    RiskElement.UNDER_REPRESENTED: "Specific risks and risk factors for under-represented groups (for example women "
    "and girls, minorities, displaced people).",
}

RATING_CHOICES = [("", "Not rated"), *RiskRating.choices]
MAX_ROWS = 100


class DescribedFieldsMixin:
    """Ties each input to its hint and error (aria-describedby, aria-invalid),
    with the ids templates/assessments/risk_field.html gives them."""

    def _describe_fields(self):
        for name, field in self.fields.items():
            if field.widget.is_hidden or getattr(field.widget, "input_type", "") == "radio":
                continue
            auto_id = self[name].auto_id
            ids = []
            if field.help_text:
                ids.append(f"{auto_id}_help")
            if self._errors and name in self._errors:
                ids.append(f"{auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def full_clean(self):
        super().full_clean()
        self._describe_fields()


class ElementForm(DescribedFieldsMixin, forms.Form):
    """One of the twelve elements: what the sources say, and an optional rating."""

    narrative = forms.CharField(
        label="Findings", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4}),
    )
    rating = forms.ChoiceField(label="Rating of this element", choices=RATING_CHOICES, required=False)

    def __init__(self, *args, element: str, number: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.element = element
        self.number = number
        self.legend = RiskElement(element).label
        self.guidance = GUIDANCE.get(element, "")
        self._describe_fields()


class FinalForm(DescribedFieldsMixin, forms.Form):
    """The thirteenth element, the final assessment (P¶14(f)), and the note sent with a submission."""

    final_rating = forms.ChoiceField(
        label="Risk that the recipient commits grave violations",
        choices=[("", "Not decided yet"), *RiskRating.choices], required=False, widget=forms.RadioSelect,
    )
    final_justification = forms.CharField(
        label="Justification of the final rating", required=False, max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Based on the elements above and the overall context of the support.",
    )
    submit_note = forms.CharField(
        label="Note to the Chief of Mission", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed to submit: it is recorded in the engagement's history and cannot be changed.",
    )

    def __init__(self, *args, submitting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.submitting = submitting
        self._describe_fields()

    def clean_submit_note(self):
        note = self.cleaned_data["submit_note"].strip()
        if self.submitting and not note:
            raise forms.ValidationError("Say why the assessment is ready: every submission records why it was made.")
        return note


def _element_choices(blank: str):
    return [("", blank), *RiskElement.choices]


class RowForm(DescribedFieldsMixin, forms.Form):
    """A row of a list (a source, a risk factor): new, or an existing row of this version."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, known_ids: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.known_ids = known_ids
        self._describe_fields()

    def clean_id(self):
        pk = self.cleaned_data.get("id")
        if pk is not None and pk not in self.known_ids:
            raise forms.ValidationError("This row is no longer part of the assessment; reload the page.")
        return pk


class SourceForm(RowForm):
    citation = forms.CharField(label="Citation", max_length=500)
    reliability = forms.ChoiceField(
        label="Reliability grade", choices=[("", "Choose a grade"), *SourceReliability.choices],
    )
    element = forms.ChoiceField(
        label="Element it supports", choices=_element_choices("The assessment as a whole"), required=False,
    )
    is_un_source = forms.BooleanField(label="UN source", required=False)


class FactorForm(RowForm):
    description = forms.CharField(label="Risk factor", max_length=500)
    element = forms.ChoiceField(label="Element it comes from", choices=_element_choices("No single element"), required=False)


class RowFormSet(forms.BaseFormSet):
    """Rows added through blank extra rows and removed with their 'remove' box: no script needed."""

    noun = "row"

    def rows(self) -> list[dict[str, Any]]:
        """The rows for the service: changed, added, or to delete (blank extra rows are left out)."""
        rows = []
        for form in self.forms:
            data = form.cleaned_data
            pk = data.get("id")
            if self._should_delete_form(form):
                if pk is not None:
                    rows.append({"id": pk, "delete": True})
                continue
            if pk is None and not form.has_changed():
                continue
            rows.append({name: data.get(name) for name in form.fields if name != "DELETE"})
        return rows


SourceFormSet = forms.formset_factory(
    SourceForm, formset=RowFormSet, extra=3, can_delete=True, can_delete_extra=False,
    max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS,
)
SourceFormSet.noun = "Source"
FactorFormSet = forms.formset_factory(
    FactorForm, formset=RowFormSet, extra=3, can_delete=True, can_delete_extra=False,
    max_num=MAX_ROWS, validate_max=True, absolute_max=MAX_ROWS,
)
FactorFormSet.noun = "Risk factor"


def _label_delete(formset, label):
    for form in formset.forms:
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = label


class RiskAssessmentForms:
    """Every form of the risk-assessment page for one version, bound to a POST or not.

    `assessment` must come with its elements, sources and risk_factors
    prefetched (or they are read once each here).
    """

    def __init__(self, data=None, *, assessment: RiskAssessment, submitting: bool = False):
        answers = {e.element: e for e in assessment.elements.all()}
        self.elements = [
            ElementForm(
                data, prefix=f"el-{value}", element=value, number=number,
                initial={"narrative": answers[value].narrative, "rating": answers[value].rating} if value in answers else {},
            )
            for number, value in enumerate(RiskElement.values, start=1)
        ]
        self.final = FinalForm(
            data, prefix="final", submitting=submitting,
            initial={"final_rating": assessment.final_rating, "final_justification": assessment.final_justification},
        )
        sources = list(assessment.sources.all())
        self.sources = SourceFormSet(
            data, prefix="sources",
            initial=[
                {"id": s.pk, "citation": s.citation, "is_un_source": s.is_un_source, "reliability": s.reliability,
                 "element": s.element}
                for s in sources
            ],
            form_kwargs={"known_ids": frozenset(s.pk for s in sources)},
        )
        _label_delete(self.sources, "Remove this source")
        factors = list(assessment.risk_factors.all())
        self.factors = FactorFormSet(
            data, prefix="factors",
            initial=[{"id": f.pk, "description": f.description, "element": f.element} for f in factors],
            form_kwargs={"known_ids": frozenset(f.pk for f in factors)},
        )
        _label_delete(self.factors, "Remove this risk factor")

    def _all_forms(self):
        return [*self.elements, self.final]

    def is_valid(self) -> bool:
        results = [form.is_valid() for form in self._all_forms()]
        results += [self.sources.is_valid(), self.factors.is_valid()]
        return all(results)

    @property
    def submit_note(self) -> str:
        return self.final.cleaned_data.get("submit_note", "")

    def draft(self) -> dict[str, Any]:
        """The keyword arguments of assessments.risk.assessment_save_draft (after is_valid())."""
        return {
            "elements": {
                form.element: {"narrative": form.cleaned_data["narrative"], "rating": form.cleaned_data["rating"]}
                for form in self.elements
            },
            "final_rating": self.final.cleaned_data["final_rating"],
            "final_justification": self.final.cleaned_data["final_justification"],
            "sources": self.sources.rows(),
            "factors": self.factors.rows(),
        }

    def error_items(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in page order, each linking to its field."""
        items = []
        for form in self.elements:
            for name, errors in form.errors.items():
                items += [(f"#{form[name].auto_id}", f"{form.number}. {form.legend} — {form[name].label}: {e}") for e in errors]
        final = _form_items(self.final, "")
        note_anchor = f"#{self.final['submit_note'].auto_id}"
        items += [item for item in final if item[0] != note_anchor]
        for formset in (self.sources, self.factors):
            items += [(f"#{formset.prefix}-rows", e) for e in formset.non_form_errors()]
            for index, form in enumerate(formset.forms, start=1):
                if formset.can_delete and formset._should_delete_form(form):
                    continue
                items += _form_items(form, f"{formset.noun} {index} — ", anchor=f"#{formset.prefix}-row-{index}")
        return items + [item for item in final if item[0] == note_anchor]  # the note is at the end of the page


def _form_items(form, prefix, anchor=None):
    items = []
    for name, errors in form.errors.items():
        if name in (NON_FIELD_ERRORS, "id"):
            items += [(anchor or "#", f"{prefix.rstrip(' —')}: {e}") for e in errors]
            continue
        field = form[name]
        target = f"#{field.auto_id}_0" if getattr(field.field.widget, "input_type", "") == "radio" else f"#{field.auto_id}"
        items += [(target, f"{prefix}{field.label}: {e}") for e in errors]
    return items
