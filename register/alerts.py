"""Alerts when the facts change (P¶25): every engagement supporting the unit concerned is flagged for reassessment,
and its project manager, its Chief of Mission and HQ are told at once, in the transaction of the change.

- A person with a substantiated allegation, or excluded from support, takes command of a unit (a command period
  entered or imported, held today): the engagements supporting that unit or a unit below it.
- An allegation against a current commander is substantiated: the engagements supporting the units they command
  or units below them.
- An incident logged by any office is graded a grave violation with substantial grounds: the other engagements
  supporting the incident's recipient, or the command or force above it (monitoring.escalation escalates the
  incident's own engagement).

"Supporting" is being in a state where support is under way (SUPPORTED_STATES), with the unit as the recipient or
as the target of one of the activities, whatever the office. Each alert is written once: its notices carry a key
naming what it is about, so the same change seen twice (a repeated import, a retried request) tells no one twice.

Who caused the change is the audit entry's actor: the service's `by` where a service says it, and for a command
period saved elsewhere (the administration, a page of the register) the signed-in user of the request, kept by
register.middleware.ActingUserMiddleware (or set with `acting_as`).
"""

from __future__ import annotations

import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar

from django.db import transaction
from django.db.models import F, Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from hrddp.models import (
    SUPPORTED_STATES,
    AuditAction,
    AuditEntry,
    CommandPeriod,
    Engagement,
    Notification,
    Recipient,
    User,
)
from hrddp.notify import ROLES_DECIDE, ROLES_HQ, ROLES_PREPARE, notify, people_of
from interventions.models import Exclusion
from monitoring.models import Incident
from monitoring.signals import incidents_graded_grave
from register.models import Allegation, AllegationStatus
from register.rules import CommanderFlag, Unit, allegation_text, day_text
from register.signals import allegation_status_changed

logger = logging.getLogger(__name__)

AUDIENCE = ROLES_PREPARE | ROLES_DECIDE | ROLES_HQ
MUST_REASSESS = "the risk assessment must be redone (P¶25)."

# The user whose request is being answered (set by register.middleware), for writes whose signal names no one.
acting_user: ContextVar = ContextVar("register_acting_user", default=None)


@contextlib.contextmanager
def acting_as(user: User | None):
    """Name who causes the changes made inside the block (a script, a job), where no signal names them."""
    token = acting_user.set(user)
    try:
        yield
    finally:
        acting_user.reset(token)


def _actor(by: User | None) -> User | None:
    user = by if by is not None else acting_user.get()
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


# --- Which engagements support a unit -----------------------------------------------------------------------


def _below(ids: list[int]) -> Q:
    """Recipients that are one of `ids` or sit under one of them (three levels at most), on a recipient path."""
    return Q(pk__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids)


def engagements_supporting(unit_ids: Iterable[int], *, with_units_below: bool, exclude_ids: Iterable[int] = ()):
    """The engagements of any office in a supported state whose recipient or an activity's target is one of the
    units (or, `with_units_below`, a command or unit under one of them). One query."""
    ids = sorted(set(unit_ids))
    units = Recipient.objects.filter(_below(ids) if with_units_below else Q(pk__in=ids)).values("pk")
    return (
        Engagement.objects.filter(state__in=SUPPORTED_STATES)
        .filter(Q(recipient_id__in=units) | Q(activities__target_unit_id__in=units))
        .exclude(pk__in=list(exclude_ids))
        .distinct()
        .order_by("pk")
    )


# --- The one write: flag, audit and tell -----------------------------------------------------------------------


def _title(engagements: list[Engagement]) -> str:
    first = engagements[0].reference
    more = len(engagements) - 1
    return f"Reassessment flagged: {first}" + (f" and {more} more" if more else "")


def _body(reason: str, engagements: list[Engagement]) -> str:
    lines = "\n".join(f"- {e.reference} — {e.title}" for e in engagements)
    return f"{reason}\n\nFlagged for reassessment:\n{lines}"


@transaction.atomic
def engagements_flag_for_reassessment(
    *, engagements: Iterable[Engagement], reason: str, key: str, by: User | None = None,
) -> list[Engagement]:
    """Flag each engagement for reassessment with `reason`, write its audit entry and tell its project manager,
    its Chief of Mission and HQ, each person once per `key` (however many of the engagements they hear of).

    An engagement already flagged keeps the time of its first flag and gains the reason; one already flagged for
    this very reason is left as it is. The rows are locked in primary-key order. Returns the engagements flagged
    now (those newly flagged or given the reason)."""
    ids = sorted({e.pk for e in engagements})
    if not ids:
        return []
    actor = _actor(by)
    locked = list(Engagement.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk"))
    now = timezone.now()
    changed = []
    for engagement in locked:
        if engagement.reassessment_flagged_at is None:
            engagement.reassessment_flagged_at = now
            engagement.reassessment_flag_reason = reason
        elif reason in engagement.reassessment_flag_reason:
            continue
        else:
            engagement.reassessment_flag_reason = f"{engagement.reassessment_flag_reason}\n{reason}".strip()
        changed.append(engagement)
    if changed:
        Engagement.objects.bulk_update(changed, ["reassessment_flagged_at", "reassessment_flag_reason"])
        if actor is not None:
            AuditEntry.objects.bulk_create([
                AuditEntry(
                    engagement=e, actor=actor, action=AuditAction.FLAG_FOR_REASSESSMENT, justification=reason,
                    from_state=e.state, to_state=e.state, details={"alert": key},
                )
                for e in changed
            ])
        else:
            logger.warning("Flagged %s for reassessment (%s) with no one to name in the audit trail.", ids, key)
    # Who hears of which engagements: each person once, of all theirs.
    heard: dict[int, tuple[User, list[Engagement]]] = {}
    for engagement_id, users in people_of(locked, AUDIENCE).items():
        engagement = next(e for e in locked if e.pk == engagement_id)
        for user in users:
            heard.setdefault(user.pk, (user, []))[1].append(engagement)
    groups: dict[tuple[int, ...], list[User]] = defaultdict(list)
    for user, theirs in heard.values():
        groups[tuple(e.pk for e in theirs)].append(user)
    for engagement_ids, users in groups.items():
        theirs = [e for e in locked if e.pk in engagement_ids]
        notify(
            users, key=key, kind=Notification.Kind.ESCALATION, title=_title(theirs), body=_body(reason, theirs),
            engagement=theirs[0], url=reverse("engagement_detail", args=[theirs[0].pk]),
        )
    return changed


# --- (a) A flagged person takes command -------------------------------------------------------------------------


def _flags_of(person_ids: list[int]) -> tuple[dict[int, list[Allegation]], dict[int, Exclusion]]:
    """The substantiated allegations (latest first) and the exclusions in force of these persons. Two queries."""
    allegations: dict[int, list[Allegation]] = defaultdict(list)
    for allegation in (
        Allegation.objects.substantiated().filter(person_id__in=person_ids)
        .order_by("person_id", F("occurred_on").desc(nulls_last=True), "-pk")
    ):
        allegations[allegation.person_id].append(allegation)
    exclusions = {e.person_id: e for e in Exclusion.objects.active().filter(person_id__in=person_ids)}
    return allegations, exclusions


def _is_current(period: CommandPeriod, day) -> bool:
    return period.start_date <= day and (period.end_date is None or period.end_date >= day)


def command_periods_started(*, periods: Iterable[CommandPeriod], by: User | None = None) -> int:
    """Alert for each command period held today by a flagged person over a supported unit (or a unit above one).
    Returns how many engagements were flagged now."""
    day = timezone.localdate()
    current = [p for p in periods if p.pk is not None and _is_current(p, day)]
    if not current:
        return 0
    allegations, exclusions = _flags_of(sorted({p.person_id for p in current}))
    flagged = 0
    for period in current:
        if not (allegations.get(period.person_id) or period.person_id in exclusions):
            continue
        engagements = list(engagements_supporting([period.unit_id], with_units_below=True))
        if not engagements:
            continue
        period = CommandPeriod.objects.select_related("person", "unit").get(pk=period.pk)
        flag = CommanderFlag(
            person=period.person, period=period, supported=Unit(period.unit_id, period.unit.name),
            allegations=tuple(allegations.get(period.person_id, ())), exclusion=exclusions.get(period.person_id),
        )
        position = period.position.strip() or "commander"
        over = "" if period.unit.name.lower() in position.lower() else f" over {period.unit.name}"
        reason = (
            f"{period.person} took up the position of {position}{over} on {day_text(period.start_date)} and "
            f"{flag.why}: {MUST_REASSESS}"
        )
        flagged += len(engagements_flag_for_reassessment(
            engagements=engagements, reason=reason, key=f"register-alert:command:{period.pk}", by=by,
        ))
    return flagged


def _command_period_saved(sender, instance: CommandPeriod, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        command_periods_started(periods=[instance])


# --- (b) An allegation against a current commander is substantiated ---------------------------------------------


def current_command_periods_of(person_id: int):
    """The command periods the person holds today."""
    day = timezone.localdate()
    return CommandPeriod.objects.filter(person_id=person_id, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )


def allegation_substantiated(*, allegation: Allegation, by: User | None = None) -> int:
    """Alert for the units the person commands today (and those below them) that are supported. Returns how many
    engagements were flagged now."""
    periods = list(current_command_periods_of(allegation.person_id).select_related("unit").order_by("start_date", "pk"))
    if not periods:
        return 0
    engagements = list(engagements_supporting([p.unit_id for p in periods], with_units_below=True))
    if not engagements:
        return 0
    positions = "; ".join(
        p.position.strip() if p.unit.name.lower() in p.position.lower() else f"{p.position.strip()} ({p.unit.name})"
        for p in periods
    )
    reason = (
        f"The allegation against {allegation.person}, current {positions}, was substantiated on "
        f"{day_text(timezone.localdate(allegation.status_changed_at))} ({allegation_text(allegation)}): {MUST_REASSESS}"
    )
    change = allegation.status_changes.order_by("-pk").values_list("pk", flat=True).first()
    return len(engagements_flag_for_reassessment(
        engagements=engagements, reason=reason, key=f"register-alert:allegation:{allegation.pk}:{change}", by=by,
    ))


def _allegation_status_changed(sender, allegation: Allegation, from_status, to_status, by, **kwargs):
    if to_status == AllegationStatus.SUBSTANTIATED:
        allegation_substantiated(allegation=allegation, by=by)


# --- (c) A grave violation logged by any office about a supported unit --------------------------------------------


def incidents_grave(*, incidents: Iterable[Incident], by: User | None = None) -> int:
    """Alert the other engagements supporting each incident's recipient, or the command or force above it. Returns
    how many engagements were flagged now."""
    flagged = 0
    for incident in incidents:
        if not incident.gives_substantial_grounds_of_grave_violation:
            continue
        lineage = Recipient.objects.filter(pk=incident.recipient_id).values_list(
            "pk", "parent_id", "parent__parent_id"
        ).first()
        units = [pk for pk in lineage or () if pk is not None]
        engagements = list(
            engagements_supporting(units, with_units_below=False, exclude_ids=[incident.engagement_id])
        )
        if not engagements:
            continue
        logged = Incident.objects.select_related("engagement__office", "recipient").get(pk=incident.pk)
        reason = (
            f"{logged.engagement.office.name} logged a grave violation with substantial grounds against "
            f"{logged.recipient.name} on {day_text(logged.occurred_on)} ({logged.engagement.reference}): "
            f"{MUST_REASSESS}"
        )
        flagged += len(engagements_flag_for_reassessment(
            engagements=engagements, reason=reason, key=f"register-alert:incident:{incident.pk}", by=by,
        ))
    return flagged


def _incidents_graded_grave(sender, incidents, by, **kwargs):
    incidents_grave(incidents=incidents, by=by)


def attach(app_label: str) -> None:
    """Called once from RegisterConfig.ready()."""
    post_save.connect(_command_period_saved, sender=CommandPeriod, dispatch_uid=f"{app_label}:command_period_alert")
    allegation_status_changed.connect(
        _allegation_status_changed, sender=Allegation, dispatch_uid=f"{app_label}:allegation_alert"
    )
    incidents_graded_grave.connect(_incidents_graded_grave, sender=Incident, dispatch_uid=f"{app_label}:incident_alert")
