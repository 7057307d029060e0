"""The givens shared by the incident tests (this file holds no test): office A's active engagement
with the Darvonian Police Force, its Esse Province Command and Rapid Intervention Unit, persons of
interest with dated command periods, and incidents logged through the service.

Import the fixtures a test needs from here, e.g.
    from tests.test_incident_helpers import active, force, command, unit, log, grant
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from hrddp.models import (
    CommandPeriod,
    PersonOfInterest,
    Recipient,
    RecipientCategory,
    RecipientLevel,
    Role,
    State,
    User,
)
from monitoring.determinations import grave_violation_determine
from monitoring.incident_services import incident_log
from monitoring.models import Channel, VerificationStatus, ViolationCategory
from tests.factories import EngagementFactory, user_with_role

VICTIMS = "Amina Kessel, trader of Omri"
WITNESSES = "Jonas Pell, lorry driver"
SOURCE = "Field officer Ruth Tand"
CONFIDENTIAL_VALUES = (VICTIMS, WITNESSES, SOURCE)
REDACTED = "Redacted — confidential access is granted per engagement"


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


def _recipient(name, level, parent, country):
    return Recipient.objects.create(
        name=name, level=level, parent=parent, country=country, category=RecipientCategory.POLICE
    )


@pytest.fixture
def force(office_a):
    return _recipient("Darvonian Police Force", RecipientLevel.FORCE, None, office_a.country)


@pytest.fixture
def command(force):
    return _recipient("Esse Province Command", RecipientLevel.COMMAND, force, force.country)


@pytest.fixture
def unit(command):
    return _recipient("Rapid Intervention Unit", RecipientLevel.UNIT, command, command.country)


@pytest.fixture
def active(office_a, force):
    """Office A supports the whole Darvonian Police Force; support is under way."""
    return EngagementFactory(office=office_a, state=State.ACTIVE, recipient=force, title="Esse community policing")


@pytest.fixture
def commander(unit):
    """The Rapid Intervention Unit's commander since two years ago."""
    person = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=unit)
    CommandPeriod.objects.create(person=person, unit=unit, position="Unit commander", start_date=days_ago(730))
    return person


def person_in(recipient, name="Lena Ostrava", rank="Captain"):
    return PersonOfInterest.objects.create(full_name=name, rank=rank, recipient=recipient)


def incident_data(recipient, **changes) -> dict:
    """What the services take for a plain allegation (not grave), with `changes` applied."""
    data = {
        "recipient": recipient, "occurred_on": days_ago(10), "place": "Kael checkpoint",
        "description": "Traders beaten at the checkpoint by officers of the unit.",
        "categories": [ViolationCategory.GROSS_VIOLATIONS], "channel": Channel.UN_MONITORING,
        "source_reliability": "B", "information_credibility": "2",
        "verification_status": VerificationStatus.BEING_VERIFIED, "grave_violation": False,
        "victims": VICTIMS, "witnesses": WITNESSES, "source_details": SOURCE,
    }
    data.update(changes)
    return data


def grave(**changes) -> dict:
    """The changes that make an incident a grave violation with substantial grounds (`log` has the Chief of
    Mission determine them, monitoring.determinations)."""
    return {
        "grave_violation": True, "substantial_grounds": True, "categories": [ViolationCategory.WAR_CRIMES],
        "verification_status": VerificationStatus.CORROBORATED, **changes,
    }


def chief_of_mission(engagement):
    """A Chief of Mission of the engagement's office (the first one, or a new one when there is none)."""
    found = User.objects.filter(
        memberships__role=Role.CHIEF_OF_MISSION, memberships__office=engagement.office_id
    ).order_by("pk").first()
    return found or user_with_role(Role.CHIEF_OF_MISSION, engagement.office)


def determine(incident, by=None, reasons="OHCHR corroborated the killings."):
    """The Chief of Mission's determination of a grave violation, through the service."""
    by = by or chief_of_mission(incident.engagement)
    return grave_violation_determine(by=by, incident=incident, reasons=reasons)


def log(engagement, by, recipient=None, persons=(), **changes):
    """An incident logged through the service; `substantial_grounds=True` (as `grave()` gives) has the
    Chief of Mission determine a grave violation on it."""
    substantial = changes.pop("substantial_grounds", False)
    incident = incident_log(
        engagement=engagement, by=by, data=incident_data(recipient or engagement.recipient, **changes),
        persons=list(persons),
    )
    if substantial:
        determine(incident)
    return incident


def form_fields(recipient, persons=(), **changes) -> dict:
    """The log form's fields as a browser posts them (a plain allegation unless changed)."""
    fields = {
        "occurred_on": days_ago(10).isoformat(), "place": "Kael checkpoint", "recipient": str(recipient.pk),
        "persons_implicated": [str(p.pk) for p in persons],
        "description": "Traders beaten at the checkpoint by officers of the unit.",
        "categories": [ViolationCategory.GROSS_VIOLATIONS.value], "channel": Channel.UN_MONITORING.value,
        "source_reliability": "B", "information_credibility": "2",
        "verification_status": VerificationStatus.BEING_VERIFIED.value,
        "victims": VICTIMS, "witnesses": WITNESSES, "source_details": SOURCE,
    }
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return fields


def grant(user, engagement):
    """The Chief of Mission's per-engagement grant of confidential access (guardian object permission)."""
    assign_perm("hrddp.view_confidential", user, engagement)
