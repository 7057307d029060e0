"""Action 7 in the admin: shown only. Intervention cases, exclusions and letters are recorded
in the app (interventions), which checks the role and the stage, numbers, renders and stores the
letters, and audits each step."""

from django.contrib import admin

from hrddp.admin_scoping import ReadOnlyAdmin
from interventions.models import (
    CriticalDifficultyReport,
    Exclusion,
    IntercessionCommunication,
    InterventionCase,
    Letter,
)


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    # An issued letter never changes; a correction is a new letter, issued in the app.
    engagement_path = "engagement"
    list_display = ["reference", "kind", "language", "engagement", "issued_at", "dispatched_on"]
    list_filter = ["kind", "language"]
    list_select_related = ["engagement"]
    search_fields = ["reference", "subject"]


@admin.register(InterventionCase)
class InterventionCaseAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "opened_at", "result", "closed_at"]
    list_select_related = ["engagement"]


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    # Recorded and lifted through the app, which audits both; the reasons are on the change page only.
    engagement_path = "engagement"
    list_display = ["engagement", "person", "unit", "excluded_at", "lifted_at"]
    list_select_related = ["engagement", "person", "unit"]


@admin.register(IntercessionCommunication)
class IntercessionCommunicationAdmin(ReadOnlyAdmin):
    # Recorded on the case page (interventions.intercession), which audits it; kept as it was recorded.
    engagement_path = "case__engagement"
    list_display = ["case", "communicated_on", "counterpart", "recorded_by", "recorded_at"]
    list_select_related = ["case__engagement", "recorded_by"]


@admin.register(CriticalDifficultyReport)
class CriticalDifficultyReportAdmin(ReadOnlyAdmin):
    # Written and sent from the case page (P¶25); its text is on the change page only, as on the case page.
    engagement_path = "case__engagement"
    list_display = ["case", "written_by", "written_at", "sent_at"]
    list_select_related = ["case__engagement", "written_by"]
