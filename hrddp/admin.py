"""The admin of offices, people and recipients (reference data, audited) and a read-only view of
engagements, their activities, the audit trail and the per-engagement grants."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db import router, transaction

from hrddp import access
from hrddp.admin_scoping import (
    AuditedAdminMixin,
    OfferedLookupsOnlyMixin,
    ReadOnlyAdmin,
    ReadOnlyInlineMixin,
    ScopedAdmin,
    ScopedChoicesMixin,
    SuperuserWritesMixin,
)
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
class HrddpUserAdmin(SuperuserWritesMixin, OfferedLookupsOnlyMixin, AuditedAdminMixin, UserAdmin):
    """Accounts and their roles: only a superuser creates, changes or deletes them, so no staff member can
    give themselves (or anyone) a role in another office. A role is a membership (role and office); the
    role's group follows it, so groups and per-user permissions are not set by hand here."""

    inlines = [MembershipInline]
    readonly_fields = ["groups", "user_permissions", "last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=access.users_sharing_an_office(request.user).values("pk"))


    def user_change_password(self, request, id, form_url=""):
        # The new password and its audit entry are one write.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(OfferedLookupsOnlyMixin, GroupAdmin):
    """The role groups: their permissions are hrddp.access.ROLE_PERMISSIONS, set again on every migrate; shown, not edited."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Office)
class OfficeAdmin(ScopedAdmin):
    office_path = "pk"
    list_display = ["name", "code", "country", "entity", "has_country_mechanism"]
    search_fields = ["name", "country", "code"]


@admin.register(Membership)
class MembershipAdmin(SuperuserWritesMixin, ScopedAdmin):
    """Who holds which role where. Only a superuser grants or removes a role."""

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
    # Found by name only: what is alleged against a person (the register's allegations) is never listed, searched
    # or filtered on here.
    country_path = "recipient__country"
    list_display = ["full_name", "rank", "recipient"]
    search_fields = ["full_name"]
    list_select_related = ["recipient__parent__parent"]
    inlines = [CommandPeriodInline]

    def get_deleted_objects(self, objs, request):
        # Deleting a person would silently take them off the incidents that implicate them (a
        # many-to-many row, not protected by the database): those incidents protect the person.
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        # Action 6's incidents, reached through the person's own relation: the core imports no later Action.
        Incident = self.model._meta.get_field("incidents").related_model

        implicating = Incident.objects.filter(persons_implicated__in=[obj.pk for obj in objs]).distinct()
        protected = list(protected) + [f"Incident: {incident}" for incident in implicating.select_related("recipient")]
        return deleted, model_count, perms_needed, protected


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


class SupportActivityInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = SupportActivity
    extra = 0


# --- The workflow: shown, written only by the app's services ----------------------------------------


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    """Opened, described and moved through its lifecycle only in the app, which checks the role, the
    conditions and the exclusions, and audits every step."""

    engagement_path = ""
    list_display = ["reference", "title", "office", "recipient", "state"]
    list_filter = ["state", "office"]
    search_fields = ["reference", "title"]
    list_select_related = ["office", "recipient__parent__parent"]
    inlines = [SupportActivityInline]


@admin.register(SupportActivity)
class SupportActivityAdmin(ReadOnlyAdmin):
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
class EngagementUserGrantAdmin(ReadOnlyAdmin):
    """Confidential-access and other per-engagement grants are given and revoked on the engagement's
    pages, which audit them."""

    engagement_path = "content_object"
    list_display = ["content_object", "user", "permission"]
    list_select_related = ["content_object", "user", "permission"]


@admin.register(EngagementGroupObjectPermission)
class EngagementGroupGrantAdmin(ReadOnlyAdmin):
    engagement_path = "content_object"
    list_display = ["content_object", "group", "permission"]
    list_select_related = ["content_object", "group", "permission"]
