"""What an incident may point at, and which incidents a page, an export or a report reads (Action 6).

Reads only: the recipients and persons an incident of an engagement may name, who was in command when it
occurred, the engagement's incidents with what every output shows, and the incidents that warrant an
intercession (P¶26). Redaction is not done here: every output shows an incident through
monitoring.incident_output.IncidentPresenter.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Count, Max, Prefetch, Q, QuerySet, Value, When

from hrddp.models import (
    CommandPeriod,
    Engagement,
    PersonOfInterest,
    Recipient,
    RecipientLevel,
    State,
    in_subtree,
    persons_of_force,
)
from monitoring.models import Incident

# --- What an incident may point at ---------------------------------------------------


def incident_recipients(engagement: Engagement) -> QuerySet[Recipient]:
    """The engagement's recipient, the force and command above it, and its commands and units."""
    recipient = engagement.recipient
    above = [r.pk for r in recipient.lineage()]
    return (
        Recipient.objects.filter(Q(pk__in=above) | Q(parent_id=recipient.pk) | Q(parent__parent_id=recipient.pk))
        .select_related("parent__parent")
        .annotate(depth=Case(
            When(level=RecipientLevel.FORCE, then=Value(0)), When(level=RecipientLevel.COMMAND, then=Value(1)),
            default=Value(2),
        ))
        .order_by("depth", "name")
    )


def in_force(force: Recipient) -> Q:
    """Incidents, persons or anything else whose `recipient` is the force or one of its commands or units."""
    return in_subtree(force, "recipient")


def force_persons(engagement: Engagement) -> QuerySet[PersonOfInterest]:
    """The persons of interest of the engagement recipient's whole force (any command or unit of it)."""
    return persons_of_force(engagement.recipient)


def incident_commanders(incident: Incident) -> list[CommandPeriod]:
    """Who held a command position over the incident's unit — and the commands above it — on the incident's date,
    from the dated command periods: the unit's own commanders first."""
    day = incident.occurred_on
    lineage = incident.recipient.lineage()
    depth = {r.pk: i for i, r in enumerate(lineage)}
    periods = (
        CommandPeriod.objects.filter(unit_id__in=list(depth), start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("person", "unit")
    )
    return sorted(periods, key=lambda p: (-depth[p.unit_id], p.position, p.person.full_name))


# --- The incidents an output reads ----------------------------------------------------------


def incidents_for_output(engagement: Engagement) -> QuerySet[Incident]:
    """The engagement's incidents with everything a page, the CSV or the PDF shows, in a fixed number of queries."""
    return (
        Incident.objects.filter(engagement=engagement)
        .select_related("recipient__parent__parent", "logged_by")
        .prefetch_related(
            Prefetch("persons_implicated", queryset=PersonOfInterest.objects.select_related("recipient").order_by("full_name"))
        )
    )


def incidents_filtered(incidents: QuerySet[Incident], *, category: str = "", channel: str = "", grave: str = ""):
    """Narrow incidents to one violation category, one channel, and/or a classification."""
    if category:
        if connection.vendor == "postgresql":
            incidents = incidents.filter(categories__contains=[category])
        else:
            # JSON containment is not available everywhere: match the quoted value in the stored list.
            incidents = incidents.filter(categories__icontains=f'"{category}"')
    if channel:
        incidents = incidents.filter(channel=channel)
    if grave == "grave":
        incidents = incidents.filter(grave_violation=True)
    elif grave == "substantial":
        incidents = incidents.filter(grave_violation=True, substantial_grounds=True)
    elif grave == "not_grave":
        incidents = incidents.filter(grave_violation=False)
    return incidents


def intercession_warranted(engagement: Engagement) -> dict | None:
    """On active support, the incidents giving substantial grounds of a grave violation (P¶26): one query."""
    if engagement.state != State.ACTIVE:
        return None
    found = Incident.objects.filter(engagement=engagement, grave_violation=True, substantial_grounds=True).aggregate(
        count=Count("pk"), latest=Max("occurred_on")
    )
    return found if found["count"] else None

