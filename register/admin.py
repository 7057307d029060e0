"""The register in the admin: shown only, scoped like the rest of the app (a person's country; an engagement for
what belongs to one). Persons' other names, allegations, their sources and status history and the accountability
record are written on the person's and the incident's pages, whose services check who may and audit each
change; the screenings and the Chief of Mission's reasons for continuing support belong to the engagement's
pages. Allegations' summaries and sources' descriptions are on the change page only: never listed, searched,
filtered or sorted on."""

from django.contrib import admin

from hrddp import access
from hrddp.admin_scoping import ReadOnlyAdmin, ReadOnlyInlineMixin
from register.models import (
    AccountabilityStep,
    Allegation,
    AllegationSource,
    AllegationStatusChange,
    NameScreening,
    NameScreeningLine,
    PersonAlias,
    SupportContinuation,
)

_PERSON_COUNTRY = "person__recipient__country"
_ALLEGATION_COUNTRY = "allegation__person__recipient__country"


@admin.register(PersonAlias)
class PersonAliasAdmin(ReadOnlyAdmin):
    country_path = _PERSON_COUNTRY
    list_display = ["name", "note", "person"]
    list_select_related = ["person"]


class AllegationSourceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AllegationSource
    extra = 0


class AllegationStatusChangeInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = AllegationStatusChange
    extra = 0


@admin.register(Allegation)
class AllegationAdmin(ReadOnlyAdmin):
    country_path = _PERSON_COUNTRY
    list_display = ["person", "category", "occurred_on", "status", "office"]
    list_filter = ["category", "status"]
    list_select_related = ["person", "office"]
    inlines = [AllegationSourceInline, AllegationStatusChangeInline]


@admin.register(AllegationSource)
class AllegationSourceAdmin(ReadOnlyAdmin):
    country_path = _ALLEGATION_COUNTRY
    list_display = ["allegation", "source_reliability", "information_credibility"]
    list_select_related = ["allegation__person"]


@admin.register(AllegationStatusChange)
class AllegationStatusChangeAdmin(ReadOnlyAdmin):
    # Never changed, by the app either: on PostgreSQL its role may only read and append (hrddp.db_roles).
    country_path = _ALLEGATION_COUNTRY
    list_display = ["allegation", "from_status", "to_status", "by", "role", "at"]
    list_filter = ["to_status"]
    list_select_related = ["allegation__person", "by"]


@admin.register(AccountabilityStep)
class AccountabilityStepAdmin(ReadOnlyAdmin):
    """A step is about an allegation (the person's country) or an incident (its recipient's country)."""

    list_display = ["kind", "taken_on", "allegation", "incident", "recorded_by"]
    list_filter = ["kind"]
    list_select_related = ["allegation__person", "incident__recipient", "recorded_by"]

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if access.sees_every_office(request.user):
            return qs
        return access.scoped_by_country(qs, request.user, f"allegation__{_PERSON_COUNTRY}") | access.scoped_by_country(
            qs, request.user, "incident__recipient__country"
        )


@admin.register(SupportContinuation)
class SupportContinuationAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "person", "decided_by", "decided_at"]
    list_select_related = ["engagement", "person", "decided_by"]


class NameScreeningLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = NameScreeningLine
    extra = 0
    fields = ["line_number", "name", "result", "outcome", "decision", "decided_by"]


@admin.register(NameScreening)
class NameScreeningAdmin(ReadOnlyAdmin):
    engagement_path = "activity__engagement"
    list_display = ["title", "activity", "created_by", "created_at"]
    list_select_related = ["activity__engagement", "created_by"]
    inlines = [NameScreeningLineInline]


@admin.register(NameScreeningLine)
class NameScreeningLineAdmin(ReadOnlyAdmin):
    engagement_path = "screening__activity__engagement"
    list_display = ["line_number", "name", "result", "outcome", "screening"]
    list_filter = ["result", "outcome"]
    list_select_related = ["screening"]
