"""Action 6 in the admin: shown only."""

from django.contrib import admin

from hrddp.access import may_see_confidential
from hrddp.admin_scoping import ReadOnlyAdmin
from monitoring.models import (
    CONFIDENTIAL_FIELDS,
    CorroboratingSource,
    GraveViolationDetermination,
    Incident,
    IndicatorMeasurement,
)


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    """Incidents are logged and edited on the engagement's incident pages, where each change is audited and
    a grave violation escalated (monitoring.incident_services). Victims', witnesses' and sources' details are never
    listed, searched, filtered or sorted on here (ReadOnlyAdmin takes no other lookup than its filters')."""

    engagement_path = "engagement"
    list_display = ["occurred_on", "recipient", "channel", "verification_status", "grave_violation", "substantial_grounds"]
    list_filter = ["channel", "verification_status", "grave_violation"]
    list_select_related = ["recipient__parent__parent"]

    def get_exclude(self, request, obj=None):
        # Victims', witnesses' and sources' details only with the engagement's confidential access, as everywhere.
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is None or not may_see_confidential(request.user, obj.engagement):
            excluded += [name for name in CONFIDENTIAL_FIELDS if name not in excluded]
        return excluded


@admin.register(IndicatorMeasurement)
class IndicatorMeasurementAdmin(ReadOnlyAdmin):
    # Entered each quarter on the indicator pages, which audit them.
    engagement_path = "engagement"
    list_display = ["engagement", "quarter_start"]
    list_select_related = ["engagement"]


@admin.register(GraveViolationDetermination)
class GraveViolationDeterminationAdmin(ReadOnlyAdmin):
    """Made and withdrawn by the Chief of Mission on the incident's page (monitoring.determinations), which
    checks the grades and audits both; the reasons are on the change page only."""

    engagement_path = "incident__engagement"
    list_display = ["incident", "determined_by", "role", "determined_at", "withdrawn_at"]
    list_select_related = ["incident__recipient__parent__parent", "determined_by"]


@admin.register(CorroboratingSource)
class CorroboratingSourceAdmin(ReadOnlyAdmin):
    """Another source of an incident's information, graded. Who or what the source is stays under the
    engagement's confidential access, as on the incident's page."""

    engagement_path = "incident__engagement"
    list_display = ["incident", "source_reliability", "information_credibility", "independent", "recorded_at"]
    list_select_related = ["incident__recipient__parent__parent"]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        if obj is None or not may_see_confidential(request.user, obj.incident.engagement):
            excluded.append("description")
        return excluded
