"""Action 7 in the policy's order (interventions.intercession): the intercession is made before support is
suspended or withdrawn, only continuing violations allow it and then oblige it (P¶26–27), and each decision is
taken with its letter. Each refusal says which condition is missing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hrddp.lifecycle import refusal_reasons
from hrddp.models import AuditEntry, State
from interventions.intercession import (
    case_checklist,
    continuing_violations,
    intercession_communication_record,
    intercession_made,
)
from interventions.models import IntercessionCommunication, InterventionCase, Letter, LetterKind
from monitoring.determinations import grave_violation_determination_withdraw
from tests.builders import (
    SUSPENSION_RISKS,
    WHY_SKIP_SUSPENSION,
    approved_support,
    assert_refused,
    assert_taken,
    continuing_violation,
    decision_letter_issued,
    engagement_ready_for,
    grave_incident,
    interceded_and_continuing,
    issue_notification_letter,
    open_case,
)
from tests.builders import (
    intercession_made as make_intercession,
)
from tests.factories import EngagementFactory

NOT_MADE = "The intercession has not been brought to the authorities yet (P¶26)"
NOT_CONTINUING = "No grave violation dated after the intercession"
P27_OBLIGES = "P¶27: grave violations continued after the intercession"
SUSPENSION_LETTER = "Suspension is taken with its letter to the authorities"
CESSATION_LETTER = "Ceasing support is taken with its letter to the authorities"
RESUMPTION_LETTER = "Resumption is taken with its letter to the authorities"

TODAY = timezone.localdate


def _interceding(office, **case_fields):
    engagement = approved_support(EngagementFactory(office=office, state=State.INTERCESSION))
    case = open_case(engagement, course_recorded=True, **case_fields)
    case.engagement = engagement
    return engagement, case


def _starting(reasons, prefix):
    return [r for r in reasons if r.startswith(prefix)]


# --- suspend -------------------------------------------------------------------------------------------------


def test_suspension_is_refused_until_the_intercession_is_made(office_a, com):
    # Given an intercession with the course recorded, the risks evaluated, and the suspension letter issued
    engagement, case = _interceding(office_a, suspension_risk_evaluation=SUSPENSION_RISKS)
    decision_letter_issued(engagement, LetterKind.SUSPENSION)

    # Then suspending is refused, naming the intercession alone
    reasons = assert_refused(engagement, "suspend", com, NOT_MADE)
    assert len(reasons) == 1


def test_an_issued_intercession_letter_makes_the_intercession(office_a):
    engagement, case = _interceding(office_a)
    letter = Letter.objects.create(
        engagement=engagement, kind=LetterKind.INTERCESSION, reference="AAA/L/050", addressee="The Minister",
        signatory=case.opened_by, issued_at=timezone.now(), issued_by=case.opened_by,
        letter_date=TODAY() - timedelta(days=1),
    )

    made = intercession_made(case)

    assert made.on == TODAY() - timedelta(days=1) and made.letter == letter and letter.reference in made.how


def test_a_draft_intercession_letter_does_not_make_the_intercession(office_a):
    engagement, case = _interceding(office_a)
    issue_notification_letter(engagement, kind=LetterKind.INTERCESSION, issued=False)

    assert intercession_made(case) is None


def test_the_first_of_a_letter_and_a_communication_dates_the_intercession(office_a):
    engagement, case = _interceding(office_a)
    issue_notification_letter(engagement, kind=LetterKind.INTERCESSION)
    make_intercession(case, on=TODAY() - timedelta(days=2))

    assert intercession_made(case).on == TODAY() - timedelta(days=2)


def test_suspension_is_refused_without_a_violation_determined_after_the_intercession(office_a, com):
    # Given the intercession made two days ago, and only the incident that grounded it (three days ago)
    engagement, case = _interceding(office_a, suspension_risk_evaluation=SUSPENSION_RISKS)
    make_intercession(case)
    decision_letter_issued(engagement, LetterKind.SUSPENSION)

    # Then suspension is refused: the violations are not shown to continue
    reasons = assert_refused(engagement, "suspend", com, NOT_CONTINUING)
    assert len(reasons) == 1 and "P¶27" in reasons[0]


def test_an_incident_dated_before_the_intercession_does_not_count_as_continuing(office_a):
    # Given the intercession made two days ago, and a grave violation determined today on an incident of last week
    engagement, case = _interceding(office_a)
    make_intercession(case)
    grave_incident(engagement, occurred_on=TODAY() - timedelta(days=7))

    # Then it is not a continuing violation
    assert continuing_violations(case, intercession_made(case)) == []


def test_an_incident_of_the_day_of_the_intercession_does_not_count_as_continuing(office_a):
    engagement, case = _interceding(office_a)
    make_intercession(case, on=TODAY() - timedelta(days=2))
    grave_incident(engagement, occurred_on=TODAY() - timedelta(days=2))

    assert continuing_violations(case, intercession_made(case)) == []


def test_an_incident_only_classified_grave_after_the_intercession_does_not_count(office_a):
    # A grave violation counts once the Chief of Mission determined it, not when the PM classified it.
    engagement, case = _interceding(office_a)
    make_intercession(case)
    grave_incident(engagement, substantial=False, occurred_on=TODAY() - timedelta(days=1))

    assert continuing_violations(case, intercession_made(case)) == []


def test_suspension_is_refused_until_its_letter_is_issued(office_a, com):
    engagement, case = _interceding(office_a, suspension_risk_evaluation=SUSPENSION_RISKS)
    make_intercession(case)
    continuing_violation(engagement)
    issue_notification_letter(engagement, kind=LetterKind.SUSPENSION, issued=False)

    reasons = assert_refused(engagement, "suspend", com, SUSPENSION_LETTER)
    assert len(reasons) == 1


def test_suspension_is_taken_with_every_condition_met(office_a, com):
    engagement, case = _interceding(office_a, suspension_risk_evaluation=SUSPENSION_RISKS)
    make_intercession(case)
    continuing_violation(engagement)
    decision_letter_issued(engagement, LetterKind.SUSPENSION)

    assert_taken(engagement, "suspend", com, to=State.SUSPENDED)


def test_each_missing_condition_of_suspension_is_named_at_once(office_a, com):
    # Given an intercession with nothing done but the course of action
    engagement, case = _interceding(office_a)

    reasons = refusal_reasons(engagement, "suspend")

    assert _starting(reasons, "The risks of suspending support") and _starting(reasons, NOT_MADE)
    assert _starting(reasons, SUSPENSION_LETTER) and len(reasons) == 3


# --- cease -------------------------------------------------------------------------------------------------


def test_ceasing_straight_from_intercession_needs_the_intercession_made(office_a, com):
    engagement, case = _interceding(office_a, why_suspension_skipped=WHY_SKIP_SUSPENSION)
    decision_letter_issued(engagement, LetterKind.CESSATION)

    reasons = assert_refused(engagement, "cease", com, NOT_MADE)
    assert len(reasons) == 1 and "Ceasing support comes only after it" in reasons[0]


def test_ceasing_straight_from_intercession_needs_violations_continuing(office_a, com):
    engagement, case = _interceding(office_a, why_suspension_skipped=WHY_SKIP_SUSPENSION)
    make_intercession(case)
    decision_letter_issued(engagement, LetterKind.CESSATION)

    assert_refused(engagement, "cease", com, NOT_CONTINUING)


def test_ceasing_straight_from_intercession_keeps_its_explicit_reason(office_a, com):
    engagement, case = _interceding(office_a)
    make_intercession(case)
    continuing_violation(engagement)
    decision_letter_issued(engagement, LetterKind.CESSATION)

    reasons = assert_refused(engagement, "cease", com, "record why suspension is skipped")
    assert len(reasons) == 1


def test_ceasing_after_suspension_needs_only_its_letter(office_a, com):
    # Given a suspended engagement (its order went through before suspension), no cessation letter yet
    engagement = engagement_ready_for("resume", office=office_a)

    reasons = assert_refused(engagement, "cease", com, CESSATION_LETTER)
    assert len(reasons) == 1


# --- resolve (Result A) --------------------------------------------------------------------------------------


def test_result_a_is_refused_naming_p27_while_a_continuing_violation_is_determined(office_a, com):
    engagement, case = _interceding(office_a)
    make_intercession(case)
    continuing_violation(engagement)

    reasons = assert_refused(engagement, "resolve", com, P27_OBLIGES)
    assert "must now be suspended or withdrawn" in reasons[0]


def test_withdrawing_the_later_determination_allows_result_a_again(office_a, com):
    # Given a continuing violation determined, which the Chief of Mission finds mistaken
    engagement, case = _interceding(office_a)
    make_intercession(case)
    incident = continuing_violation(engagement)
    determination = incident.determinations.get()
    incident.engagement = engagement
    determination.incident = incident

    # When the determination is withdrawn with a reason
    grave_violation_determination_withdraw(
        by=com, determination=determination, reason="The beating was by a private guard, not the unit."
    )

    # Then Result A may be recorded, and the withdrawal is in the audit trail
    assert_taken(engagement, "resolve", com, to=State.ACTIVE)
    assert AuditEntry.objects.filter(engagement=engagement, action="withdraw_determination", actor=com).exists()


def test_result_a_is_allowed_before_any_intercession_when_the_authorities_acted(office_a, com):
    engagement, case = _interceding(office_a)

    assert_taken(engagement, "resolve", com, to=State.ACTIVE)


# --- resume ----------------------------------------------------------------------------------------------------


def test_resumption_is_refused_until_its_letter_is_issued(office_a, com):
    engagement = approved_support(EngagementFactory(office=office_a, state=State.SUSPENDED))
    case = open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
    interceded_and_continuing(case)
    decision_letter_issued(engagement, LetterKind.SUSPENSION)
    issue_notification_letter(engagement, kind=LetterKind.RESUMPTION, issued=False)

    reasons = assert_refused(engagement, "resume", com, RESUMPTION_LETTER)
    assert len(reasons) == 1


def test_a_letter_of_an_earlier_case_does_not_go_with_this_decision(office_a, com):
    # Given a resumption letter issued for an earlier case, and a new case opened since
    engagement = approved_support(EngagementFactory(office=office_a, state=State.SUSPENDED))
    decision_letter_issued(engagement, LetterKind.RESUMPTION)
    case = open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
    InterventionCase.objects.filter(pk=case.pk).update(opened_at=timezone.now() + timedelta(seconds=5))

    assert_refused(engagement, "resume", com, RESUMPTION_LETTER)


# --- recording the intercession ------------------------------------------------------------------------------


def test_the_project_manager_records_the_intercession_with_its_audit_entry(office_a, pm):
    engagement, case = _interceding(office_a)

    communication = intercession_communication_record(
        by=pm, case=case, communicated_on=TODAY() - timedelta(days=1), counterpart="Col. Anna Reyes",
        channel="Meeting at the Ministry", summary="The killings at Kael; she promised an inquiry.",
    )

    entry = AuditEntry.objects.get(engagement=engagement, action="record_intercession_made")
    assert entry.actor == pm and entry.details["communication"] == communication.pk
    assert "Col. Anna Reyes" in entry.justification
    assert intercession_made(case).on == TODAY() - timedelta(days=1)


def test_every_missing_field_of_the_intercession_is_reported_at_once_and_nothing_is_written(office_a, pm):
    engagement, case = _interceding(office_a)

    with pytest.raises(ValidationError) as refused:
        intercession_communication_record(
            by=pm, case=case, communicated_on=None, counterpart=" ", channel="", summary="",
        )

    assert set(refused.value.message_dict) == {"communicated_on", "counterpart", "channel", "summary"}
    assert not IntercessionCommunication.objects.exists()
    assert not AuditEntry.objects.filter(action="record_intercession_made").exists()


@pytest.mark.parametrize(
    ("days", "message"),
    [(-1, "cannot be in the future"), (10, "before the first incident of the case")],
)
def test_an_intercession_dated_in_the_future_or_before_the_incidents_is_refused(office_a, pm, days, message):
    engagement, case = _interceding(office_a)

    with pytest.raises(ValidationError, match=message):
        intercession_communication_record(
            by=pm, case=case, communicated_on=TODAY() - timedelta(days=days), counterpart="Col. Reyes",
            channel="Call", summary="The killings.",
        )


@pytest.mark.parametrize("who", ["hq", "auditor", "outsider", "com_b"])
def test_only_the_engagements_pm_or_chief_of_mission_records_the_intercession(office_a, request, who):
    engagement, case = _interceding(office_a)

    with pytest.raises(PermissionDenied):
        intercession_communication_record(
            by=request.getfixturevalue(who), case=case, communicated_on=TODAY(), counterpart="Col. Reyes",
            channel="Call", summary="The killings.",
        )
    assert not IntercessionCommunication.objects.exists()


def test_the_intercession_is_not_recorded_on_a_closed_case(office_a, pm):
    engagement, case = _interceding(office_a)
    InterventionCase.objects.filter(pk=case.pk).update(closed_at=timezone.now())

    with pytest.raises(ValidationError, match="closed"):
        intercession_communication_record(
            by=pm, case=case, communicated_on=TODAY(), counterpart="Col. Reyes", channel="Call", summary="The killings.",
        )


# --- the checklist ---------------------------------------------------------------------------------------------


def test_the_checklist_shows_each_item_with_its_date_and_who(office_a, com):
    engagement, case = _interceding(office_a, suspension_risk_evaluation=SUSPENSION_RISKS)
    make_intercession(case, by=com)
    continuing_violation(engagement)

    checklist = case_checklist(case)

    done = {item["key"]: item["done"] for item in checklist["checklist"]}
    assert done == {"determination": True, "intercession": True, "continuing": True, "risks": True, "decision": False}
    intercession = next(i for i in checklist["checklist"] if i["key"] == "intercession")
    assert intercession["who"] == com and intercession["when"] == TODAY() - timedelta(days=2)
    assert checklist["must_suspend_or_withdraw"]


@pytest.mark.parametrize("incidents", [1, 8])
def test_the_checklist_costs_the_same_queries_whatever_the_number_of_incidents(office_a, incidents, django_assert_max_num_queries):
    engagement, case = _interceding(office_a)
    make_intercession(case)
    for _ in range(incidents):
        continuing_violation(engagement, on=TODAY() - timedelta(days=1))

    with django_assert_max_num_queries(6):
        case_checklist(case)


def test_the_intercession_and_its_audit_entry_are_written_together_or_not_at_all(office_a, pm, monkeypatch):
    # Given an audit trail that fails to write
    engagement, case = _interceding(office_a)

    def failing(**kwargs):
        raise RuntimeError("The audit trail is unavailable.")

    monkeypatch.setattr("interventions.intercession.audit_record", failing)

    # When the intercession is recorded, nothing of it is kept
    with pytest.raises(RuntimeError):
        intercession_communication_record(
            by=pm, case=case, communicated_on=TODAY(), counterpart="Col. Reyes", channel="Call", summary="The killings.",
        )
    assert not IntercessionCommunication.objects.exists()
