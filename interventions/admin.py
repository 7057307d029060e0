from django.contrib import admin

from hrddp.admin_scoping import ReadOnlyAdmin, ScopedAdmin
from interventions.models import Exclusion, InterventionCase, InterventionProcedure, Letter


@admin.register(InterventionProcedure)
class InterventionProcedureAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "monitoring_responsible", "recipient_focal_point"]
    list_select_related = ["engagement", "monitoring_responsible", "recipient_focal_point"]


@admin.register(Letter)
class LetterAdmin(ScopedAdmin):
    """Read only: letters are drafted, issued and dispatched in the app (interventions.letters),
    which numbers them, renders and stores their PDF and writes the audit trail."""

    engagement_path = "engagement"
    list_display = ["reference", "kind", "language", "engagement", "issued_at", "dispatched_on"]
    list_filter = ["kind", "language"]
    list_select_related = ["engagement"]
    search_fields = ["reference", "subject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # An issued letter is never deleted; a draft is simply left unissued.
        return False


@admin.register(InterventionCase)
class InterventionCaseAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "opened_at", "result", "closed_at"]
    list_select_related = ["engagement"]


@admin.register(Exclusion)
class ExclusionAdmin(ReadOnlyAdmin):
    # Recorded and lifted through the app, which audits both.
    engagement_path = "engagement"
    list_display = ["engagement", "person", "unit", "excluded_at", "lifted_at"]
    list_select_related = ["engagement", "person", "unit"]
