from django.contrib import admin

from hrddp.admin_scoping import ScopedAdmin, ScopedChoicesMixin
from mitigation.models import MitigationMeasure, MitigationPlan


class MitigationMeasureInline(ScopedChoicesMixin, admin.StackedInline):
    model = MitigationMeasure
    extra = 0
    filter_horizontal = ["risk_factors"]


@admin.register(MitigationPlan)
class MitigationPlanAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "residual_risk", "waive_visibility", "submitted_at"]
    list_select_related = ["engagement"]
    inlines = [MitigationMeasureInline]


@admin.register(MitigationMeasure)
class MitigationMeasureAdmin(ScopedAdmin):
    engagement_path = "plan__engagement"
    list_display = ["title", "measure_type", "nature", "status", "due_date", "plan"]
    list_filter = ["measure_type", "status"]
    list_select_related = ["plan__engagement"]
