"""Action 7: intercession, course of action, Result A or B, suspension, resumption and
cessation (domain.md section 3, transitions 12-17; P¶25-28, T/Box 7)."""

import pytest

from hrddp.models import State
from interventions.models import InterventionCase, LetterKind
from tests.builders import (
    COM,
    PM_OR_COM,
    SUSPENSION_RISKS,
    WHY_SKIP_SUSPENSION,
    approved_support,
    assert_forbidden,
    assert_refused,
    assert_taken,
    decision_letter_issued,
    engagement_ready_for,
    grave_incident,
    interceded_and_continuing,
    open_case,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [
    ("open_intercession", State.ACTIVE, State.INTERCESSION, PM_OR_COM),
    ("record_course_of_action", State.INTERCESSION, State.INTERCESSION, COM),
    ("resolve", State.INTERCESSION, State.ACTIVE, COM),
    ("suspend", State.INTERCESSION, State.SUSPENDED, COM),
    ("resume", State.SUSPENDED, State.ACTIVE, COM),
    ("cease", State.INTERCESSION, State.CEASED, COM),
    ("cease", State.SUSPENDED, State.CEASED, COM),
]

NO_GRAVE_VIOLATION = "No grave violation has been determined by the Chief of Mission on reliable information (P¶26)."
NO_OPEN_CASE = "There is no open intervention case."
NO_COURSE_CHOSEN = "Choose at least one course of action first."
NO_COURSE_RECORDED = "A course of action must be recorded and tried first: suspension is a last resort."
RISKS_NOT_EVALUATED = "The risks of suspending support, including to the safety of staff, have not been evaluated (P¶21(g))."
SKIP_NOT_EXPLAINED = "to cease straight from intercession, record why suspension is skipped."


def in_state(office, state):
    """An engagement whose support was approved, now in `state`."""
    return approved_support(EngagementFactory(office=office, state=state))


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_right_role_takes_each_intervention_step_when_its_conditions_are_met(
    name, source, target, user, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_intervention_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- open_intercession -------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["pm", "com"])
def test_opening_an_intercession_creates_a_case_linked_to_the_grave_incidents(user, office_a, request):
    # given a grave violation with substantial grounds, and two incidents that are not
    actor = request.getfixturevalue(user)
    engagement = in_state(office_a, State.ACTIVE)
    grave = grave_incident(engagement)
    grave_incident(engagement, substantial=False, description="Unverified rumour of a beating.")
    grave_incident(engagement, grave=False, description="Verbal abuse at a checkpoint, corroborated.")
    report = "OHCHR corroborated two killings at a checkpoint; the radios were seen in use there."

    assert_taken(engagement, "open_intercession", actor, to=State.INTERCESSION, justification=report)

    # then one open case carries the PM's report and only the grave incident
    case = InterventionCase.objects.get(engagement=engagement)
    assert (case.opened_by, case.report, case.closed_at, case.result) == (actor, report, None, "")
    assert list(case.incidents.all()) == [grave]


def test_it_refuses_to_open_an_intercession_without_any_incident(office_a, pm):
    engagement = in_state(office_a, State.ACTIVE)

    assert_refused(engagement, "open_intercession", pm, NO_GRAVE_VIOLATION)
    assert not InterventionCase.objects.filter(engagement=engagement).exists()


@pytest.mark.parametrize(
    "classification",
    [
        pytest.param(dict(grave=True, substantial=False), id="grave-without-substantial-grounds"),
        pytest.param(dict(grave=False, substantial=True), id="substantial-grounds-but-not-grave"),
    ],
)
def test_it_refuses_to_open_an_intercession_on_an_incident_short_of_a_grave_violation(classification, office_a, com):
    engagement = in_state(office_a, State.ACTIVE)
    grave_incident(engagement, **classification)

    assert_refused(engagement, "open_intercession", com, NO_GRAVE_VIOLATION)


def test_a_grave_incident_on_another_engagement_does_not_count(office_a, pm):
    engagement = in_state(office_a, State.ACTIVE)
    grave_incident(in_state(office_a, State.ACTIVE))

    assert_refused(engagement, "open_intercession", pm, NO_GRAVE_VIOLATION)


# --- record_course_of_action ---------------------------------------------------------------------


@pytest.mark.parametrize("course", InterventionCase.COURSES)
def test_the_chief_of_mission_records_the_course_of_action_and_the_intercession_goes_on(course, office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = open_case(engagement, courses=[course])

    entry = assert_taken(engagement, "record_course_of_action", com, to=State.INTERCESSION)

    assert (entry.from_state, entry.to_state) == (State.INTERCESSION, State.INTERCESSION)
    case.refresh_from_db()
    assert case.course_recorded_by == com
    assert case.course_recorded_at is not None
    assert case.closed_at is None


def test_it_refuses_to_record_a_course_of_action_when_none_is_chosen(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = open_case(engagement, courses=[])

    assert_refused(engagement, "record_course_of_action", com, NO_COURSE_CHOSEN)
    case.refresh_from_db()
    assert case.course_recorded_at is None


def test_it_refuses_to_record_a_course_of_action_without_an_open_case(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)

    assert_refused(engagement, "record_course_of_action", com, NO_OPEN_CASE)


# --- resolve (Result A) --------------------------------------------------------------------------


def test_resolving_closes_the_case_with_result_a_and_support_continues(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = open_case(engagement, course_recorded=True)
    evidence = "The officers were suspended and prosecuted; the focal point confirmed in writing."

    assert_taken(engagement, "resolve", com, to=State.ACTIVE, justification=evidence)

    case.refresh_from_db()
    assert (case.result, case.result_evidence) == ("A", evidence)
    assert case.closed_at is not None


def test_it_refuses_to_resolve_before_a_course_of_action_is_recorded(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = open_case(engagement, course_recorded=False)

    assert_refused(engagement, "resolve", com, "Record the course of action agreed with the Chief of Mission")
    case.refresh_from_db()
    assert (case.result, case.closed_at) == ("", None)


# --- suspend (Result B) ---------------------------------------------------------------------------


def test_suspending_sets_result_b_and_keeps_the_case_open(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = interceded_and_continuing(
        open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS)
    )
    decision_letter_issued(engagement, LetterKind.SUSPENSION)
    InterventionCase.objects.filter(pk=case.pk).update(mandate_critically_affected=True)

    assert_taken(engagement, "suspend", com, to=State.SUSPENDED)

    case.refresh_from_db()
    assert (case.result, case.closed_at, case.mandate_critically_affected) == ("B", None, True)


def test_suspension_needs_a_course_of_action_recorded_first(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    interceded_and_continuing(open_case(engagement, course_recorded=False, suspension_risk_evaluation=SUSPENSION_RISKS))
    decision_letter_issued(engagement, LetterKind.SUSPENSION)

    assert assert_refused(engagement, "suspend", com, NO_COURSE_RECORDED) == [NO_COURSE_RECORDED]


def test_suspension_needs_the_risks_of_suspending_evaluated(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    interceded_and_continuing(open_case(engagement, course_recorded=True, suspension_risk_evaluation="  "))
    decision_letter_issued(engagement, LetterKind.SUSPENSION)

    assert assert_refused(engagement, "suspend", com, RISKS_NOT_EVALUATED) == [RISKS_NOT_EVALUATED]


def test_suspension_reports_both_missing_conditions(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    open_case(engagement)

    assert_refused(engagement, "suspend", com, NO_COURSE_RECORDED, RISKS_NOT_EVALUATED)


def test_suspension_is_refused_when_there_is_no_open_case(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)

    assert_refused(engagement, "suspend", com, NO_COURSE_RECORDED, RISKS_NOT_EVALUATED)


# --- resume -----------------------------------------------------------------------------------------


def test_resuming_support_closes_the_case(office_a, com):
    engagement = in_state(office_a, State.SUSPENDED)
    case = open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
    decision_letter_issued(engagement, LetterKind.RESUMPTION)
    evidence = "The unit was disbanded and its commander prosecuted."

    assert_taken(engagement, "resume", com, to=State.ACTIVE, justification=evidence)

    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.result_evidence == evidence


# --- cease --------------------------------------------------------------------------------------------


def test_support_ceases_after_a_suspension_without_any_further_reason(office_a, com):
    # given a suspended engagement whose case never explained skipping a suspension (it did not skip one)
    engagement = in_state(office_a, State.SUSPENDED)
    case = open_case(engagement, course_recorded=True, suspension_risk_evaluation=SUSPENSION_RISKS, result="B")
    assert case.why_suspension_skipped == ""
    decision_letter_issued(engagement, LetterKind.CESSATION)

    assert_taken(engagement, "cease", com, to=State.CEASED, justification="Violations continue after six months.")

    case.refresh_from_db()
    assert (case.result, case.result_evidence) == ("B", "Violations continue after six months.")
    assert case.closed_at is not None


def test_cessation_straight_from_intercession_needs_the_reason_suspension_is_skipped(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    open_case(engagement, course_recorded=True, why_suspension_skipped="")

    assert_refused(engagement, "cease", com, SKIP_NOT_EXPLAINED)


def test_a_blank_reason_for_skipping_suspension_is_no_reason(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    open_case(engagement, course_recorded=True, why_suspension_skipped="   ")

    assert_refused(engagement, "cease", com, SKIP_NOT_EXPLAINED)


def test_cessation_straight_from_intercession_is_allowed_once_the_reason_is_recorded(office_a, com):
    engagement = in_state(office_a, State.INTERCESSION)
    case = interceded_and_continuing(
        open_case(engagement, course_recorded=True, why_suspension_skipped=WHY_SKIP_SUSPENSION)
    )
    decision_letter_issued(engagement, LetterKind.CESSATION)

    assert_taken(engagement, "cease", com, to=State.CEASED)

    case.refresh_from_db()
    assert case.result == "B"
    assert case.closed_at is not None


def test_a_ceased_engagement_cannot_be_resumed(office_a, com):
    engagement = in_state(office_a, State.CEASED)

    assert_refused(engagement, "resume", com, "This cannot be done while the engagement is at 'Ceased'.")
