from typing import Any

from django import forms

from hrddp.forms import DateField, ModelMultipleChoiceField
from mitigation.models import MeasureTemplate, MeasureType, MitigationMeasure, MitigationPlan


def person_label(person) -> str:
    """How a person of interest is offered: "Colonel Tomas Reyl (Esse Province Police Command)"."""
    return f"{person} ({person.recipient.name})"


class PlanForm(forms.ModelForm):
    class Meta:
        model = MitigationPlan
        fields = ["residual_risk", "residual_risk_justification", "waive_visibility", "visibility_decision"]
        widgets = {
            "residual_risk_justification": forms.Textarea(attrs={"rows": 3}),
            "visibility_decision": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"visibility_decision": "Visibility and branding decision"}
        help_texts = {"visibility_decision": "What was agreed with the donor, in writing, about logos on materials."}

    def clean(self):
        data = super().clean()
        if data.get("residual_risk") and not data.get("residual_risk_justification", "").strip():
            self.add_error("residual_risk_justification", "Say why the residual risk is at this level.")
        if data.get("waive_visibility") and not data.get("visibility_decision", "").strip():
            self.add_error("visibility_decision", "Record the written agreement with the donor.")
        return data


class MeasureForm(forms.ModelForm):
    class Meta:
        model = MitigationMeasure
        fields = [
            "title", "measure_type", "nature", "risk_factors", "excludes_person", "owner", "due_date", "budget_line",
            "status", "review_notes",
        ]
        field_classes = {"due_date": DateField, "risk_factors": ModelMultipleChoiceField}
        widgets = {
            "risk_factors": forms.CheckboxSelectMultiple,
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "review_notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {
            "risk_factors": "Risk factors it targets", "review_notes": "Effectiveness review notes",
            "excludes_person": "Person it excludes from the support",
        }
        help_texts = {
            "excludes_person": "For a screening and exclusion measure: the person of interest of the recipient's "
            "force it keeps out of the support, e.g. a commander with a substantiated allegation (P¶16).",
        }

    def __init__(self, *args, factors=None, factor_choices=None, persons=None, person_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["risk_factors"]
        field.queryset = factors if factors is not None else field.queryset.none()
        if factor_choices is not None:
            # Read once for the whole formset, not once per measure.
            field.choices = factor_choices
        person = self.fields["excludes_person"]
        person.queryset = persons if persons is not None else person.queryset.none()
        if person_choices is not None:
            person.choices = [("", "—"), *person_choices]

    def clean(self):
        data = super().clean()
        if data.get("excludes_person") is not None and data.get("measure_type") != MeasureType.SCREENING_EXCLUSION:
            self.add_error(
                "excludes_person",
                f"Only a screening and exclusion measure excludes a person: choose the type "
                f"“{MeasureType.SCREENING_EXCLUSION.label}”, or leave the person empty.",
            )
        return data


class BaseMeasureFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, factors=None, persons=None, **kwargs):
        self.factors = factors
        self.factor_choices = [(f.pk, f.description) for f in factors] if factors is not None else []
        self.persons = persons
        self.person_choices = [(p.pk, person_label(p)) for p in persons] if persons is not None else []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index), "factors": self.factors, "factor_choices": self.factor_choices,
            "persons": self.persons, "person_choices": self.person_choices,
        }

    def rows(self) -> list[dict[str, Any]]:
        """The measure rows for mitigation.services.plan_save (after is_valid()): the measures changed, added or
        to remove. Rows left as they were, and blank new rows, are left out, as the formset's own save would."""
        rows = []
        for form in self.forms:
            pk = form.instance.pk
            if self.can_delete and self._should_delete_form(form):
                if pk is not None:
                    rows.append({"id": pk, "delete": True})
                continue
            if not form.has_changed():
                continue
            data = form.cleaned_data
            row = {name: data[name] for name in MeasureForm.Meta.fields if name not in ("risk_factors", "excludes_person")}
            row["risk_factors"] = [factor.pk for factor in data["risk_factors"]]
            row["excludes_person"] = data["excludes_person"].pk if data.get("excludes_person") else None
            if pk is not None:
                row["id"] = pk
            rows.append(row)
        return rows

    @property
    def empty_form(self):  # pragma: no cover - not rendered without JavaScript
        form = super().empty_form
        form.fields["risk_factors"].queryset = self.factors
        form.fields["excludes_person"].queryset = self.persons
        return form


# A plan holds at most this many measures; no more forms are built whatever TOTAL_FORMS says.
MAX_MEASURES = 200
MeasureFormSet = forms.inlineformset_factory(
    MitigationPlan, MitigationMeasure, form=MeasureForm, formset=BaseMeasureFormSet, extra=1, can_delete=True,
    max_num=MAX_MEASURES, validate_max=True, absolute_max=MAX_MEASURES,
)


class CatalogueForm(forms.Form):
    templates = ModelMultipleChoiceField(
        queryset=MeasureTemplate.objects.all(), widget=forms.CheckboxSelectMultiple,
        label="Good-practice measures to add to the plan",
    )
