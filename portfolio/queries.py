"""The querysets behind the dashboard, the lists and the exports.

One place says what "overdue", "waiting for a decision" or "the engagement's
risk" mean, so that a number on the dashboard and the list it links to are
the same query. Every function starts from what the user may see
(hrddp.access) and adds no query per row: risks are annotated, related rows
selected or prefetched.
"""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp import access
from hrddp.models import ENDED_STATES, PREPARING_STATES, SUPPORTED_STATES, AuditEntry, Engagement, Project, State
from interventions.models import Letter
from mitigation.models import MitigationMeasure
from monitoring.models import Incident

# What is overdue or waiting is what the daily reminders say it is.
from monitoring.reminders import REASSESS_EVERY, decision_waiting_q, measures_past_due_q

NOT_RATED = "none"

# Stages group the states the way HQ reads a portfolio.
STAGES = {
    "open": ("Open (not ended)", [s for s in State if s not in ENDED_STATES]),
    "preparing": ("Being prepared (Actions 1–5)", PREPARING_STATES),
    "supported": ("Support under way (active, intercession, suspended)", SUPPORTED_STATES),
    "ended": ("Ended", ENDED_STATES),
}

# The decisions and events of Action 7 that HQ follows over a period.
EVENTS = {
    "open_intercession": "Intercession opened",
    "suspend": "Support suspended",
    "resume": "Support resumed",
    "cease": "Support ceased",
    "resolve": "Result A: violations addressed",
    "approve_support": "Support approved",
    "close": "Closed at project end",
}


# --- Engagements ---------------------------------------------------------------------------


def _assessed_risk():
    latest = RiskAssessment.objects.filter(engagement=OuterRef("pk")).order_by("-version").values("final_rating")[:1]
    return Coalesce(NullIf(Subquery(latest), Value("")), Value(NOT_RATED))


def _last_endorsed_at():
    return Subquery(
        RiskAssessment.objects.filter(engagement=OuterRef("pk"), status=AssessmentStatus.ENDORSED)
        .order_by("-decided_at").values("decided_at")[:1]
    )


def engagements_for(user) -> QuerySet[Engagement]:
    """The engagements the user sees, with their risks annotated and the rows a list shows selected.

    `assessed_risk`: the final rating of the latest assessment; `residual_risk`: the risk the plan says
    remains after mitigation; either is "none" while not stated."""
    return (
        access.visible_engagements(user)
        .select_related("office", "recipient", "project")
        .annotate(
            assessed_risk=_assessed_risk(),
            residual_risk=Coalesce(NullIf(F("mitigation_plan__residual_risk"), Value("")), Value(NOT_RATED)),
        )
    )


def reassessment_overdue_q(*, today: date) -> Q:
    """Active support whose yearly reassessment is overdue (projects over a year, T/Action 4), or that
    monitoring flagged for reassessment. Needs `last_endorsed_at` (with_last_endorsed)."""
    yearly = Project.lasts_over_a_year_q("project__") & Q(last_endorsed_at__date__lt=today - REASSESS_EVERY)
    return Q(state=State.ACTIVE) & (yearly | Q(reassessment_flagged_at__isnull=False))


def with_last_endorsed(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return engagements.annotate(last_endorsed_at=_last_endorsed_at())


def has_measures_past_due(*, today: date):
    return Exists(MitigationMeasure.objects.filter(measures_past_due_q(today=today), plan__engagement=OuterRef("pk")))


OVERDUE = {
    "reassessment": "Reassessment overdue or flagged",
    "measures": "Mitigation measures past due",
    "decision": "Waiting for the Chief of Mission's decision",
}


def engagements_overdue(engagements: QuerySet[Engagement], kind: str, *, today: date) -> QuerySet[Engagement]:
    if kind == "reassessment":
        return with_last_endorsed(engagements).filter(reassessment_overdue_q(today=today))
    if kind == "measures":
        return engagements.filter(has_measures_past_due(today=today))
    if kind == "decision":
        return engagements.filter(decision_waiting_q())
    return engagements


def engagements_with_event(engagements, action: str, *, start: date | None, end: date | None):
    """Engagements on which the decision `action` was taken in the period (from the audit trail)."""
    entries = AuditEntry.objects.filter(engagement=OuterRef("pk"), action=action)
    if start:
        entries = entries.filter(at__date__gte=start)
    if end:
        entries = entries.filter(at__date__lte=end)
    return engagements.filter(Exists(entries))


# --- Incidents, measures, letters ----------------------------------------------------------


def incidents_for(user) -> QuerySet[Incident]:
    return access.scoped_by_engagement(Incident.objects.all(), user, "engagement").select_related(
        "engagement__office", "recipient__parent__parent"
    )


def measures_for(user, *, today: date | None = None) -> QuerySet[MitigationMeasure]:
    """The measures the user sees; `past_due` says whether each is past due by the reminders' rule."""
    past_due = measures_past_due_q(today=today or timezone.localdate())
    return (
        access.scoped_by_engagement(MitigationMeasure.objects.all(), user, "plan__engagement")
        .select_related("plan__engagement__office", "plan__engagement__recipient")
        .annotate(past_due=Case(When(past_due, then=Value(True)), default=Value(False), output_field=BooleanField()))
    )


def letters_for(user) -> QuerySet[Letter]:
    return (
        access.scoped_by_engagement(Letter.objects.all(), user, "engagement")
        .select_related("engagement__office", "signatory", "issued_by")
        .defer("body")
    )


def audit_entries_for(user):
    """The audit trail the user reads on its page (hrddp.access), with who and which engagement."""
    return access.audit_entries_visible(user).select_related("actor", "engagement__office")
