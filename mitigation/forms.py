from typing import Any

from django import forms

from hrddp.forms import DateField, ModelMultipleChoiceField
from mitigation.models import MeasureTemplate, MitigationMeasure, MitigationPlan


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
        fields = ["title", "measure_type", "nature", "risk_factors", "owner", "due_date", "budget_line", "status", "review_notes"]
        field_classes = {"due_date": DateField, "risk_factors": ModelMultipleChoiceField}
        widgets = {
            "risk_factors": forms.CheckboxSelectMultiple,
            "due_date": forms.DateInput(attrs={"type": "date"}),
            "review_notes": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"risk_factors": "Risk factors it targets", "review_notes": "Effectiveness review notes"}

    def __init__(self, *args, factors=None, factor_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["risk_factors"]
        field.queryset = factors if factors is not None else field.queryset.none()
        if factor_choices is not None:
            # Read once for the whole formset, not once per measure.
            field.choices = factor_choices


class BaseMeasureFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, factors=None, **kwargs):
        self.factors = factors
        self.factor_choices = [(f.pk, f.description) for f in factors] if factors is not None else []
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "factors": self.factors, "factor_choices": self.factor_choices}

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
            row = {name: data[name] for name in MeasureForm.Meta.fields if name != "risk_factors"}
            row["risk_factors"] = [factor.pk for factor in data["risk_factors"]]
            if pk is not None:
                row["id"] = pk
            rows.append(row)
        return rows

    @property
    def empty_form(self):  # pragma: no cover - not rendered without JavaScript
        form = super().empty_form
        form.fields["risk_factors"].queryset = self.factors
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
