"""What each endpoint lists: the records the user may see (hrddp.access), with what its serializer reads
selected or prefetched, so that a page of any size costs the same few queries.

The pages' lists build theirs in portfolio.queries, which sits beside this app (and so is not imported);
both start from the same hrddp.access scoping and add only joins.
"""

from __future__ import annotations

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from assessments.models import CoordinationRecord, PreconditionsCheck, RiskAssessment, Screening
from hrddp import access
from hrddp.models import (
    AuditEntry,
    CommandPeriod,
    Engagement,
    Notification,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    SupportActivity,
    User,
)
from interventions.models import Exclusion, InterventionCase, Letter
from mitigation.models import MitigationMeasure, MitigationPlan
from monitoring.models import Incident, IndicatorMeasurement
from register.models import Allegation

NOT_RATED = "none"


def offices_for(user: User) -> QuerySet[Office]:
    return access.visible_offices(user).order_by("code")


def recipients_for(user: User) -> QuerySet[Recipient]:
    return access.visible_recipients(user).select_related("parent").order_by("country", "name", "pk")


def recipient_detail_for(user: User) -> QuerySet[Recipient]:
    """A recipient with its units, persons of interest (with their command periods and the allegations against
    them) and the command periods over it: the register's record, shared by the offices of its country."""
    return recipients_for(user).prefetch_related(
        Prefetch("children", queryset=Recipient.objects.order_by("name", "pk")),
        Prefetch(
            "persons_of_interest",
            queryset=PersonOfInterest.objects.order_by("full_name", "pk").prefetch_related(
                Prefetch("command_periods", queryset=CommandPeriod.objects.select_related("unit").order_by("-start_date", "pk")),
                Prefetch("allegations", queryset=Allegation.objects.select_related("office").order_by("-occurred_on", "pk")),
            ),
        ),
        Prefetch("command_periods", queryset=CommandPeriod.objects.select_related("person").order_by("-start_date", "pk")),
    )


def recipient_exclusions(recipient: Recipient) -> QuerySet[Exclusion]:
    """The exclusions over the recipient: of it or the force or command above it, and of its persons of interest
    (as the recipient's page lists them, register.selectors.recipient_exclusions)."""
    above = [r.pk for r in recipient.lineage()]
    return (
        Exclusion.objects.filter(Q(unit_id__in=above) | Q(person__recipient=recipient))
        .select_related("unit", "person", "engagement")
        .order_by("-excluded_at", "-pk")
    )


def projects_for(user: User) -> QuerySet[Project]:
    return access.scoped_by_office(Project.objects.all(), user, "office").select_related("office").order_by("code", "pk")


def _assessed_risk():
    latest = RiskAssessment.objects.filter(engagement=OuterRef("pk")).order_by("-version").values("final_rating")[:1]
    return Coalesce(NullIf(Subquery(latest), Value("")), Value(NOT_RATED))


def engagements_for(user: User) -> QuerySet[Engagement]:
    """The engagements the user sees, with the latest assessment's rating and the plan's residual risk."""
    return (
        access.visible_engagements(user)
        .select_related("office", "recipient", "project")
        .annotate(
            assessed_risk=_assessed_risk(),
            residual_risk=Coalesce(NullIf("mitigation_plan__residual_risk", Value("")), Value(NOT_RATED)),
        )
    )


def engagement_detail_for(user: User) -> QuerySet[Engagement]:
    return engagements_for(user).select_related("focal_point", "created_by", "recipient__parent__parent").prefetch_related(
        Prefetch("activities", queryset=SupportActivity.objects.select_related("target_unit").order_by("pk")),
    )


def engagement_history(engagement: Engagement) -> QuerySet[AuditEntry]:
    return engagement.audit_entries.select_related("actor").order_by("at", "pk")


def _by_engagement(queryset: QuerySet, user: User, path: str = "engagement") -> QuerySet:
    return access.scoped_by_engagement(queryset, user, path)


def activities_for(user: User) -> QuerySet[SupportActivity]:
    return _by_engagement(SupportActivity.objects.all(), user).select_related("engagement", "target_unit").order_by("pk")


def screenings_for(user: User) -> QuerySet[Screening]:
    return _by_engagement(Screening.objects.all(), user).select_related("engagement").order_by("pk")


def preconditions_for(user: User) -> QuerySet[PreconditionsCheck]:
    return _by_engagement(PreconditionsCheck.objects.all(), user).select_related("engagement").order_by("pk")


def coordination_for(user: User) -> QuerySet[CoordinationRecord]:
    return _by_engagement(CoordinationRecord.objects.all(), user).select_related("engagement").order_by("pk")


def assessments_for(user: User) -> QuerySet[RiskAssessment]:
    """Every version of every assessment the user sees, with its elements, sources and risk factors."""
    return (
        _by_engagement(RiskAssessment.objects.all(), user)
        .select_related("engagement", "created_by", "decided_by")
        .prefetch_related("elements", "sources", "risk_factors")
        .order_by("engagement_id", "version")
    )


def plans_for(user: User) -> QuerySet[MitigationPlan]:
    return (
        _by_engagement(MitigationPlan.objects.all(), user)
        .select_related("engagement", "submitted_by")
        .prefetch_related(Prefetch(
            "measures", queryset=MitigationMeasure.objects.prefetch_related("risk_factors").order_by("due_date", "pk")
        ))
        .order_by("pk")
    )


def measures_for(user: User) -> QuerySet[MitigationMeasure]:
    return (
        _by_engagement(MitigationMeasure.objects.all(), user, "plan__engagement")
        .select_related("plan__engagement")
        .prefetch_related("risk_factors")
        .order_by("due_date", "pk")
    )


def incidents_for(user: User) -> QuerySet[Incident]:
    return (
        _by_engagement(Incident.objects.all(), user)
        # The presenter names the recipient with its lineage (force › command › unit).
        .select_related("engagement", "recipient__parent__parent", "logged_by")
        .prefetch_related(Prefetch("persons_implicated", queryset=PersonOfInterest.objects.select_related("recipient")))
        .order_by("-occurred_on", "-pk")
    )


def indicators_for(user: User) -> QuerySet[IndicatorMeasurement]:
    return _by_engagement(IndicatorMeasurement.objects.all(), user).select_related("engagement", "entered_by").order_by(
        "-quarter_start", "pk"
    )


def cases_for(user: User) -> QuerySet[InterventionCase]:
    return (
        _by_engagement(InterventionCase.objects.all(), user)
        .select_related("engagement", "opened_by")
        .prefetch_related("incidents")
        .order_by("-opened_at", "-pk")
    )


def letters_for(user: User) -> QuerySet[Letter]:
    return (
        _by_engagement(Letter.objects.all(), user)
        .select_related("engagement", "signatory", "issued_by")
        .defer("body")
        .order_by("-created_at", "-pk")
    )


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, and no one else's."""
    return Notification.objects.filter(user=user).select_related("engagement").order_by("-created_at", "-pk")
