from django.contrib import admin

from hrddp.admin_scoping import ScopedAdmin
from monitoring.models import IndicatorMeasurement, Incident


@admin.register(Incident)
class IncidentAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["occurred_on", "recipient", "channel", "verification_status", "grave_violation", "substantial_grounds"]
    list_filter = ["channel", "verification_status", "grave_violation"]
    list_select_related = ["recipient__parent__parent"]


@admin.register(IndicatorMeasurement)
class IndicatorMeasurementAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "quarter_start"]
    list_select_related = ["engagement"]
