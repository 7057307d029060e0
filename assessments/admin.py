"""Actions 1–4 in the admin: shown only. Screenings, preconditions, coordination and risk assessments are
filled in, submitted, endorsed or returned in the app, which checks the stage and audits each step."""

from django.contrib import admin

from assessments.models import (
    AssessmentElement,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskAssessment,
    RiskFactor,
    Screening,
)
from hrddp.admin_scoping import ReadOnlyAdmin, ReadOnlyInlineMixin


@admin.register(Screening)
class ScreeningAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "engages_security_force", "provides_support", "entirely_exempt", "prudential_assessment"]
    list_select_related = ["engagement"]


@admin.register(PreconditionsCheck)
class PreconditionsCheckAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "national_ownership_met", "no_death_penalty_met", "no_weapons_met", "no_combat_capacity_met"]
    list_select_related = ["engagement"]


@admin.register(CoordinationRecord)
class CoordinationRecordAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "mechanism_exists", "gpraf_reference", "gpraf_date"]
    list_select_related = ["engagement"]


class AssessmentElementInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = AssessmentElement
    extra = 0


class CitedSourceInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = CitedSource
    extra = 0


class RiskFactorInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = RiskFactor
    extra = 0


@admin.register(RiskAssessment)
class RiskAssessmentAdmin(ReadOnlyAdmin):
    engagement_path = "engagement"
    list_display = ["engagement", "version", "status", "final_rating"]
    list_filter = ["status", "final_rating"]
    list_select_related = ["engagement"]
    inlines = [AssessmentElementInline, CitedSourceInline, RiskFactorInline]


@admin.register(AssessmentElement)
class AssessmentElementAdmin(ReadOnlyAdmin):
    engagement_path = "assessment__engagement"
    list_display = ["assessment", "element", "rating"]
    list_select_related = ["assessment__engagement"]


@admin.register(CitedSource)
class CitedSourceAdmin(ReadOnlyAdmin):
    engagement_path = "assessment__engagement"
    list_display = ["citation", "reliability", "is_un_source", "assessment"]
    list_select_related = ["assessment__engagement"]


@admin.register(RiskFactor)
class RiskFactorAdmin(ReadOnlyAdmin):
    engagement_path = "assessment__engagement"
    list_display = ["description", "assessment"]
    list_select_related = ["assessment__engagement"]
