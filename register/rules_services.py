"""The way out of the commanders' rule (P¶16): the Chief of Mission records why support may go on although a
current commander of the supported unit is flagged, on the plan's measure that keeps that person out of it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hrddp import access
from hrddp.models import ENDED_STATES, AuditAction, Engagement, PersonOfInterest, State, User
from hrddp.services import audit_record, engagement_locked
from mitigation.models import MeasureStatus, MitigationMeasure
from register.models import SupportContinuation
from register.rules import commander_flags

# Before the mitigation plan is drawn up, the reasons are recorded without a measure (enough to endorse).
BEFORE_PLAN_STATES = (State.DRAFT, State.SCREENING, State.PRECONDITIONS, State.COORDINATION, State.ASSESSMENT,
                      State.ENDORSEMENT)


@transaction.atomic
def support_continuation_record(
    *, by: User, engagement: Engagement, person: PersonOfInterest, measure: MitigationMeasure | None, reason: str,
) -> SupportContinuation:
    """Record (or record again, on another measure or with other reasons) why support may go on while `person`, a
    flagged current commander of the supported units, is kept out of it by `measure` of the engagement's plan.

    Refuses with PermissionDenied unless `by` is the Chief of Mission of the engagement's office (or holds the
    decision on it), and ValidationError (by field) otherwise; nothing is written then."""
    engagement = engagement_locked(engagement)
    access.require_decide(by, engagement, "Only the Chief of Mission records why support may go on.")
    if engagement.state in ENDED_STATES:
        raise ValidationError("The engagement has ended: there is no support to go on.")
    errors = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = (
            "Say why support may go on, e.g. the officer's removal from command or how the measure keeps "
            "this person away from the support."
        )
    flag = next((f for f in commander_flags(engagement) if f.person.pk == person.pk), None)
    if flag is None:
        errors["person"] = (
            f"{person} is not a current commander of the supported units with a substantiated allegation or an "
            "exclusion: there is nothing to record."
        )
    if measure is None:
        if engagement.state not in BEFORE_PLAN_STATES:
            errors["measure"] = "Choose the mitigation plan's measure that excludes this person from the support."
    elif measure.plan.engagement_id != engagement.pk:
        errors["measure"] = "The measure belongs to another engagement's plan."
    elif measure.excludes_person_id != person.pk:
        errors["measure"] = f"The measure “{measure.title}” does not exclude {person} from the support."
    elif measure.status == MeasureStatus.DROPPED:
        errors["measure"] = f"The measure “{measure.title}” was dropped from the plan."
    if errors:
        raise ValidationError(errors)
    continuation, created = SupportContinuation.objects.update_or_create(
        engagement=engagement, person=person,
        defaults={"measure": measure, "reason": reason, "decided_by": by, "decided_at": timezone.now()},
    )
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.RECORD_SUPPORT_CONTINUATION, justification=reason,
        details={
            "continuation": continuation.pk, "person": person.pk, "person_name": str(person),
            "measure": measure.pk if measure else None, "measure_title": measure.title if measure else "", "recorded_again": not created,
            "flagged": flag.stated,
        },
    )
    return continuation
