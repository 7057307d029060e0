"""The accountability record (P¶12(b)(ii), P¶14(b)-(c), T/Action 5 §7): a step of the authorities is recorded on
one allegation or one incident by those who record in its country, in the audit trail; and "failure to
investigate or prosecute" is a finding from the steps recorded, not a sentence someone typed."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry
from register.models import AccountabilityStep, AccountabilityStepKind
from register.person_selectors import accountability_finding, months_between
from register.person_services import accountability_step_record
from tests.builders import grave_incident
from tests.test_person_helpers import force, person, reported, unit  # noqa: F401 - fixtures

TODAY = date(2026, 8, 15)


def _step(kind, taken_on=None, pk=1):
    return AccountabilityStep(kind=kind, taken_on=taken_on, source="x", recorded_at=timezone.now(), pk=pk)


# --- The finding ----------------------------------------------------------------------------------------


def test_without_any_step_the_finding_counts_the_months_since_the_allegation():
    finding = accountability_finding([], since=date(2025, 6, 1), today=TODAY)

    assert finding.text == "No investigation or prosecution recorded 14 months after the allegation."
    assert (finding.acted, finding.months_without_action) == (False, 14)


def test_steps_that_are_not_action_are_named_but_the_finding_stays_no_investigation():
    steps = [_step(AccountabilityStepKind.NONE, date(2025, 9, 1)),
             _step(AccountabilityStepKind.INVESTIGATION_CLOSED, date(2025, 12, 1), pk=2)]

    finding = accountability_finding(steps, since=date(2025, 6, 1), today=TODAY, subject="incident")

    assert finding.text == (
        "No investigation or prosecution recorded 14 months after the incident. Recorded: No step taken on "
        "1 September 2025; Investigation closed without charges on 1 December 2025."
    )
    assert not finding.acted


def test_the_steps_taken_are_the_finding_oldest_first():
    steps = [_step(AccountabilityStepKind.CONVICTION, date(2027, 5, 9), pk=2),
             _step(AccountabilityStepKind.INVESTIGATION_OPENED, date(2026, 3, 3)),
             _step(AccountabilityStepKind.REMEDIAL, None, pk=3)]

    finding = accountability_finding(steps, since=date(2025, 6, 1), today=TODAY)

    assert finding.text == (
        "Investigation opened on 3 March 2026; Conviction on 9 May 2027; Remedial action (date not recorded)."
    )
    assert finding.acted and finding.months_without_action is None


def test_an_acquittal_is_a_prosecution_that_took_place():
    assert accountability_finding([_step(AccountabilityStepKind.ACQUITTAL, date(2026, 1, 2))], since=None).acted


def test_the_months_are_whole_months_and_less_than_one_is_said_so():
    assert months_between(date(2025, 6, 15), date(2025, 7, 14)) == 0
    assert months_between(date(2025, 6, 15), date(2025, 7, 15)) == 1
    assert accountability_finding([], since=TODAY - timedelta(days=3), today=TODAY).text == (
        "No investigation or prosecution recorded less than a month after the allegation."
    )
    assert accountability_finding([], since=None).text == (
        "No investigation or prosecution recorded; the date of the events is not known."
    )


# --- Recording a step -----------------------------------------------------------------------------------


def test_a_project_manager_records_a_step_on_an_allegation_in_the_audit_trail(pm, person):
    allegation = reported(pm, person)

    step = accountability_step_record(
        by=pm, allegation=allegation, kind=AccountabilityStepKind.INVESTIGATION_OPENED, taken_on=date(2026, 3, 3),
        description="Military prosecutor's office.", source="Ministry of Justice letter of 5 March 2026",
    )

    assert (step.allegation, step.incident, step.recorded_by) == (allegation, None, pm)
    entry = AuditEntry.objects.get(action=AuditAction.RECORD_ACCOUNTABILITY_STEP)
    assert (entry.actor, entry.engagement) == (pm, None)
    assert entry.details["allegation"] == allegation.pk and entry.details["step"] == step.pk
    assert entry.justification == (
        "Investigation opened on 3 March 2026, on the allegation against Colonel Tomas Reyl "
        "(source: Ministry of Justice letter of 5 March 2026)."
    )


def test_a_step_on_an_incident_of_the_country(com, engagement):
    incident = grave_incident(engagement)

    step = accountability_step_record(by=com, incident=incident, kind="none", source="Meeting with the governor")

    assert step.incident == incident
    assert AuditEntry.objects.get(action=AuditAction.RECORD_ACCOUNTABILITY_STEP).details["incident"] == incident.pk


def test_a_step_is_about_one_subject(pm, person, engagement):
    allegation = reported(pm, person)
    incident = grave_incident(engagement)

    for subjects in ({}, {"allegation": allegation, "incident": incident}):
        with pytest.raises(ValidationError, match="one allegation or one incident"):
            accountability_step_record(by=pm, kind="none", source="x", **subjects)


def test_every_problem_is_reported_at_once(pm, person):
    allegation = reported(pm, person)

    with pytest.raises(ValidationError) as refused:
        accountability_step_record(by=pm, allegation=allegation, kind="amnesty", source=" ",
                                   taken_on=timezone.localdate() + timedelta(days=1))

    assert set(refused.value.message_dict) == {"kind", "source", "taken_on"}
    assert not AccountabilityStep.objects.exists()


def test_a_step_cannot_precede_the_events(pm, person):
    allegation = reported(pm, person, occurred_on=date(2025, 6, 1))

    with pytest.raises(ValidationError, match="dated before the events"):
        accountability_step_record(by=pm, allegation=allegation, kind="prosecution", source="x",
                                   taken_on=date(2025, 5, 1))


@pytest.mark.parametrize("who", ["outsider", "auditor"])
def test_who_does_not_record_in_the_country_is_refused(request, who, pm, person, engagement):
    allegation = reported(pm, person)
    incident = grave_incident(engagement)
    user = request.getfixturevalue(who)

    for subject in ({"allegation": allegation}, {"incident": incident}):
        with pytest.raises(PermissionDenied):
            accountability_step_record(by=user, kind="none", source="x", **subject)

    assert not AccountabilityStep.objects.exists()
