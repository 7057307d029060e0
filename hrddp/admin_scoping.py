"""Admin classes that show each user only what the rest of the app shows them."""

from operator import attrgetter

from django.contrib import admin
from django.http import Http404

from hrddp import access
from hrddp.models import DECIDE, PREPARE, Office, User


def users_sharing_an_office(user):
    if access.sees_every_office(user):
        return User.objects.all()
    return User.objects.filter(memberships__office__in=access.office_ids_of(user)).distinct()


def scoped_choices(admin_site, request, model):
    """The records of a model that the user could open in the admin (None: no scoping)."""
    if model is User:
        return users_sharing_an_office(request.user)
    related_admin = admin_site._registry.get(model)
    if isinstance(related_admin, ScopedAdmin):
        return related_admin.get_queryset(request)
    return None


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices list only what the user could open."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = scoped_choices(self.admin_site, request, db_field.related_model)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        queryset = scoped_choices(self.admin_site, request, db_field.related_model)
        if queryset is not None:
            kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
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

    # --- Editing: seeing a record (e.g. through a read grant) is not owning it.

    def _may_edit(self, user, obj) -> bool:
        if user.is_superuser:
            return True
        if self.engagement_path is not None:
            engagement = attrgetter(self.engagement_path.replace("__", "."))(obj) if self.engagement_path else obj
            return access.user_may(user, PREPARE, engagement) or access.user_may(user, DECIDE, engagement)
        if self.office_path is not None:
            office_id = attrgetter(self.office_path.replace("__", "."))(obj)
            office_id = getattr(office_id, "pk", office_id)
            return office_id in access.office_ids_of(user)
        if self.country_path is not None:
            country = attrgetter(self.country_path.replace("__", "."))(obj)
            return Office.objects.filter(pk__in=access.office_ids_of(user), country=country).exists()
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._may_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._may_edit(request.user, obj))






class ReadOnlyAdmin(ScopedAdmin):
    """For records written only by the app's services (the audit trail)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
