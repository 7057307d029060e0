"""Logging and editing an incident (T/Action 6, P¶25).

`incident_log` and `incident_update` validate (monitoring.incident_rules), save, write the audit entry and,
when the incident gives substantial grounds of a grave violation (which only the Chief of Mission's
determination records, monitoring.determinations), alert the Chief of Mission and HQ and flag
the assessment (monitoring.escalation, P¶25) — all in one transaction. An incident that comes to give those grounds
is announced (monitoring.signals.incidents_graded_grave) in the same transaction, for the register to alert the
other engagements supporting the same unit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, Engagement, User
from hrddp.services import audit_record
from monitoring.escalation import incident_escalate
from monitoring.incident_rules import FIELDS, PUBLIC_FIELDS, incident_grade, incident_problems, normalise
from monitoring.models import (
    CONFIDENTIAL_FIELDS,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
)
from monitoring.signals import incidents_graded_grave

# The fields' names as the audit trail says what changed.
_LABELS = {name: Incident._meta.get_field(name).verbose_name for name in FIELDS}
_LABELS.update({"persons_implicated": "persons implicated", "categories": "violation categories"})


def _summary(incident: Incident) -> str:
    categories = ", ".join(incident.category_labels()).lower() or "no violation category"
    text = (
        f"Incident of {incident.occurred_on:%d %B %Y} against {incident.recipient} "
        f"({categories}; graded {incident_grade(incident)}; {incident.get_verification_status_display().lower()})."
    )
    if incident.gives_substantial_grounds_of_grave_violation:
        text += " Classified as a grave violation; the Chief of Mission determined substantial grounds."
    elif incident.grave_violation:
        text += " Classified as a grave violation; substantial grounds not determined yet."
    return text


def _escalate(incident: Incident) -> bool:
    """Alert the Chief of Mission and HQ and flag the assessment, once per incident (P¶25)."""
    if not incident.gives_substantial_grounds_of_grave_violation:
        return False
    return incident_escalate(incident=incident) is not None


_ESCALATED = " The Chief of Mission and HQ were alerted (P¶25) and the risk assessment is flagged for reassessment."


def incident_log(*, engagement: Engagement, by: User, data: dict, persons) -> Incident:
    """Record an allegation against the engagement's recipient (or one of its commands or units).

    Raises PermissionDenied unless `by` prepares this engagement (its project manager), and
    ValidationError (by field) for what is wrong; nothing is saved then."""
    access.require_prepare(by, engagement, "Only the engagement's project manager logs incidents.")
    values = normalise(data)
    persons = list(persons or [])
    full = {name: values.get(name) for name in PUBLIC_FIELDS}
    for name, default in (
        ("place", ""), ("description", ""), ("categories", []), ("source_reliability", SourceReliability.F),
        ("information_credibility", InformationCredibility.CANNOT_JUDGE),
        ("verification_status", VerificationStatus.UNVERIFIED), ("grave_violation", False),
    ):
        if full[name] is None:
            full[name] = default
    errors = incident_problems(engagement=engagement, values=full, persons=persons)
    if errors:
        raise ValidationError(errors)
    incident = Incident(engagement=engagement, logged_by=by, logged_at=timezone.now(), **full)
    for name in CONFIDENTIAL_FIELDS:
        setattr(incident, name, values.get(name, ""))
    with transaction.atomic():
        incident.save()
        incident.persons_implicated.set(persons)
        escalated = _escalate(incident)
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.LOG_INCIDENT,
            justification=f"Logged: {_summary(incident)}" + (_ESCALATED if escalated else ""),
            details={
                "incident": incident.pk, "grave_violation": incident.grave_violation,
                "substantial_grounds": incident.substantial_grounds, "escalated": escalated,
            },
        )
        if incident.gives_substantial_grounds_of_grave_violation:
            incidents_graded_grave.send(sender=Incident, incidents=[incident], by=by)
    return incident


def incident_update(*, incident: Incident, by: User, data: dict, persons) -> Incident:
    """Change an incident. Fields absent from `data` stay as they are; so do the persons implicated when
    `persons` is None. Confidential details are changed only by someone granted confidential access.

    Escalates (once per incident) when the incident now gives substantial grounds of a grave violation."""
    engagement = incident.engagement
    access.require_prepare(by, engagement, "Only the engagement's project manager edits incidents.")
    values = normalise(data)
    if any(name in values for name in CONFIDENTIAL_FIELDS) and not access.may_see_confidential(by, engagement):
        raise PermissionDenied("Only someone granted confidential access on this engagement changes those details.")
    with transaction.atomic():
        current = (
            # Lock the incident's row only: PostgreSQL cannot lock the nullable side of the joins.
            Incident.objects.select_for_update(of=("self",))
            .select_related("recipient__parent__parent")
            .get(pk=incident.pk, engagement=engagement)
        )
        current.engagement = engagement
        before = {name: getattr(current, name) for name in FIELDS}
        before_persons = set(current.persons_implicated.values_list("pk", flat=True))
        full = {name: values.get(name, before[name]) for name in PUBLIC_FIELDS}
        new_persons = list(persons) if persons is not None else list(current.persons_implicated.all())
        errors = incident_problems(engagement=engagement, values=full, persons=new_persons)
        if current.substantial_grounds and (
            not full["grave_violation"] or full["verification_status"] == VerificationStatus.UNFOUNDED
        ):
            errors.setdefault("grave_violation", []).append(
                "The Chief of Mission has determined a grave violation on this incident: the Chief of Mission "
                "withdraws the determination before it is declassified or marked unfounded."
            )
        if errors:
            raise ValidationError(errors)
        for name in FIELDS:
            if name in values:
                setattr(current, name, values[name])
        changed = [name for name in FIELDS if getattr(current, name) != before[name]]
        if {p.pk for p in new_persons} != before_persons:
            changed.append("persons_implicated")
        if not changed:
            return current
        current.save()
        if "persons_implicated" in changed:
            current.persons_implicated.set(new_persons)
        escalated = _escalate(current)
        # Names of the changed fields only: confidential values never reach the audit trail.
        audit_record(
            engagement=engagement, actor=by, action=AuditAction.UPDATE_INCIDENT,
            justification=(
                f"Changed the {', '.join(_LABELS[name] for name in changed)}. {_summary(current)}"
                + (_ESCALATED if escalated else "")
            ),
            details={"incident": current.pk, "changed": changed, "escalated": escalated},
        )
        was_grave = before["grave_violation"] and current.substantial_grounds
        if current.gives_substantial_grounds_of_grave_violation and (
            not was_grave or current.recipient_id != getattr(before["recipient"], "pk", before["recipient"])
        ):
            incidents_graded_grave.send(sender=Incident, incidents=[current], by=by)
    return current

