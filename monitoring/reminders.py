"""The daily reminders (domain.md section 6).

Each run selects everything due in a bounded number of queries, records each
reminder once (unique per kind, item and period, so running twice, or twice
at once, changes nothing), and delivers the undelivered ones. Delivery claims
the reminder first, so a reminder is sent once even if two workers try.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import Engagement, Reminder, State
from mitigation.models import MeasureStatus, MitigationMeasure
from monitoring.models import IndicatorMeasurement
from monitoring.quarters import quarter_of

logger = logging.getLogger(__name__)

REASSESS_EVERY = timedelta(days=365)
DUE_SOON = timedelta(days=30)
INDICATOR_GRACE = timedelta(days=14)
SUSPENSION_REVIEW = timedelta(days=30)

@dataclass(frozen=True)
class Due:
    kind: str
    subject: str
    period: str
    engagement_id: int
    detail: str


def _reassessments(today: date) -> list[Due]:
    """Yearly reassessment of projects longer than a year (T/Action 4), from the last endorsement."""
    last_endorsed = (
        RiskAssessment.objects.filter(engagement=OuterRef("pk"), status=AssessmentStatus.ENDORSED)
        .order_by("-decided_at").values("decided_at")[:1]
    )
    found = []
    for e in (
        Engagement.objects.filter(state=State.ACTIVE)
        .annotate(endorsed_at=Subquery(last_endorsed))
        .select_related("project")
        # The state must be loaded: the model reads it on creation (optimistic locking).
        .only("pk", "state", "project__start_date", "project__end_date")
    ):
        if e.endorsed_at is None or not e.project.lasts_over_a_year:
            continue
        due = (e.endorsed_at + REASSESS_EVERY).date()
        if due < today:
            found.append(Due(Reminder.Kind.REASSESSMENT_OVERDUE, f"engagement:{e.pk}", due.isoformat(), e.pk,
                             f"The yearly reassessment was due on {due:%d %B %Y}."))
        elif due - today <= DUE_SOON:
            found.append(Due(Reminder.Kind.REASSESSMENT_DUE, f"engagement:{e.pk}", due.isoformat(), e.pk,
                             f"The yearly reassessment is due on {due:%d %B %Y}."))
    return found


# Where a measure past its due date still matters.
MEASURE_WATCH_STATES = [State.ACTIVE, State.INTERCESSION, State.APPROVAL]
DECISION_STATES = [State.ENDORSEMENT, State.APPROVAL]


def measures_past_due_q(*, today: date) -> Q:
    """A mitigation measure past its due date and not in place, on an engagement where it still matters."""
    return Q(due_date__lt=today, plan__engagement__state__in=MEASURE_WATCH_STATES) & ~Q(
        status__in=[MeasureStatus.IN_PLACE, MeasureStatus.DROPPED]
    )


def decision_waiting_q() -> Q:
    """An engagement waiting for the Chief of Mission's decision longer than the reminders allow."""
    limit = timezone.now() - timedelta(days=settings.HRDDP_DECISION_WAIT_DAYS)
    return Q(state__in=DECISION_STATES, state_changed_at__lt=limit)


def _overdue_measures(today: date) -> list[Due]:
    measures = MitigationMeasure.objects.filter(measures_past_due_q(today=today)).values(
        "pk", "title", "due_date", "plan__engagement_id"
    )
    return [
        Due(Reminder.Kind.MEASURE_OVERDUE, f"measure:{m['pk']}", m["due_date"].isoformat(), m["plan__engagement_id"],
            f"The mitigation measure '{m['title']}' was due on {m['due_date']:%d %B %Y} and is not in place.")
        for m in measures
    ]


def _waiting_decisions(today: date) -> list[Due]:
    waiting = Engagement.objects.filter(decision_waiting_q())
    return [
        Due(Reminder.Kind.DECISION_WAITING, f"engagement:{e.pk}", f"{e.state}:{e.revision}", e.pk,
            f"Waiting for the Chief of Mission's decision since {e.state_changed_at:%d %B %Y} ({e.get_state_display()}).")
        for e in waiting.only("pk", "state", "revision", "state_changed_at")
    ]


def _missing_indicators(today: date) -> list[Due]:
    """Indicators of the last quarter not entered two weeks after it ended."""
    this_quarter = quarter_of(today)
    last = quarter_of(this_quarter.start - timedelta(days=1))
    if today < last.end + INDICATOR_GRACE:
        return []
    entered = IndicatorMeasurement.objects.filter(quarter_start=last.start).values("engagement_id")
    active = Engagement.objects.filter(state=State.ACTIVE, support_approved_at__date__lte=last.end).exclude(pk__in=entered)
    return [
        Due(Reminder.Kind.INDICATORS_MISSING, f"engagement:{pk}", last.label, pk,
            f"The mitigation-effectiveness indicators of {last.label} have not been entered.")
        for pk in active.values_list("pk", flat=True)
    ]


def _unreviewed_suspensions(today: date) -> list[Due]:
    limit = timezone.now() - SUSPENSION_REVIEW
    suspended = Engagement.objects.filter(state=State.SUSPENDED).annotate(last_entry=Max("audit_entries__at"))
    return [
        Due(Reminder.Kind.SUSPENSION_UNREVIEWED, f"engagement:{e.pk}", e.last_entry.date().isoformat(), e.pk,
            f"Support has been suspended with no decision recorded since {e.last_entry:%d %B %Y}.")
        for e in suspended.only("pk", "state")
        if e.last_entry is not None and e.last_entry < limit
    ]


CHECKS = [_reassessments, _overdue_measures, _waiting_decisions, _missing_indicators, _unreviewed_suspensions]


def reminders_due(*, today: date) -> list[Due]:
    return [due for check in CHECKS for due in check(today)]


def reminders_record(*, due: list[Due]) -> list[int]:
    """Record what is due (once each, whatever runs at the same time); return those not yet delivered."""
    Reminder.objects.bulk_create(
        [
            Reminder(kind=d.kind, subject=d.subject, period=d.period, engagement_id=d.engagement_id, detail=d.detail)
            for d in due
        ],
        ignore_conflicts=True, batch_size=500,
    )
    return list(Reminder.objects.filter(sent_at__isnull=True).values_list("pk", flat=True))


