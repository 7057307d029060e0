"""Action 5 and the approval in the admin: shown only. Plans, measures and the intervention procedure are
written, submitted and approved in the app, which checks the stage and audits each step."""

from django.contrib import admin

from hrddp.admin_scoping import ReadOnlyAdmin, ReadOnlyInlineMixin
from mitigation.models import InterventionProcedure, MitigationMeasure, MitigationPlan


class MitigationMeasureInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = MitigationMeasure
    extra = 0


@admin.register(MitigationPlan)
class MitigationPlanAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "residual_risk", "waive_visibility", "submitted_at"]
    list_select_related = ["engagement"]
    inlines = [MitigationMeasureInline]


@admin.register(MitigationMeasure)
class MitigationMeasureAdmin(ReadOnlyAdmin):
    engagement_path = "plan__engagement"
    list_display = ["title", "measure_type", "nature", "status", "due_date", "plan"]
    list_filter = ["measure_type", "status"]
    list_select_related = ["plan__engagement"]


@admin.register(InterventionProcedure)
class InterventionProcedureAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "monitoring_responsible", "recipient_focal_point"]
    list_select_related = ["engagement", "monitoring_responsible", "recipient_focal_point"]
