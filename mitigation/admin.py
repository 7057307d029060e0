"""Action 5 in the admin: shown only. Plans and measures are written, submitted and approved in the app,
which checks the stage and audits each step."""

from django.contrib import admin

from hrddp.admin_scoping import ReadOnlyAdmin, ReadOnlyInlineMixin
from mitigation.models import MitigationMeasure, MitigationPlan


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
