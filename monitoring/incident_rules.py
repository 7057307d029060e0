"""What an incident may record, and what is wrong with what is recorded (T/Action 6, T/Box 6, P¶21(c)-(d)).

The names a caller may set (PUBLIC_FIELDS, and the confidential ones of monitoring.models.CONFIDENTIAL_FIELDS),
how the services normalise them, and `incident_problems`: every rule of an incident's values, by field, asked
by the services before they save and by the form before it posts. No write here.
"""

from __future__ import annotations

from django.utils import timezone

from hrddp.models import Engagement, PersonOfInterest
from monitoring.incident_selectors import in_force, incident_recipients
from monitoring.models import (
    CONFIDENTIAL_FIELDS,
    Channel,
    Incident,
    InformationCredibility,
    SourceReliability,
    VerificationStatus,
    ViolationCategory,
)

# What a caller may set on an incident (persons implicated are passed apart).
PUBLIC_FIELDS = (
    "recipient", "occurred_on", "place", "description", "categories", "channel", "source_reliability",
    "information_credibility", "verification_status", "grave_violation",
)
# `substantial_grounds` is not among them: it follows the Chief of Mission's determination (monitoring.determinations).
FIELDS = PUBLIC_FIELDS + CONFIDENTIAL_FIELDS
_TEXT_FIELDS = ("place", "description") + CONFIDENTIAL_FIELDS
_PLACE_MAX = Incident._meta.get_field("place").max_length


def incident_grade(incident: Incident) -> str:
    """The grade as the toolkit writes it: the reliability of the source and the credibility of the information (B2)."""
    return f"{incident.source_reliability}{incident.information_credibility}"



def normalise(data: dict) -> dict:
    """The caller's values as the services compare and save them: texts stripped, violation categories in the
    policy's order, the classification as booleans. Raises TypeError for a name that is not an incident's field."""
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"Not fields of an incident: {', '.join(sorted(unknown))}.")
    values = dict(data)
    for name in _TEXT_FIELDS:
        if name in values:
            values[name] = (values[name] or "").strip()
    if "categories" in values:
        chosen = set(values["categories"] or [])
        known = [c for c in ViolationCategory.values if c in chosen]
        values["categories"] = known + sorted(chosen - set(known))
    if "grave_violation" in values:
        values["grave_violation"] = bool(values["grave_violation"])
    return values


def incident_problems(*, engagement: Engagement, values: dict, persons) -> dict[str, list[str]]:
    """What is wrong with an incident's values, by field, in words a project manager understands.

    `values` is a complete set of PUBLIC_FIELDS (as normalised by the services); rules whose
    input is missing are skipped, so a form can ask about what it could parse."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    recipient = values.get("recipient")
    if "recipient" in values:
        if recipient is None:
            add("recipient", "Choose the force, command or unit whose members are alleged to be involved.")
        elif not incident_recipients(engagement).filter(pk=recipient.pk).exists():
            add(
                "recipient",
                f"The allegation must concern {engagement.recipient}, the force or command above it, "
                "or one of its commands or units.",
            )
            recipient = None
    if "occurred_on" in values:
        occurred_on = values["occurred_on"]
        if occurred_on is None:
            add("occurred_on", "Give the date of the incident.")
        elif occurred_on > timezone.localdate():
            add("occurred_on", "The date of the incident cannot be in the future.")
    if "place" in values and len(values["place"]) > _PLACE_MAX:
        add("place", f"Keep the place to {_PLACE_MAX} characters.")
    if "description" in values and not values["description"]:
        add("description", "Describe what is alleged: what happened, to whom, by whom.")
    if "channel" in values and values["channel"] not in Channel.values:
        add("channel", "Choose the channel the allegation came through.")
    if "source_reliability" in values and values["source_reliability"] not in SourceReliability.values:
        add("source_reliability", "Grade the reliability of the source from A to F.")
    if "information_credibility" in values and values["information_credibility"] not in InformationCredibility.values:
        add("information_credibility", "Grade the credibility of the information from 1 to 6.")
    if "verification_status" in values and values["verification_status"] not in VerificationStatus.values:
        add("verification_status", "Choose where the verification stands.")
    categories = values.get("categories")
    if categories is not None:
        unknown = [c for c in categories if c not in ViolationCategory.values]
        if unknown:
            add("categories", f"Not a violation category of the policy: {', '.join(map(str, unknown))}.")
    if values.get("grave_violation") and categories is not None and not categories:
        add("categories", "An incident classified as a grave violation names at least one violation category.")
    persons = list(persons or [])
    if persons and recipient is not None:
        force = recipient.lineage()[0]
        inside = set(
            PersonOfInterest.objects.filter(in_force(force), pk__in=[p.pk for p in persons]).values_list("pk", flat=True)
        )
        outside = [str(p) for p in persons if p.pk not in inside]
        if outside:
            add("persons_implicated", f"Not a person of interest of {force.name}: {'; '.join(outside)}.")
    return errors
