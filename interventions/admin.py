from django.contrib import admin

from hrddp.admin_scoping import ScopedAdmin
from interventions.models import InterventionCase, InterventionProcedure, Letter


@admin.register(InterventionProcedure)
class InterventionProcedureAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "monitoring_responsible", "recipient_focal_point"]
    list_select_related = ["engagement", "monitoring_responsible", "recipient_focal_point"]


@admin.register(Letter)
class LetterAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["reference", "kind", "language", "engagement", "issued_at"]
    list_filter = ["kind", "language"]
    list_select_related = ["engagement"]

    def get_readonly_fields(self, request, obj=None):
        # An issued letter never changes; a correction is a new letter.
        if obj is not None and obj.issued_at:
            return [f.name for f in self.model._meta.fields]
        return ["issued_at", "issued_by", "pdf", "sha256"]


@admin.register(InterventionCase)
class InterventionCaseAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "opened_at", "result", "closed_at"]
    list_select_related = ["engagement"]
