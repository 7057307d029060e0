"""What the register knows about one recipient, read for its page: its subtree, the incidents every office
logged about it, its exclusions and its commanders.

The incidents are listed across every office on purpose: an office assessing a unit must see what another
office already logged about it (P¶14: the assessment draws on all information the UN holds). Seeing that an
incident exists is not opening the engagement it belongs to, nor reading its confidential details: the link
goes only to engagements the viewer may open, and victims, witnesses and sources are redacted by the one
presenter that redacts (monitoring.incident_output.IncidentPresenter) unless the viewer holds that
engagement's confidential access. Every query here is a fixed number per page, whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from hrddp import access
from hrddp.models import CommandPeriod, Engagement, Recipient
from interventions.models import Exclusion
from monitoring.incident_output import IncidentPresenter
from monitoring.models import Incident


def recipient_subtree_ids(recipient: Recipient) -> list[int]:
    """The recipient and every command and unit below it (the tree has three levels at most). One query."""
    return list(
        Recipient.objects.filter(
            Q(pk=recipient.pk) | Q(parent_id=recipient.pk) | Q(parent__parent_id=recipient.pk)
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class RecipientIncident:
    """One incident as the recipient page shows it: the presented (redacted as due) record, and where it was
    logged. `engagement_pk` is set only when the viewer may open that engagement (the link goes there)."""

    record: dict
    office: str
    engagement_reference: str
    engagement_pk: int | None

    @property
    def may_open(self) -> bool:
        return self.engagement_pk is not None


def recipient_incidents(recipient: Recipient, *, user, subtree_ids: list[int] | None = None) -> list[RecipientIncident]:
    """The incidents about the recipient and its commands and units, from every office's engagements, newest
    first, each as `user` may see it. A fixed number of queries whatever the number of incidents."""
    ids = subtree_ids if subtree_ids is not None else recipient_subtree_ids(recipient)
    incidents = list(
        Incident.objects.filter(recipient_id__in=ids)
        .select_related("engagement__office", "recipient__parent__parent", "logged_by")
        .prefetch_related("persons_implicated__recipient")
        .order_by("-occurred_on", "-pk")
    )
    if not incidents:
        return []
    engagement_ids = {incident.engagement_id for incident in incidents}
    openable = set(
        access.visible_engagements(user).filter(pk__in=engagement_ids).values_list("pk", flat=True)
    )
    confidential = access.confidential_engagement_ids(user) & engagement_ids
    presenters: dict[int, IncidentPresenter] = {}
    rows = []
    for incident in incidents:
        engagement: Engagement = incident.engagement
        presenter = presenters.get(engagement.pk)
        if presenter is None:
            presenter = IncidentPresenter(engagement=engagement, confidential=engagement.pk in confidential)
            presenters[engagement.pk] = presenter
        rows.append(
            RecipientIncident(
                record=presenter.present(incident),
                office=engagement.office.name,
                engagement_reference=engagement.reference,
                engagement_pk=engagement.pk if engagement.pk in openable else None,
            )
        )
    return rows


def recipient_exclusions(recipient: Recipient) -> tuple[list[Exclusion], list[Exclusion]]:
    """(in force, lifted): the exclusions of the recipient, of the force or command above it (they cover it), and
    of its persons of interest, newest first. One query."""
    above = [r.pk for r in recipient.lineage()]
    exclusions = list(
        Exclusion.objects.filter(Q(unit_id__in=above) | Q(person__recipient=recipient))
        .select_related("unit", "person", "engagement", "excluded_by", "lifted_by")
        .order_by("-excluded_at", "-pk")
    )
    return (
        [e for e in exclusions if e.lifted_at is None],
        [e for e in exclusions if e.lifted_at is not None],
    )


def recipient_command_periods(recipient: Recipient, *, today: date | None = None) -> tuple[list, list]:
    """(current, past) command periods over the recipient, latest start first. A period is current while it has
    no end date or its end date has not passed (the holder commands on the last day too). One query."""
    day = today or timezone.localdate()
    periods = list(
        CommandPeriod.objects.filter(unit=recipient).select_related("person").order_by("-start_date", "pk")
    )
    current = [p for p in periods if p.end_date is None or p.end_date >= day]
    past = [p for p in periods if not (p.end_date is None or p.end_date >= day)]
    return current, past


def recipient_engagements(recipient: Recipient, *, user, subtree_ids: list[int]) -> QuerySet[Engagement]:
    """The engagements with the recipient or its commands and units that the user may open, newest first."""
    return (
        access.visible_engagements(user)
        .filter(recipient_id__in=subtree_ids)
        .select_related("office", "recipient")
        .order_by("-created_at", "-pk")
    )
