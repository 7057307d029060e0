"""Alerts when the facts change (P¶25): a flagged person taking command of a supported unit, an allegation against a
current commander substantiated, or a grave violation logged by any office about a supported unit flags every
engagement supporting that unit, of every office, for reassessment and tells its project manager, its Chief of
Mission and HQ at once, each of them once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry, CommandPeriod, Notification, PersonOfInterest, Role, State
from imports.importers import PersonsImporter
from interventions.exclusions import exclusion_record
from monitoring.incident_services import incident_log, incident_update
from register.alerts import acting_as, command_periods_started
from register.models import AllegationStatus
from register.services import allegation_status_change
from tests.factories import EngagementFactory, SupportActivityFactory, user_with_role
from tests.test_commander_rules import (  # noqa: F401 - fixtures
    _recipient,
    commander_of,
    esse,
    force,
    kael,
    substantiate,
)
from tests.test_incident_helpers import determine, grave, incident_data
from tests.test_recipient_record import office_c, pm_c  # noqa: F401 - fixtures


@pytest.fixture
def com_c(office_c):
    return user_with_role(Role.CHIEF_OF_MISSION, office_c, username="com.c")


@pytest.fixture
def supporting(office_a, office_c, force, esse, kael):
    """Engagements of two offices of the country: those supporting Esse Province or a unit of it, and others."""
    north = _recipient("North-East Command", "command", force)
    by_force = EngagementFactory(office=office_c, state=State.SUSPENDED, recipient=force, title="Force-wide radios")
    SupportActivityFactory(engagement=by_force, target_unit=kael)
    return {
        "esse_a": EngagementFactory(office=office_a, state=State.ACTIVE, recipient=esse, title="Esse vehicles"),
        "kael_c": EngagementFactory(office=office_c, state=State.INTERCESSION, recipient=kael, title="Kael training"),
        "force_c_to_kael": by_force,
        # Not supporting Esse: another command, and support not yet under way.
        "north_a": EngagementFactory(office=office_a, state=State.ACTIVE, recipient=north, title="North radios"),
        "esse_c_assessing": EngagementFactory(office=office_c, state=State.ASSESSMENT, recipient=esse, title="Esse new"),
    }


FLAGGED = {"esse_a", "kael_c", "force_c_to_kael"}


def _flagged(supporting) -> set[str]:
    return {
        name for name, e in supporting.items()
        if type(e).objects.get(pk=e.pk).reassessment_flagged_at is not None
    }


def _notified(prefix) -> dict[str, int]:
    counts: dict[str, int] = {}
    for note in Notification.objects.filter(dedupe_key__startswith=prefix).select_related("user"):
        counts[note.user.username] = counts.get(note.user.username, 0) + 1
    return counts


@pytest.fixture
def everyone(pm, com, pm_c, com_c, hq, outsider, auditor):
    return {"pm": pm, "com": com, "pm_c": pm_c, "com_c": com_c, "hq": hq}


# --- (a) A flagged person takes command ----------------------------------------------------------------------------


def test_a_command_period_starting_for_a_flagged_person_flags_every_supporting_engagement_and_notifies_once(
    supporting, everyone, pm, com, esse
):
    # Given Colonel Reyl, with a substantiated allegation, commanding nothing yet
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=esse)
    substantiate(reyl, pm, com)

    # When the project manager enters his command of Esse Province, from yesterday
    with acting_as(pm):
        period = CommandPeriod.objects.create(
            person=reyl, unit=esse, position="Commander of Esse Province",
            start_date=timezone.localdate() - timedelta(days=1),
        )

    # Then every engagement of every office supporting Esse Province or a unit below it is flagged, and no other
    assert _flagged(supporting) == FLAGGED
    reason = type(supporting["esse_a"]).objects.get(pk=supporting["esse_a"].pk).reassessment_flag_reason
    yesterday = timezone.localdate() - timedelta(days=1)
    assert reason.startswith(
        f"Colonel Tomas Reyl took up the position of Commander of Esse Province on {yesterday.day} {yesterday:%B %Y} "
        "and has a substantiated allegation"
    )
    assert "has a substantiated allegation (Gross violations of human rights, 12 March 2026" in reason
    assert reason.endswith("the risk assessment must be redone (P¶25).")

    # And each engagement's history names who entered it
    entries = AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT)
    assert sorted(e.engagement_id for e in entries) == sorted(supporting[name].pk for name in FLAGGED)
    assert {e.actor for e in entries} == {pm}

    # And the project managers, the Chiefs of Mission of both offices and HQ hear of it, each once
    key = f"register-alert:command:{period.pk}"
    assert _notified(key) == {"pm.a": 1, "com.a": 1, "pm.c": 1, "com.c": 1, "hq": 1}
    office_c_note = Notification.objects.get(dedupe_key__startswith=key, user=everyone["pm_c"])
    assert office_c_note.kind == Notification.Kind.ESCALATION
    assert supporting["kael_c"].reference in office_c_note.body and supporting["esse_a"].reference not in office_c_note.body

    # When the same period is seen again (an import run twice, a retried request)
    command_periods_started(periods=[period], by=pm)

    # Then nobody hears of it twice and the history is not written twice
    assert _notified(key) == {"pm.a": 1, "com.a": 1, "pm.c": 1, "com.c": 1, "hq": 1}
    assert AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT).count() == len(FLAGGED)


def test_an_excluded_person_taking_command_alerts_too(supporting, everyone, pm, com, kael):
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=kael)
    exclusion_record(engagement=supporting["esse_a"], by=com, reason="Named in the OHCHR report.", person=reyl)

    with acting_as(com):
        CommandPeriod.objects.create(person=reyl, unit=kael, position="Commander of Kael Post",
                                     start_date=timezone.localdate())

    # The command of Kael Post concerns the engagements supporting Kael only
    assert _flagged(supporting) == {"kael_c", "force_c_to_kael"}
    assert "is excluded from support since" in supporting["kael_c"].__class__.objects.get(
        pk=supporting["kael_c"].pk
    ).reassessment_flag_reason


def test_a_period_that_has_not_started_or_an_unflagged_person_alerts_no_one(supporting, everyone, pm, com, esse):
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=esse)
    substantiate(reyl, pm, com)
    clean = PersonOfInterest.objects.create(full_name="Lidia Fenn", rank="Major", recipient=esse)

    with acting_as(pm):
        CommandPeriod.objects.create(person=reyl, unit=esse, position="Commander of Esse Province",
                                     start_date=timezone.localdate() + timedelta(days=30))
        CommandPeriod.objects.create(person=clean, unit=esse, position="Deputy Commander",
                                     start_date=timezone.localdate() - timedelta(days=3))

    assert _flagged(supporting) == set()
    assert not Notification.objects.filter(dedupe_key__startswith="register-alert:").exists()


def test_an_earlier_flag_keeps_its_time_and_gains_the_reason(supporting, everyone, pm, com, esse):
    # Given an engagement already flagged by monitoring a week ago
    earlier = timezone.now() - timedelta(days=7)
    engagement = supporting["esse_a"]
    type(engagement).objects.filter(pk=engagement.pk).update(
        reassessment_flagged_at=earlier, reassessment_flag_reason="Grave violation reported on 1 December 2026."
    )
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=esse)
    substantiate(reyl, pm, com)

    with acting_as(pm):
        CommandPeriod.objects.create(person=reyl, unit=esse, position="Commander of Esse Province",
                                     start_date=timezone.localdate())

    engagement.refresh_from_db()
    assert engagement.reassessment_flagged_at == earlier
    first, second = engagement.reassessment_flag_reason.split("\n")
    assert first == "Grave violation reported on 1 December 2026."
    assert second.startswith("Colonel Tomas Reyl took up the position")


def test_a_command_period_imported_for_a_flagged_person_alerts_as_the_importer(supporting, everyone, pm, com, esse):
    # Given the persons import wrote a command period for Colonel Reyl in bulk (no signal is sent then)
    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=esse)
    substantiate(reyl, pm, com)
    importer = PersonsImporter(user=pm, persist=True)
    (period,) = CommandPeriod.objects.bulk_create([
        CommandPeriod(person=reyl, unit=esse, position="Commander of Esse Province",
                      start_date=timezone.localdate() - timedelta(days=2))
    ])
    importer._new_periods.append(period)

    # When the import finishes its rows
    extra = importer.after_rows()

    # Then the alert goes out, in the importer's name
    assert extra == {"flagged_for_reassessment": len(FLAGGED)}
    assert _flagged(supporting) == FLAGGED
    assert {e.actor for e in AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT)} == {pm}


# --- (b) An allegation against a current commander is substantiated ---------------------------------------------


def test_substantiating_an_allegation_against_a_current_commander_flags_and_notifies(supporting, everyone, pm, com, esse):
    # Given Colonel Reyl commands Esse Province
    reyl = commander_of(esse)

    # When the Chief of Mission substantiates an allegation against him
    allegation = substantiate(reyl, pm, com)

    # Then the engagements supporting Esse Province and its units are flagged, in the Chief of Mission's name
    assert _flagged(supporting) == FLAGGED
    engagement = type(supporting["esse_a"]).objects.get(pk=supporting["esse_a"].pk)
    assert engagement.reassessment_flag_reason.startswith(
        "The allegation against Colonel Tomas Reyl, current Commander of Esse Province, was substantiated on "
    )
    assert {e.actor for e in AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT)} == {com}
    assert _notified(f"register-alert:allegation:{allegation.pk}:") == {
        "pm.a": 1, "com.a": 1, "pm.c": 1, "com.c": 1, "hq": 1,
    }


def test_an_allegation_taken_up_for_review_alerts_no_one(supporting, everyone, pm, com, esse):
    from register.models import AllegationCategory
    from register.services import allegation_record

    allegation = allegation_record(by=pm, person=commander_of(esse), category=AllegationCategory.GROSS_VIOLATIONS,
                                   summary="Beatings at the post.")
    allegation_status_change(by=pm, allegation=allegation, to_status=AllegationStatus.UNDER_REVIEW, reason="Checking.")

    assert _flagged(supporting) == set()


# --- (c) A grave violation logged by any office ------------------------------------------------------------------


def test_an_incident_by_office_a_marked_grave_flags_office_cs_engagement_supporting_the_same_unit(
    supporting, everyone, pm, esse
):
    # Given office A logs a plain allegation about Esse Province on its own engagement
    incident = incident_log(engagement=supporting["esse_a"], by=pm, data=incident_data(esse), persons=[])
    assert _flagged(supporting) == set()

    # When it is classified a grave violation and the Chief of Mission determines substantial grounds
    changes = grave()
    changes.pop("substantial_grounds")
    incident_update(incident=incident, by=pm, data=changes, persons=None)
    assert _flagged(supporting) == set()
    determine(incident)

    # Then office C's engagement supporting the force, Esse Province included, is flagged with office A's own (the
    # latter by monitoring's escalation); the one supporting only a unit below the command is not
    assert _flagged(supporting) == {"esse_a", "force_c_to_kael"}
    theirs = type(supporting["esse_a"]).objects.get(pk=supporting["force_c_to_kael"].pk)
    assert theirs.reassessment_flag_reason.startswith(
        "Office A logged a grave violation with substantial grounds against Esse Province on "
    )
    assert _notified(f"register-alert:incident:{incident.pk}") == {"pm.c": 1, "com.c": 1, "hq": 1}


def test_office_cs_engagement_with_the_same_recipient_is_flagged_and_told(
    office_c, supporting, everyone, pm, com, esse
):
    # Given office C also supports Esse Province
    theirs = EngagementFactory(office=office_c, state=State.ACTIVE, recipient=esse, title="Esse patrols")

    # When office A logs a grave violation against Esse Province and its Chief of Mission determines it
    changes = grave()
    changes.pop("substantial_grounds")
    incident = incident_log(engagement=supporting["esse_a"], by=pm, data=incident_data(esse, **changes), persons=[])
    determine(incident, by=com)

    # Then office C's engagement is flagged, in office A's Chief of Mission's name, and office C hears of it once
    theirs.refresh_from_db()
    assert theirs.reassessment_flagged_at is not None
    assert theirs.reassessment_flag_reason.startswith("Office A logged a grave violation with substantial grounds")
    entry = AuditEntry.objects.get(action=AuditAction.FLAG_FOR_REASSESSMENT, engagement=theirs)
    assert entry.actor == com
    notified = _notified(f"register-alert:incident:{incident.pk}")
    assert notified["pm.c"] == 1 and notified["com.c"] == 1 and notified["hq"] == 1
    # And an edit of the incident that leaves it grave alerts no one again
    incident_update(incident=incident, by=pm, data={"place": "Kael road"}, persons=None)
    assert _notified(f"register-alert:incident:{incident.pk}") == notified
    assert AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT, engagement=theirs).count() == 1


def test_a_command_period_entered_in_the_administration_alerts_in_the_name_of_who_entered_it(
    client, supporting, everyone, pm, com, esse
):
    from django.urls import reverse

    reyl = PersonOfInterest.objects.create(full_name="Tomas Reyl", rank="Colonel", recipient=esse)
    substantiate(reyl, pm, com)
    pm.is_staff = True
    pm.save(update_fields=["is_staff"])
    client.force_login(pm)

    response = client.post(reverse("admin:hrddp_commandperiod_add"), {
        "person": reyl.pk, "unit": esse.pk, "position": "Commander of Esse Province",
        "start_date": timezone.localdate().isoformat(), "end_date": "",
    })

    assert response.status_code == 302, response.content.decode()[:2000]
    assert CommandPeriod.objects.filter(person=reyl).exists(), response["Location"]
    assert _flagged(supporting) == FLAGGED
    assert {e.actor for e in AuditEntry.objects.filter(action=AuditAction.FLAG_FOR_REASSESSMENT)} == {pm}
