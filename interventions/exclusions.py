"""Exclusions of persons and units from support (T/Box 7: "exclude specific individuals or units").

The Chief of Mission records and lifts them. An exclusion of a force or command
covers its commands and units. Exclusions hold country-wide: the recipients of a
country are shared by its offices, and no new activity of any of them may target
an excluded unit.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from hrddp import access
from hrddp.models import AuditAction, Engagement, PersonOfInterest, Recipient, User, in_subtree, persons_of_force
from interventions.models import Exclusion, InterventionCase


def _require_com(by: User, engagement: Engagement) -> None:
    access.require_decide(by, engagement, "Only the Chief of Mission records or lifts an exclusion.")


def _force_of(recipient: Recipient) -> Recipient:
    return recipient.lineage()[0]


def force_units(engagement: Engagement):
    """The force of the engagement's recipient with its commands and units: what an exclusion may name."""
    return Recipient.objects.filter(in_subtree(_force_of(engagement.recipient))).select_related("parent__parent")


def force_persons(engagement: Engagement):
    return persons_of_force(engagement.recipient)


def _country_of(scope: Engagement | str) -> str:
    return scope.recipient.country if isinstance(scope, Engagement) else scope


def excluded_units(scope: Engagement | str | None = None) -> dict[int, Exclusion]:
    """Every excluded recipient id (an excluded force's or command's units included) → the exclusion that covers it.

    `scope` is an engagement (its recipient's country), a country, or None for every country. Two queries.
    """
    exclusions = Exclusion.objects.active().filter(unit__isnull=False).order_by("excluded_at", "pk")
    if scope is not None:
        exclusions = exclusions.filter(unit__country=_country_of(scope))
    by_unit = {e.unit_id: e for e in exclusions}
    if not by_unit:
        return {}
    ids = list(by_unit)
    covered: dict[int, Exclusion] = {}
    rows = Recipient.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
    for pk, parent_id, grandparent_id in rows.values_list("pk", "parent_id", "parent__parent_id"):
        # The nearest exclusion wins: the unit's own, then its command's, then its force's.
        for candidate in (pk, parent_id, grandparent_id):
            if candidate in by_unit:
                covered[pk] = by_unit[candidate]
                break
    return covered


def excluded_persons(scope: Engagement | str | None = None) -> dict[int, Exclusion]:
    """Every excluded person id → its exclusion. One query."""
    exclusions = Exclusion.objects.active().filter(person__isnull=False).order_by("excluded_at", "pk")
    if scope is not None:
        exclusions = exclusions.filter(person__recipient__country=_country_of(scope))
    return {e.person_id: e for e in exclusions}


def excluded_unit_ids(scope: Engagement | str | None = None) -> set[int]:
    return set(excluded_units(scope))


def excluded_person_ids(scope: Engagement | str | None = None) -> set[int]:
    return set(excluded_persons(scope))


def exclusion_refusal(exclusion: Exclusion) -> str:
    return (
        f"This unit is excluded from support ({exclusion.reason.strip()}): "
        "it cannot be the target of a new activity."
    )


def excluded_target_refusal(target: Recipient, engagement: Engagement | None = None) -> str | None:
    """Why no new activity may go to `target`: it is excluded, or under an excluded command or force.
    Laid on the core's activity rules by InterventionsConfig.ready() (hrddp.activity_rules)."""
    exclusion = excluded_units(target.country).get(target.pk)
    return exclusion_refusal(exclusion) if exclusion is not None else None


def _already_excluded(exclusion: Exclusion) -> str:
    excluded = exclusion.person or exclusion.unit
    return (
        f"{excluded} is already excluded since {exclusion.excluded_at:%d %B %Y} ({exclusion.engagement.reference}): "
        "lift that exclusion first to record a new one."
    )


@transaction.atomic
def exclusion_record(
    *, engagement: Engagement, by: User, reason: str, person: PersonOfInterest | None = None,
    unit: Recipient | None = None, case: InterventionCase | None = None,
) -> Exclusion:
    from hrddp.services import audit_record

    _require_com(by, engagement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for the exclusion.")
    if (person is None) == (unit is None):
        raise ValidationError("Exclude either a person or a unit.")
    if unit is not None and not force_units(engagement).filter(pk=unit.pk).exists():
        raise ValidationError("Exclude a unit of the recipient's force.")
    if person is not None and not force_persons(engagement).filter(pk=person.pk).exists():
        raise ValidationError("Exclude a person of the recipient's force.")
    if case is not None and case.engagement_id != engagement.pk:
        raise ValidationError("The intervention case belongs to another engagement.")
    in_force = Exclusion.objects.active().filter(person=person) if person else Exclusion.objects.active().filter(unit=unit)
    already = in_force.select_related("engagement").first()
    if already is not None:
        raise ValidationError(_already_excluded(already))
    try:
        # A savepoint: two simultaneous exclusions both pass the check above; the database's
        # one-in-force constraint refuses the second, which gets the same message.
        with transaction.atomic():
            exclusion = Exclusion.objects.create(
                engagement=engagement, case=case, person=person, unit=unit, reason=reason, excluded_by=by,
            )
    except IntegrityError as exc:
        already = in_force.select_related("engagement").first()
        raise ValidationError(_already_excluded(already) if already else "This exclusion is already recorded.") from exc
    audit_record(
        engagement=engagement, actor=by, action=AuditAction.EXCLUDE, justification=reason,
        details={
            "exclusion": exclusion.pk, "person": person.pk if person else None, "unit": unit.pk if unit else None,
            "excluded": str(person or unit), "case": case.pk if case else None,
        },
    )
    return exclusion


@transaction.atomic
def exclusion_lift(*, exclusion: Exclusion, by: User, reason: str) -> Exclusion:
    from hrddp.services import audit_record

    exclusion = Exclusion.objects.select_for_update().select_related("engagement").get(pk=exclusion.pk)
    _require_com(by, exclusion.engagement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Give the reason for lifting the exclusion.")
    if exclusion.lifted_at is not None:
        raise ValidationError("This exclusion was already lifted.")
    exclusion.lifted_at = timezone.now()
    exclusion.lifted_by = by
    exclusion.lift_reason = reason
    exclusion.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    audit_record(
        engagement=exclusion.engagement, actor=by, action=AuditAction.LIFT_EXCLUSION, justification=reason,
        details={"exclusion": exclusion.pk, "excluded": str(exclusion.person or exclusion.unit)},
    )
    return exclusion
