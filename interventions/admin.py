"""Action 7 in the admin: shown only. Intervention cases, exclusions and letters are recorded
in the app (interventions), which checks the role and the stage, numbers, renders and stores the
letters, and audits each step."""

from django.contrib import admin

from hrddp.admin_scoping import ReadOnlyAdmin
from interventions.models import Exclusion, InterventionCase, Letter


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
