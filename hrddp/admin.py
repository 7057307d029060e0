from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hrddp import access
from hrddp.admin_scoping import ReadOnlyAdmin, ScopedAdmin, ScopedChoicesMixin
from hrddp.models import (
    AuditEntry,
    CommandPeriod,
    Engagement,
    EngagementGroupObjectPermission,
    EngagementUserObjectPermission,
    GovernmentFocalPoint,
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    SupportActivity,
    User,
)

admin.site.site_header = "HRDDP case management — administration"
admin.site.site_title = "HRDDP admin"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class HrddpUserAdmin(UserAdmin):
    inlines = [MembershipInline]


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    office_path = "pk"
    list_display = ["name", "code", "country", "entity", "has_country_mechanism"]
    search_fields = ["name", "country", "code"]


@admin.register(Membership)
class MembershipAdmin(ScopedAdmin):
    office_path = "office"
    list_display = ["user", "role", "office"]
    list_filter = ["role"]
    list_select_related = ["user", "office"]


class CommandPeriodInline(ScopedChoicesMixin, admin.TabularInline):
    model = CommandPeriod
    extra = 0
    fk_name = "person"


@admin.register(Recipient)
class RecipientAdmin(ScopedAdmin):
    country_path = "country"
    list_display = ["__str__", "level", "category", "country"]
    list_filter = ["level", "category"]
    search_fields = ["name"]
    list_select_related = ["parent__parent"]


@admin.register(PersonOfInterest)
class PersonOfInterestAdmin(ScopedAdmin):
    country_path = "recipient__country"
    list_display = ["full_name", "rank", "recipient"]
    search_fields = ["full_name"]
    list_select_related = ["recipient__parent__parent"]
    inlines = [CommandPeriodInline]


@admin.register(CommandPeriod)
class CommandPeriodAdmin(ScopedAdmin):
    country_path = "unit__country"
    list_display = ["person", "position", "unit", "start_date", "end_date"]
    list_select_related = ["person", "unit__parent__parent"]


@admin.register(GovernmentFocalPoint)
class GovernmentFocalPointAdmin(ScopedAdmin):
    office_path = "office"
    list_display = ["full_name", "title", "authority", "office"]
    list_select_related = ["office"]


@admin.register(Project)
class ProjectAdmin(ScopedAdmin):
    office_path = "office"
    list_display = ["code", "title", "office", "donor", "start_date", "end_date"]
    list_select_related = ["office"]
    search_fields = ["code", "title"]


class SupportActivityInline(ScopedChoicesMixin, admin.TabularInline):
    model = SupportActivity
    extra = 0


@admin.register(Engagement)
class EngagementAdmin(ScopedAdmin):
    engagement_path = ""
    list_display = ["reference", "title", "office", "recipient", "state"]
    list_filter = ["state", "office"]
    search_fields = ["reference", "title"]
    list_select_related = ["office", "recipient__parent__parent"]
    # The state moves only through the app's transitions, which audit it.
    readonly_fields = ["reference", "state", "revision", "created_by", "created_at", "state_changed_at", "support_approved_at"]
    inlines = [SupportActivityInline]

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(SupportActivity)
class SupportActivityAdmin(ScopedAdmin):
    engagement_path = "engagement"
    list_display = ["description", "activity_type", "delivery", "engagement"]
    list_select_related = ["engagement"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["at", "actor", "action", "from_state", "to_state", "engagement"]
    list_filter = ["action"]
    list_select_related = ["actor", "engagement"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if not access.sees_every_office(request.user):
            qs = qs.exclude(engagement__isnull=True)
        return qs


@admin.register(EngagementUserObjectPermission)
class EngagementUserGrantAdmin(ScopedAdmin):
    engagement_path = "content_object"
    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "user", "permission"]


@admin.register(EngagementGroupObjectPermission)
class EngagementGroupGrantAdmin(ScopedAdmin):
    engagement_path = "content_object"
    list_display = ["content_object", "group", "permission"]
    list_select_related = ["content_object", "group", "permission"]
