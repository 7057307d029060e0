"""Writes to the register's allegations: each checks who may and in what status, changes the record and writes
the audit entry in one transaction (the register's audit entries belong to no engagement: `details` names the
person and the allegation)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from hrddp import access
from hrddp.models import AuditAction, PersonOfInterest, User
from hrddp.services import audit_record
from register.models import (
    Allegation,
    AllegationCategory,
    AllegationSource,
    AllegationStatus,
    AllegationStatusChange,
)
from register.signals import allegation_status_changed

# The status an allegation is moved to → the transition on Allegation that moves it there.
_MOVES = {
    AllegationStatus.UNDER_REVIEW: ("review", "reopen"),
    AllegationStatus.SUBSTANTIATED: ("substantiate",),
    AllegationStatus.NOT_SUBSTANTIATED: ("not_substantiate",),
    AllegationStatus.CLEARED: ("clear",),
}


def _country_of(person: PersonOfInterest) -> str:
    return person.recipient.country


def _office_in(user: User, country: str):
    """The office of `country` the user records for (None for HQ)."""
    from hrddp.models import Office

    return Office.objects.filter(pk__in=access.office_ids_of(user), country=country).order_by("pk").first()


def _audit_details(allegation: Allegation, **more) -> dict:
    return {
        "allegation": allegation.pk, "person": allegation.person_id, "person_name": str(allegation.person),
        "recipient": allegation.person.recipient_id, **more,
    }


@transaction.atomic
def allegation_record(
    *, by: User, person: PersonOfInterest, category: str, summary: str, occurred_on: date | None = None,
    incident=None, sources: list[dict] | None = None,
) -> Allegation:
    """Record a new allegation against a person, status "reported", with its sources
    (each {"description", "source_reliability", "information_credibility"})."""
    country = _country_of(person)
    access.require_record_in_register(by, country)
    errors = {}
    if category not in AllegationCategory.values:
        errors["category"] = "Choose the category of the allegation."
    if not (summary or "").strip():
        errors["summary"] = "Say what the person is alleged to have done."
    if occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date is in the future."
    if incident is not None and incident.recipient.country != country:
        errors["incident"] = "The incident is about a recipient of another country."
    if errors:
        raise ValidationError(errors)
    allegation = Allegation.objects.create(
        person=person, office=_office_in(by, country), category=category, summary=summary.strip(),
        occurred_on=occurred_on, incident=incident, recorded_by=by,
    )
    for source in sources or []:
        _source_create(allegation, source)
    AllegationStatusChange.objects.create(
        allegation=allegation, from_status="", to_status=allegation.status, by=by,
        role=access.register_role(by, country), reason="Recorded.",
    )
    audit_record(
        engagement=None, actor=by, action=AuditAction.RECORD_ALLEGATION, justification=summary.strip(),
        to_state=allegation.status,
        details=_audit_details(allegation, category=category, sources=len(sources or [])),
    )
    return allegation


def _source_create(allegation: Allegation, source: dict) -> AllegationSource:
    item = AllegationSource(
        allegation=allegation, description=(source.get("description") or "").strip(),
        source_reliability=source.get("source_reliability") or "",
        information_credibility=source.get("information_credibility") or "",
    )
    item.full_clean(exclude=["allegation"])
    item.save()
    return item


@transaction.atomic
def allegation_source_add(*, by: User, allegation: Allegation, description: str, source_reliability: str,
                          information_credibility: str) -> AllegationSource:
    allegation = Allegation.objects.select_for_update(of=("self",)).select_related("person__recipient").get(pk=allegation.pk)
    access.require_record_in_register(by, _country_of(allegation.person))
    source = _source_create(allegation, {
        "description": description, "source_reliability": source_reliability,
        "information_credibility": information_credibility,
    })
    audit_record(
        engagement=None, actor=by, action=AuditAction.ADD_ALLEGATION_SOURCE, justification=source.description,
        details=_audit_details(allegation, source=source.pk, grade=source.grade),
    )
    return source


def allegation_moves(allegation: Allegation) -> list[str]:
    """The statuses the allegation may be moved to now."""
    return [
        status for status, names in _MOVES.items()
        if any(can_proceed(getattr(allegation, name)) for name in names)
    ]


@transaction.atomic
def allegation_status_change(*, by: User, allegation: Allegation, to_status: str, reason: str) -> Allegation:
    """Move an allegation to `to_status`, with the reason, as the role the user holds in its country."""
    allegation = Allegation.objects.select_for_update(of=("self",)).select_related("person__recipient").get(pk=allegation.pk)
    country = _country_of(allegation.person)
    if to_status == AllegationStatus.UNDER_REVIEW and allegation.status == AllegationStatus.REPORTED:
        access.require_record_in_register(by, country)  # taking it up for review is anyone's who records
    else:
        access.require_decide_allegation(by, country)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the change: what was found, and from which sources."})
    names = _MOVES.get(to_status, ())
    move = next((getattr(allegation, n) for n in names if can_proceed(getattr(allegation, n))), None)
    if move is None:
        current = AllegationStatus(allegation.status).label.lower()
        target = AllegationStatus(to_status).label.lower() if to_status in AllegationStatus.values else to_status
        raise ValidationError(f"An allegation that is {current} cannot be made {target}.")
    from_status = allegation.status
    move()
    allegation.status_changed_at = timezone.now()
    allegation.save()
    AllegationStatusChange.objects.create(
        allegation=allegation, from_status=from_status, to_status=allegation.status, by=by,
        role=access.register_role(by, country), reason=reason,
    )
    audit_record(
        engagement=None, actor=by, action=AuditAction.CHANGE_ALLEGATION_STATUS, justification=reason,
        from_state=from_status, to_state=allegation.status, details=_audit_details(allegation),
    )
    allegation_status_changed.send(
        sender=Allegation, allegation=allegation, from_status=from_status, to_status=allegation.status, by=by
    )
    return allegation
