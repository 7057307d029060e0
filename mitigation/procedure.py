"""The internal procedure for intervention, suspension or cessation (T/Box 7), set before approval."""

from django import forms

from hrddp.models import GovernmentFocalPoint, User
from mitigation.models import InterventionProcedure


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = InterventionProcedure
        fields = ["monitoring_responsible", "recipient_focal_point", "reporting_to_com"]
        labels = {
            "monitoring_responsible": "Responsible for due-diligence monitoring",
            "recipient_focal_point": "Focal point in the recipient force",
        }
        widgets = {"reporting_to_com": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"reporting_to_com": "How the responsible staff tell the Chief of Mission when violations are detected."}

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the office's own people and focal points can be named.
        self.fields["monitoring_responsible"].queryset = User.objects.filter(
            memberships__office=engagement.office, is_active=True
        ).distinct()
        self.fields["recipient_focal_point"].queryset = GovernmentFocalPoint.objects.filter(office=engagement.office)
        for name in self.Meta.fields:
            self.fields[name].required = True
