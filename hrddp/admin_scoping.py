"""The admin is a tool for reference data, not a back door.

Every admin class of the app derives from ScopedAdmin, which

- shows each user only what the rest of the app shows them (get_queryset, get_object: another
  office's record is a 404), and lists only those records in foreign-key choices and list filters;
- filters a changelist only by what the page offers (its list filters and date hierarchy): any
  other lookup in the query string, e.g. ``?victims__icontains=a`` or a traversal into another
  model's fields, is refused with a 400, so a confidential field cannot be probed letter by letter;
- writes one audit entry for every add, change or delete, in the transaction of the write.

ReadOnlyAdmin is for the records that carry the workflow (engagements and everything under them,
the audit trail, the per-engagement grants): they are written only by the app's services, which
check the role, the stage and the rules and audit each step, so the admin shows them and nothing
more, to superusers as well.
"""

from operator import attrgetter

from django.contrib import admin
from django.contrib.admin.filters import (
    AllValuesFieldListFilter,
    BooleanFieldListFilter,
    ChoicesFieldListFilter,
    DateFieldListFilter,
    EmptyFieldListFilter,
    FieldListFilter,
    RelatedFieldListFilter,
    SimpleListFilter,
)
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import BadRequest
from django.db import models, router, transaction
from django.http import Http404

from hrddp import access
from hrddp.models import AuditAction, AuditEntry, User


def scoped_choices(admin_site, request, model):
    """The records of a model that the user could open in the admin (None: no scoping)."""
    if model is User:
        return access.users_sharing_an_office(request.user)
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


# --- List filters: only the user's offices, countries and records ----------------------------------


class ScopedRelatedFieldListFilter(RelatedFieldListFilter):
    """A filter over a related record (an office, a recipient, a user) lists only what the user could
    open in the admin, so another office's names never appear in the sidebar."""

    def field_choices(self, field, request, model_admin):
        related = field.related_model
        visible = scoped_choices(model_admin.admin_site, request, related)
        if visible is None:
            # A model without a scoped admin: only the values the user's own rows carry.
            visible = related._default_manager.filter(
                pk__in=model_admin.get_queryset(request).values(f"{self.field_path}__pk")
            )
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": visible.values("pk")}, ordering=ordering
        )


def _filter_class_for(field, filter_class):
    """The list-filter class Django would use for the field (FieldListFilter.create's own order)."""
    if filter_class is not None and filter_class is not FieldListFilter.create:
        return filter_class
    if field.remote_field:
        return RelatedFieldListFilter
    if isinstance(field, models.BooleanField):
        return BooleanFieldListFilter
    if field.flatchoices:
        return ChoicesFieldListFilter
    if isinstance(field, models.DateField):
        return DateFieldListFilter
    return AllValuesFieldListFilter


def _query_parameters(path: str, field, filter_class) -> set[str]:
    """The query-string parameters a list filter itself puts in its links."""
    cls = _filter_class_for(field, filter_class)
    if issubclass(cls, EmptyFieldListFilter):
        return {f"{path}__isempty"}
    if issubclass(cls, RelatedFieldListFilter):
        return {f"{path}__{field.target_field.name}__exact", f"{path}__isnull"}
    if issubclass(cls, (BooleanFieldListFilter, ChoicesFieldListFilter)):
        return {f"{path}__exact", f"{path}__isnull"}
    if issubclass(cls, DateFieldListFilter):
        return {f"{path}__gte", f"{path}__lt", f"{path}__isnull"}
    if issubclass(cls, AllValuesFieldListFilter):
        return {path, f"{path}__isnull"}
    # A filter class this module does not know: offer nothing rather than guess.
    return set()


def offered_lookups(model_admin, request) -> set[str]:
    """Every lookup a changelist may take from its query string: those of its list filters and of its
    date hierarchy. Pagination, ordering (by a displayed column), search and popups are Django's own
    parameters and never reach lookup_allowed."""
    offered = set()
    if model_admin.date_hierarchy:
        offered |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    for item in model_admin.get_list_filter(request):
        if isinstance(item, type) and issubclass(item, SimpleListFilter):
            offered.add(item.parameter_name)
            continue
        path, filter_class = item if isinstance(item, (list, tuple)) else (item, None)
        if not isinstance(path, str):
            continue
        field = get_fields_from_path(model_admin.model, path)[-1]
        offered |= _query_parameters(path, field, filter_class)
    return offered


class OfferedLookupsOnlyMixin:
    """A changelist filters only by the filters it shows (Django's default also lets through any lookup
    on the model's own fields: ``?victims__regex=^A``). Anything else raises DisallowedModelAdminLookup,
    which Django answers with a 400, the same for a probe that would match and one that would not."""

    def lookup_allowed(self, lookup, value, request=None):
        return lookup in offered_lookups(self, request)

    def changelist_view(self, request, extra_context=None):
        # No stored text holds a NUL character (PostgreSQL refuses one outright): a bad request, not a 500.
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("A filter, search or page parameter contains a NUL character.")
        self._refuse_impossible_dates(request)
        return super().changelist_view(request, extra_context)

    def _refuse_impossible_dates(self, request):
        # Django turns a date that is not one into "incorrect lookup", but overflows (year 9999's
        # next month, a 40-digit year) into a server error.
        if not self.date_hierarchy:
            return
        for part, lowest, highest in (("year", 1, 9998), ("month", 1, 12), ("day", 1, 31)):
            for value in request.GET.getlist(f"{self.date_hierarchy}__{part}"):
                try:
                    number = int(value)
                except ValueError:
                    continue  # Django's own "incorrect lookup"
                if not lowest <= number <= highest:
                    raise BadRequest(f"There is no {part} {value[:12]} to show.")

    def get_search_results(self, request, queryset, search_term):
        # Also the admin's autocomplete, which searches through here.
        if "\x00" in search_term:
            raise BadRequest("A search cannot contain a NUL character.")
        return super().get_search_results(request, queryset, search_term)

    def get_list_filter(self, request):
        # Filters over related records list only what the user could open.
        scoped = []
        for item in super().get_list_filter(request):
            if isinstance(item, str):
                field = get_fields_from_path(self.model, item)[-1]
                if field.remote_field:
                    item = (item, ScopedRelatedFieldListFilter)
            scoped.append(item)
        return scoped


# --- The audit trail of reference data --------------------------------------------------------------


def _changes_text(message) -> str:
    """The admin's change message (a list of changes) in plain words."""
    if not isinstance(message, list):
        return str(message or "")
    parts = []
    for item in message:
        for verb, change in item.items():
            fields = ", ".join(change.get("fields", []))
            if "name" in change:
                what = f"{change['name']} “{change['object']}”"
                if verb == "changed":
                    parts.append(f"{what}: {fields}")
                else:
                    parts.append(f"{verb} {what}")
            elif fields:
                parts.append(fields)
    return "; ".join(parts)


def _top_level_fields(message) -> list[str]:
    """The labels of the record's own fields changed (not those of its inlines)."""
    if not isinstance(message, list):
        return []
    changed = [item["changed"] for item in message if "changed" in item]
    return [label for change in changed if "name" not in change for label in change.get("fields", [])]


class AuditedAdminMixin:
    """Every add, change and delete made in the admin writes one audit entry, in the same transaction
    as the write (Django's change and delete views run in one; so do actions and password changes
    here), so a save that fails leaves no entry and an entry never lacks its change."""

    @staticmethod
    def _entry(request, obj, *, action: str, justification: str, details: dict):
        return AuditEntry(
            engagement=None, actor=request.user, action=action, justification=justification,
            details={"model": obj._meta.label_lower, "pk": obj.pk, "object": str(obj), **details},
        )

    def _audit(self, request, obj, **entry):
        self._entry(request, obj, **entry).save()

    def construct_change_message(self, request, form, formsets, add=False):
        # The form's own field names, for the entry's details (the message carries their labels).
        request._admin_changed_fields = list(getattr(form, "changed_data", []))
        return super().construct_change_message(request, form, formsets, add)

    def log_addition(self, request, obj, message):
        text = _changes_text(message)
        self._audit(
            request, obj, action=AuditAction.ADMIN_ADD,
            justification=f"Added in the administration: {obj}" + (f"; {text}" if text else "") + ".",
            details={"changes": message if isinstance(message, list) else []},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        text = _changes_text(message)
        self._audit(
            request, obj, action=AuditAction.ADMIN_CHANGE,
            justification=f"Changed in the administration: {text}." if text
            else "Saved in the administration; no field changed.",
            details={
                "fields": getattr(request, "_admin_changed_fields", None) or _top_level_fields(message),
                "changes": message if isinstance(message, list) else [],
            },
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        # Called before the deletion, in the same transaction: one entry per record deleted, in one insert.
        AuditEntry.objects.bulk_create([
            self._entry(request, obj, action=AuditAction.ADMIN_DELETE, justification=f"Deleted in the administration: {obj}.",
                        details={})
            for obj in queryset
        ])
        return super().log_deletions(request, queryset)

    def response_action(self, request, queryset):
        # "Delete selected" logs, then deletes: one transaction, so the entries and the deletion go together.
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().response_action(request, queryset)


# --- The base of every admin class of the app --------------------------------------------------------


class ScopedAdmin(OfferedLookupsOnlyMixin, AuditedAdminMixin, ScopedChoicesMixin, admin.ModelAdmin):
    # Path from the model to its engagement ("" for Engagement itself), or to
    # its office, or to a country field; exactly one is set on each subclass.
    engagement_path: str | None = None
    office_path: str | None = None
    country_path: str | None = None
    list_per_page = 50
    # No "view on site" link: the app's own pages are reached from the app.
    view_on_site = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        user = request.user
        # The scope is access's to say; the path says where this model reaches its engagement, office or country.
        if self.engagement_path is not None:
            return access.scoped_by_engagement(qs, user, self.engagement_path)
        if self.office_path is not None:
            return access.scoped_by_office(qs, user, self.office_path)
        if self.country_path is not None:
            return access.scoped_by_country(qs, user, self.country_path)
        return qs if access.sees_every_office(user) else qs.none()

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
            return access.may_prepare_or_decide(user, engagement)
        if self.office_path is not None:
            office_id = attrgetter(self.office_path.replace("__", "."))(obj)
            office_id = getattr(office_id, "pk", office_id)
            return access.may_change_office_record(user, office_id)
        if self.country_path is not None:
            country = attrgetter(self.country_path.replace("__", "."))(obj)
            return access.may_change_country_record(user, country)
        return False

    # What a record must stay within after a change, in the words of a refusal.
    scope_refusal = "You may record this only for your own offices and their countries."

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if request.user.is_superuser:
            return form
        model_admin = self

        class StaysInScope(form):
            """A record is saved only if it stays within the user's offices (e.g. a recipient's country)."""

            def _post_clean(self):
                super()._post_clean()
                if not self._errors and not model_admin._may_edit(request.user, self.instance):
                    self.add_error(None, model_admin.scope_refusal)

        StaysInScope.__name__ = form.__name__
        return StaysInScope

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or self._may_edit(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or self._may_edit(request.user, obj))


class ReadOnlyInlineMixin:
    """Shown, never added, changed or deleted: for a workflow record and the inlines shown with it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyInlineMixin, ScopedAdmin):
    """For the records that carry the workflow, written only by the app's services (which check the
    role, the stage and the rules, and audit each step): read-only here, not even a superuser writes;
    no bulk actions."""

    actions = None


class SuperuserWritesMixin:
    """Only a superuser adds, changes or deletes (users and their roles: who may act on what)."""

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
