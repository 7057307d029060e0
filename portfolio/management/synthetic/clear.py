"""Removing the synthetic portfolio, and only it.

Audit entries and issued letters refuse to be deleted through the ORM (and,
on PostgreSQL, through database triggers). The synthetic ones are removed
with raw deletes scoped to the synthetic offices and users; where a trigger
refuses, nothing is removed and the caller is told to drop the database.
"""

from __future__ import annotations

from collections import Counter

from django.db import DatabaseError, models, transaction
from django.db.models import Q, QuerySet

from assessments.models import (
    AssessmentElement,
    CitedSource,
    CoordinationRecord,
    PreconditionsCheck,
    RiskAssessment,
    RiskFactor,
    Screening,
)
from hrddp.models import (
    AuditEntry,
    CommandPeriod,
    Engagement,
    GovernmentFocalPoint,
    Membership,
    Office,
    PersonOfInterest,
    Project,
    Recipient,
    SupportActivity,
    User,
)
from interventions.models import Exclusion, InterventionCase, Letter, LetterSequence
from mitigation.models import InterventionProcedure, MitigationMeasure, MitigationPlan
from monitoring.models import Incident, IndicatorMeasurement
from portfolio.management.synthetic.build import BENCH_HQ, BENCH_PM, OFFICE_PREFIX, USER_PREFIX
from portfolio.management.synthetic.names import COUNTRY_PREFIX
from register.models import Allegation

# Exactly the codes the generator gives: "syn" and digits.
OFFICE_CODE_PATTERN = rf"^{OFFICE_PREFIX}[0-9]+$"


class ClearRefused(Exception):
    pass


def synthetic_offices() -> QuerySet[Office]:
    return Office.objects.filter(code__regex=OFFICE_CODE_PATTERN)


def synthetic_users() -> QuerySet[User]:
    return User.objects.filter(Q(username__in=[BENCH_HQ, BENCH_PM]) | Q(username__startswith=USER_PREFIX))


def synthetic_present() -> bool:
    return synthetic_offices().exists() or synthetic_users().exists()


def _raw_delete(queryset: QuerySet) -> int:
    # Bypasses the permanent-record guards of AuditEntry and Letter on purpose.
    return queryset._raw_delete(queryset.db) or 0


def portfolio_clear() -> Counter[str]:
    """Delete every synthetic row; all or nothing."""
    counts: Counter[str] = Counter()
    offices = synthetic_offices()
    users = synthetic_users()
    engagements = Engagement.objects.filter(office__in=offices)

    def remove(model: type[models.Model], queryset: QuerySet) -> None:
        counts[model._meta.label] += _raw_delete(queryset)

    try:
        with transaction.atomic():
            # PROTECT foreign keys point at engagements from these: they go first.
            remove(AuditEntry, AuditEntry.objects.filter(Q(engagement__in=engagements) | Q(actor__in=users)))
            cases_incidents = InterventionCase.incidents.through
            remove(cases_incidents, cases_incidents.objects.filter(interventioncase__engagement__in=engagements))
            persons_implicated = Incident.persons_implicated.through
            remove(persons_implicated, persons_implicated.objects.filter(incident__engagement__in=engagements))
            remove(Exclusion, Exclusion.objects.filter(engagement__in=engagements))
            remove(Letter, Letter.objects.filter(engagement__in=engagements))
            remove(Incident, Incident.objects.filter(engagement__in=engagements))
            remove(InterventionCase, InterventionCase.objects.filter(engagement__in=engagements))
            targets = MitigationMeasure.risk_factors.through
            remove(targets, targets.objects.filter(mitigationmeasure__plan__engagement__in=engagements))
            remove(MitigationMeasure, MitigationMeasure.objects.filter(plan__engagement__in=engagements))
            remove(MitigationPlan, MitigationPlan.objects.filter(engagement__in=engagements))
            for model in (RiskFactor, CitedSource, AssessmentElement):
                remove(model, model.objects.filter(assessment__engagement__in=engagements))
            for model in (RiskAssessment, Screening, PreconditionsCheck, CoordinationRecord, InterventionProcedure,
                          IndicatorMeasurement, SupportActivity):
                remove(model, model.objects.filter(engagement__in=engagements))
            # The ORM delete collects whatever else hangs off them (notifications, reminders, grants).
            counts[Engagement._meta.label] += engagements.delete()[1].get(Engagement._meta.label, 0)
            remove(Project, Project.objects.filter(office__in=offices))
            remove(LetterSequence, LetterSequence.objects.filter(office__in=offices))
            remove(GovernmentFocalPoint, GovernmentFocalPoint.objects.filter(office__in=offices))
            recipients = Recipient.objects.filter(country__startswith=COUNTRY_PREFIX)
            remove(CommandPeriod, CommandPeriod.objects.filter(Q(unit__in=recipients) | Q(person__recipient__in=recipients)))
            remove(Allegation, Allegation.objects.filter(person__recipient__in=recipients))
            remove(PersonOfInterest, PersonOfInterest.objects.filter(recipient__in=recipients))
            remove(Recipient, recipients)
            remove(Membership, Membership.objects.filter(Q(user__in=users) | Q(office__in=offices)))
            for label, deleted in users.delete()[1].items():
                counts[label] += deleted
            counts[Office._meta.label] += offices.delete()[1].get(Office._meta.label, 0)
    except DatabaseError as exc:
        raise ClearRefused(
            f"The database refused to delete the synthetic audit entries or issued letters ({exc}). "
            "Audit entries are permanent on PostgreSQL: drop the database instead."
        ) from exc
    return counts
