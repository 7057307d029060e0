"""Exclusions (T/Box 7): the Chief of Mission excludes persons or units; an excluded unit — or any unit
of an excluded command or force — cannot be the target of a new support activity."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrddp.models import ActivityType, AuditEntry, Recipient, SupportActivity
from hrddp.services import engagement_open
from interventions.exclusions import (
    excluded_person_ids,
    excluded_unit_ids,
    exclusion_lift,
    exclusion_record,
)
from interventions.models import Exclusion
from tests.factories import ProjectFactory
from tests.test_exclusion_helpers import command, person, unit  # noqa: F401 - fixtures

TRAINING = {"description": "Checkpoint training", "activity_type": ActivityType.TRAINING, "delivery": "direct",
            "implementing_partner": ""}


def _open(engagement, by, **activity):
    return engagement_open(
        office=engagement.office, project=ProjectFactory(office=engagement.office), recipient=engagement.recipient,
        title="New request", by=by, activities=[{**TRAINING, **activity}],
    )


def test_an_excluded_unit_cannot_be_the_target_of_a_new_support_activity(engagement, com, pm, unit):
    # Given the Chief of Mission excluded a unit
    exclusion_record(engagement=engagement, by=com, reason="Killings at the Kael checkpoint", unit=unit)
    before = (SupportActivity.objects.count(), AuditEntry.objects.count())

    # When a project manager opens a request with an activity aimed at it
    with pytest.raises(ValidationError) as refused:
        _open(engagement, pm, target_unit=unit)

    # Then it is refused with the reason, and nothing is created
    assert "This unit is excluded from support (Killings at the Kael checkpoint)" in str(refused.value)
    assert "cannot be the target of a new activity" in str(refused.value)
    assert (SupportActivity.objects.count(), AuditEntry.objects.count()) == before


def test_excluding_a_command_excludes_its_units(engagement, com, pm, command, unit):
    exclusion_record(engagement=engagement, by=com, reason="Command responsibility", unit=command)

    assert {command.pk, unit.pk} <= excluded_unit_ids(engagement)
    assert engagement.recipient.pk not in excluded_unit_ids(engagement)
    with pytest.raises(ValidationError):
        _open(engagement, pm, target_unit=unit)


def test_an_activity_to_the_whole_recipient_is_refused_when_the_recipient_is_excluded(engagement, com, pm):
    exclusion_record(engagement=engagement, by=com, reason="Force-wide pattern", unit=engagement.recipient)

    with pytest.raises(ValidationError, match="excluded from support"):
        _open(engagement, pm)


def test_an_activity_to_another_unit_of_the_force_is_still_allowed(engagement, com, pm, command, unit):
    other = Recipient.objects.create(
        name="Omri Unit", country=command.country, category="police", level="unit", parent=command,
    )
    exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)

    opened = _open(engagement, pm, target_unit=other)

    assert opened.activities.get().target_unit == other


def test_a_lifted_exclusion_no_longer_blocks(engagement, com, pm, unit):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Killings", unit=unit)

    exclusion_lift(exclusion=exclusion, by=com, reason="Unit disbanded and vetted anew")

    assert unit.pk not in excluded_unit_ids(engagement)
    assert _open(engagement, pm, target_unit=unit).activities.get().target_unit == unit


def test_recording_and_lifting_are_audited(engagement, com, person):
    exclusion = exclusion_record(engagement=engagement, by=com, reason="Ordered the killings", person=person)
    exclusion_lift(exclusion=exclusion, by=com, reason="Allegation withdrawn after investigation")

    entries = list(AuditEntry.objects.filter(engagement=engagement).order_by("pk").values_list("action", "actor", "justification"))
    assert entries == [
        ("exclude", com.pk, "Ordered the killings"),
        ("lift_exclusion", com.pk, "Allegation withdrawn after investigation"),
    ]
    assert excluded_person_ids(engagement) == set()


def test_an_excluded_person_is_counted_among_the_excluded(engagement, com, person):
    exclusion_record(engagement=engagement, by=com, reason="Ordered the killings", person=person)

    assert excluded_person_ids(engagement) == {person.pk}


@pytest.mark.parametrize("who", ["pm", "hq", "auditor", "com_b"])
def test_only_the_chief_of_mission_of_the_office_records_an_exclusion(request, engagement, unit, who):
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        exclusion_record(engagement=engagement, by=user, reason="Killings", unit=unit)

    assert not Exclusion.objects.exists() and not AuditEntry.objects.exists()


def test_an_exclusion_names_exactly_one_person_or_unit(engagement, com, unit, person):
    with pytest.raises(ValidationError):
        exclusion_record(engagement=engagement, by=com, reason="Both", unit=unit, person=person)
    with pytest.raises(ValidationError):
        exclusion_record(engagement=engagement, by=com, reason="Neither")


def test_a_unit_of_another_force_cannot_be_excluded_from_this_engagement(engagement, com):
    stranger = Recipient.objects.create(name="Army", country=engagement.recipient.country, category="military")

    with pytest.raises(ValidationError, match="recipient's force"):
        exclusion_record(engagement=engagement, by=com, reason="Killings", unit=stranger)


def test_the_exclusion_must_give_a_reason(engagement, com, unit):
    with pytest.raises(ValidationError, match="reason"):
        exclusion_record(engagement=engagement, by=com, reason="   ", unit=unit)
