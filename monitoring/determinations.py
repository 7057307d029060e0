"""The Chief of Mission's determination that an incident gives substantial grounds of a grave violation (P¶26).

The project manager proposes (logs the incident, classifies it a grave violation with its categories, grades its
source, adds corroborating sources); the Chief of Mission of the engagement's office determines, with reasons, on
information reliable enough (`determination_refusals`), and can withdraw a determination found mistaken, with
reasons. Information whose only source is graded low (reliability E or F, or credibility 5 or 6) grounds a
determination only when an independent source graded A–D and 1–4 corroborates it, or when the incident is verified.

Each write checks the permission (hrddp.access), writes in one transaction with its audit entry; a determination
sets the incident's `substantial_grounds`, escalates it (monitoring.escalation, P¶25) and announces it
(monitoring.signals.incidents_graded_grave) in that transaction; a withdrawal clears the flag.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, Role, User
from hrddp.services import audit_record
from monitoring.escalation import incident_escalate
from monitoring.incident_rules import incident_grade
from monitoring.models import (
    CorroboratingSource,
    GraveViolationDetermination,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
)
from monitoring.signals import incidents_graded_grave

LOW_RELIABILITY = frozenset({SourceReliability.E, SourceReliability.F})
LOW_CREDIBILITY = frozenset({InformationCredibility.IMPROBABLE, InformationCredibility.CANNOT_JUDGE})
_REASONS_MAX = 20000

_RELIABILITY_WORDS = {
    "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable", "D": "not usually reliable",
    "E": "unreliable", "F": "reliability cannot be judged",
}
_CREDIBILITY_WORDS = {
    "1": "confirmed by other sources", "2": "probably true", "3": "possibly true", "4": "doubtful",
    "5": "improbable", "6": "truth cannot be judged",
}


def is_low(reliability: str, credibility: str) -> bool:
    """Whether a grade is too low to ground a determination on its own: reliability E or F, or credibility 5 or 6."""
    return reliability in LOW_RELIABILITY or credibility in LOW_CREDIBILITY


def _grade_words(reliability: str, credibility: str) -> str:
    return f"{_RELIABILITY_WORDS.get(reliability, reliability)}; {_CREDIBILITY_WORDS.get(credibility, credibility)}"


def _sources(incident: Incident) -> list[CorroboratingSource]:
    # The page prefetches them; a service call reads them once.
    return list(incident.corroborating_sources.all())


def determination_in_force(incident: Incident) -> GraveViolationDetermination | None:
    for determination in incident.determinations.all():
        if determination.withdrawn_at is None:
            return determination
    return None


def determination_refusals(incident: Incident) -> list[str]:
    """Why the Chief of Mission cannot determine a grave violation on this incident yet, in a project manager's
    words; empty when a determination may be made."""
    refusals = []
    if determination_in_force(incident) is not None:
        refusals.append("A determination is already in force on this incident; withdraw it first to make another.")
    if not incident.grave_violation:
        refusals.append(
            "The incident is not classified as a grave violation: the project manager classifies it first, "
            "with its violation categories."
        )
    if incident.verification_status == VerificationStatus.UNFOUNDED:
        refusals.append("The incident is marked unfounded: it cannot ground a determination.")
    elif is_low(incident.source_reliability, incident.information_credibility) and (
        incident.verification_status != VerificationStatus.CORROBORATED
    ):
        corroborating = [
            s for s in _sources(incident)
            if s.independent and not is_low(s.source_reliability, s.information_credibility)
        ]
        if not corroborating:
            grade = incident_grade(incident)
            words = _grade_words(incident.source_reliability, incident.information_credibility)
            refusals.append(
                f"The only source is graded {grade} ({words}): it can ground a determination only when "
                "corroborated by an independent source graded A–D and 1–4, or when the incident is verified "
                "(corroborated)."
            )
    return refusals


def _grades_snapshot(incident: Incident) -> dict:
    return {
        "incident": incident_grade(incident),
        "verification": incident.verification_status,
        "corroborating_sources": [
            {
                "id": s.pk, "grade": f"{s.source_reliability}{s.information_credibility}",
                "independent": s.independent,
            }
            for s in _sources(incident)
        ],
    }


def _role_of(user: User, engagement) -> str:
    roles = {role for role, office in access.memberships_of(user) if office in (engagement.office_id, None)}
    for role in (Role.CHIEF_OF_MISSION, Role.HQ_HUMAN_RIGHTS, Role.REGIONAL_SPECIALIST, Role.PROJECT_MANAGER):
        if role in roles:
            return role.label
    return "Delegate of the Chief of Mission"


def _locked(incident: Incident) -> Incident:
    current = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("recipient__parent__parent", "engagement")
        .get(pk=incident.pk)
    )
    return current


def grave_violation_determine(*, by: User, incident: Incident, reasons: str) -> GraveViolationDetermination:
    """Determine that reliable information gives substantial grounds to believe the incident is a grave
    violation (P¶26). Raises PermissionDenied unless `by` decides for the engagement (its Chief of Mission or a
    delegate), ValidationError with the reasons it cannot be determined yet."""
    engagement = incident.engagement
    access.require_decide(
        by, engagement, "Only the Chief of Mission (or a delegate) determines a grave violation on reliable information."
    )
    reasons = (reasons or "").strip()
    with transaction.atomic():
        current = _locked(incident)
        current.engagement = engagement
        errors = {}
        refusals = determination_refusals(current)
        if refusals:
            errors["__all__"] = refusals
        if not reasons:
            errors["reasons"] = ["Give the reasons: what information, from which sources, grounds the determination."]
        elif len(reasons) > _REASONS_MAX:
            errors["reasons"] = [f"Keep the reasons to {_REASONS_MAX} characters."]
        if errors:
            raise ValidationError(errors)
        grades = _grades_snapshot(current)
        determination = GraveViolationDetermination.objects.create(
            incident=current, determined_by=by, role=_role_of(by, engagement), determined_at=timezone.now(),
            reasons=reasons, grades=grades,
        )
        Incident.objects.filter(pk=current.pk).update(substantial_grounds=True)
        current.substantial_grounds = True
        escalated = incident_escalate(incident=current) is not None
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.DETERMINE_GRAVE_VIOLATION,
            justification=(
                f"Determined that reliable information gives substantial grounds to believe the incident of "
                f"{current.occurred_on:%d %B %Y} against {current.recipient} is a grave violation (P¶26), on "
                f"information graded {grades['incident']}. Reasons: {reasons}"
                + (" The Chief of Mission and HQ were alerted (P¶25) and the risk assessment is flagged for "
                   "reassessment." if escalated else "")
            ),
            details={
                "incident": current.pk, "determination": determination.pk, "grades": grades, "escalated": escalated,
            },
        )
        incidents_graded_grave.send(sender=Incident, incidents=[current], by=by)
    incident.substantial_grounds = True
    incident.escalated_at = current.escalated_at
    return determination


def grave_violation_determination_withdraw(
    *, by: User, determination: GraveViolationDetermination, reason: str
) -> GraveViolationDetermination:
    """Record that a determination was mistaken: the incident no longer gives substantial grounds."""
    incident = determination.incident
    engagement = incident.engagement
    access.require_decide(by, engagement, "Only the Chief of Mission (or a delegate) withdraws a determination.")
    reason = (reason or "").strip()
    with transaction.atomic():
        current = GraveViolationDetermination.objects.select_for_update().get(pk=determination.pk)
        if current.withdrawn_at is not None:
            raise ValidationError({"__all__": ["This determination was already withdrawn."]})
        if not reason:
            raise ValidationError({"reason": ["Say why the determination was mistaken."]})
        if len(reason) > _REASONS_MAX:
            raise ValidationError({"reason": [f"Keep the reason to {_REASONS_MAX} characters."]})
        current.withdrawn_at = timezone.now()
        current.withdrawn_by = by
        current.withdrawal_reason = reason
        current.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        Incident.objects.filter(pk=incident.pk).update(substantial_grounds=False)
        incident.substantial_grounds = False
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.WITHDRAW_DETERMINATION,
            justification=(
                f"Withdrew the determination of {current.determined_at:%d %B %Y} on the incident of "
                f"{incident.occurred_on:%d %B %Y}: reliable information no longer gives substantial grounds. "
                f"Reason: {reason}"
            ),
            details={"incident": incident.pk, "determination": current.pk},
        )
    return current


def corroborating_source_add(
    *, by: User, incident: Incident, description: str, source_reliability: str, information_credibility: str,
    independent: bool = True,
) -> CorroboratingSource:
    """Record another source of the incident's information, graded (T/Action 6). The project manager or the
    Chief of Mission of the engagement."""
    engagement = incident.engagement
    if not access.may_prepare_or_decide(by, engagement):
        raise PermissionDenied("Only the engagement's project manager or Chief of Mission adds a source.")
    description = (description or "").strip()
    errors = {}
    if not description:
        errors["description"] = ["Say who or what the source is, and what it says."]
    elif len(description) > _REASONS_MAX:
        errors["description"] = [f"Keep the description to {_REASONS_MAX} characters."]
    if source_reliability not in SourceReliability.values:
        errors["source_reliability"] = ["Grade the reliability of the source from A to F."]
    if information_credibility not in InformationCredibility.values:
        errors["information_credibility"] = ["Grade the credibility of the information from 1 to 6."]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        source = CorroboratingSource.objects.create(
            incident=incident, description=description, source_reliability=source_reliability,
            information_credibility=information_credibility, independent=bool(independent), recorded_by=by,
        )
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.UPDATE_INCIDENT,
            justification=(
                f"Added a {'independent' if source.independent else 'non-independent'} source graded "
                f"{source_reliability}{information_credibility} to the incident of {incident.occurred_on:%d %B %Y}."
            ),
            details={"incident": incident.pk, "corroborating_source": source.pk},
        )
    return source
