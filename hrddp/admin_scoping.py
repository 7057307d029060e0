"""Admin classes that show each user only what the rest of the app shows them."""

from django.contrib import admin
from django.http import Http404

from hrddp import access
from hrddp.models import Engagement, Office, Project


class ScopedAdmin(admin.ModelAdmin):
    # Path from the model to its engagement ("" for Engagement itself), or to
    # its office, or to a country field; exactly one is set on each subclass.
    engagement_path: str | None = None
    office_path: str | None = None
    country_path: str | None = None
    list_per_page = 50

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        if access.sees_every_office(user):
            return qs
        if self.engagement_path is not None:
            lookup = f"{self.engagement_path}__in" if self.engagement_path else "pk__in"
            return qs.filter(**{lookup: access.visible_engagements(user).values("pk")})
        offices = access.visible_offices(user)
        if self.office_path is not None:
            return qs.filter(**{f"{self.office_path}__in": offices})
        if self.country_path is not None:
            return qs.filter(**{f"{self.country_path}__in": offices.values("country")})
        return qs.none()

    def get_object(self, request, object_id, from_field=None):
        # Outside the user's scope, a record does not exist (404), as everywhere else.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record.")
        return obj

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related is Office:
            kwargs["queryset"] = access.visible_offices(request.user)
        elif related is Engagement:
            kwargs["queryset"] = access.visible_engagements(request.user)
        elif related is Project:
            kwargs["queryset"] = Project.objects.filter(office__in=access.visible_offices(request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(ScopedAdmin):
    """For records written only by the app's services (the audit trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
