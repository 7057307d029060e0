"""Draft and Action 1: starting the screening and concluding whether HRDDP applies
(domain.md section 3, transitions 1-3, and reopening a 'not applicable' screening)."""

import pytest

from assessments.models import Screening
from hrddp.models import ActivityType, State
from tests.builders import (
    PM,
    assert_forbidden,
    assert_refused,
    assert_taken,
    complete_screening,
    describe_activities,
    engagement_ready_for,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

NO_ACTIVITY = "No support activity has been described yet."
NOT_ANSWERED = "The screening questions have not all been answered yet."
PRUDENTIAL_CHOSEN = "A prudential assessment was chosen, so the engagement goes on to the preconditions."
ANSWERS_SAY_APPLIES = "The screening answers say the policy applies: a non-UN security force receives non-exempt support."
NON_EXEMPT = "is non-exempt support"
ANSWERS_SAY_NOT_APPLICABLE = "The screening answers say the policy does not apply"

STEPS = [
    ("start_screening", State.DRAFT, State.SCREENING, PM),
    ("conclude_not_applicable", State.SCREENING, State.NOT_APPLICABLE, PM),
    ("conclude_applicable", State.SCREENING, State.PRECONDITIONS, PM),
    ("reopen_screening", State.NOT_APPLICABLE, State.SCREENING, PM),
]


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_project_manager_takes_each_screening_step_when_its_conditions_are_met(
    name, source, target, user, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_screening_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- start_screening --------------------------------------------------------------


def test_it_refuses_to_start_screening_before_any_activity_is_described(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.DRAFT)
    assert_refused(engagement, "start_screening", pm, NO_ACTIVITY)


@pytest.mark.parametrize(
    ("activity_types", "entirely_exempt"),
    [
        pytest.param([ActivityType.MEDEVAC, ActivityType.MEDIATION], True, id="all-exempt"),
        pytest.param([ActivityType.MEDEVAC, ActivityType.MATERIAL], False, id="mixed"),
        pytest.param([ActivityType.TRAINING], False, id="non-exempt"),
    ],
)
def test_starting_the_screening_prefills_its_answers_from_recipient_and_activities(
    activity_types, entirely_exempt, office_a, pm
):
    engagement = EngagementFactory(office=office_a, state=State.DRAFT)
    describe_activities(engagement, *activity_types)

    assert_taken(engagement, "start_screening", pm, to=State.SCREENING)

    screening = Screening.objects.get(engagement=engagement)
    assert screening.engages_security_force is True
    assert screening.provides_support is True
    assert screening.entirely_exempt is entirely_exempt


# --- conclude_not_applicable ---------------------------------------------------------


def test_it_concludes_not_applicable_when_every_activity_is_exempt(office_a, pm):
    # given only exempt support (MEDEVAC, mediation), screened as such
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC, ActivityType.MEDIATION)
    complete_screening(engagement, entirely_exempt=True, rationale="Every activity is exempt under P¶9.")

    # then the project manager may conclude that HRDDP does not apply
    entry = assert_taken(
        engagement, "conclude_not_applicable", pm, to=State.NOT_APPLICABLE,
        justification="Every activity is MEDEVAC or mediation, exempt under P¶9.",
    )
    assert entry.justification == "Every activity is MEDEVAC or mediation, exempt under P¶9."


def test_it_refuses_a_mix_of_exempt_and_non_exempt_activities(office_a, pm):
    # given exempt MEDEVAC mixed with non-exempt equipment, even if the screening was answered "all exempt"
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    exempt, non_exempt = describe_activities(engagement, ActivityType.MEDEVAC, ActivityType.MATERIAL)
    complete_screening(engagement, entirely_exempt=True)

    # when the PM concludes "not applicable", then it is refused: the mix must be assessed
    reasons = assert_refused(engagement, "conclude_not_applicable", pm, NON_EXEMPT, "must be assessed")
    assert reasons == [
        f"At least one activity is non-exempt support ({non_exempt.description}), so the engagement must be assessed."
    ]
    assert exempt.description not in reasons[0]


def test_it_refuses_a_mix_of_activities_screened_honestly_as_not_all_exempt(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.LAW_TRAINING, ActivityType.TRAINING)
    complete_screening(engagement, entirely_exempt=False)

    assert_refused(engagement, "conclude_not_applicable", pm, ANSWERS_SAY_APPLIES, NON_EXEMPT)


def test_it_refuses_to_conclude_not_applicable_before_the_screening_exists(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)

    assert_refused(engagement, "conclude_not_applicable", pm, NOT_ANSWERED)


@pytest.mark.parametrize("unanswered", ["security_force", "support", "entirely_exempt"])
def test_it_refuses_to_conclude_not_applicable_while_a_screening_question_is_unanswered(unanswered, office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, **{"entirely_exempt": True, unanswered: None})

    assert_refused(engagement, "conclude_not_applicable", pm, NOT_ANSWERED)


def test_it_refuses_to_conclude_not_applicable_when_a_prudential_assessment_was_chosen(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, entirely_exempt=True, prudential=True)

    assert_refused(engagement, "conclude_not_applicable", pm, PRUDENTIAL_CHOSEN)


def test_it_refuses_to_conclude_not_applicable_when_the_answers_say_the_policy_applies(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.TRAINING)
    complete_screening(engagement)

    assert_refused(engagement, "conclude_not_applicable", pm, ANSWERS_SAY_APPLIES)


# --- conclude_applicable --------------------------------------------------------------


def test_it_concludes_applicable_for_non_exempt_support_to_a_security_force(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.TRAINING, ActivityType.INFRASTRUCTURE)
    complete_screening(engagement)

    assert_taken(engagement, "conclude_applicable", pm, to=State.PRECONDITIONS)


def test_it_concludes_applicable_for_a_mix_of_exempt_and_non_exempt_activities(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC, ActivityType.MATERIAL)
    complete_screening(engagement, entirely_exempt=False)

    assert_taken(engagement, "conclude_applicable", pm, to=State.PRECONDITIONS)


def test_a_prudential_assessment_of_exempt_support_goes_on_to_the_preconditions(office_a, pm):
    # given only exempt support, but a PM who chooses to assess anyway (T/Action 1)
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, entirely_exempt=True, prudential=True)

    assert_taken(engagement, "conclude_applicable", pm, to=State.PRECONDITIONS)


def test_it_refuses_to_conclude_applicable_before_the_screening_is_answered(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement)
    complete_screening(engagement, support=None)

    assert_refused(engagement, "conclude_applicable", pm, NOT_ANSWERED)


@pytest.mark.parametrize(
    "answers",
    [
        pytest.param(dict(security_force=False), id="no-security-force"),
        pytest.param(dict(support=False), id="no-support"),
        pytest.param(dict(entirely_exempt=True), id="all-exempt"),
    ],
)
def test_it_refuses_to_conclude_applicable_when_the_answers_say_the_policy_does_not_apply(answers, office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, **answers)

    assert_refused(engagement, "conclude_applicable", pm, ANSWERS_SAY_NOT_APPLICABLE, "prudential assessment")


# --- reopen_screening ------------------------------------------------------------------


def test_a_not_applicable_conclusion_can_be_reopened_and_keeps_its_rationale(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.NOT_APPLICABLE)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, entirely_exempt=True, rationale="MEDEVAC only.")

    assert_taken(engagement, "reopen_screening", pm, to=State.SCREENING, justification="Equipment was added to the project.")

    assert Screening.objects.get(engagement=engagement).rationale == "MEDEVAC only."


def test_the_screening_steps_are_refused_outside_the_screening(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.PRECONDITIONS)
    describe_activities(engagement, ActivityType.MEDEVAC)
    complete_screening(engagement, entirely_exempt=True)

    assert_refused(engagement, "conclude_not_applicable", pm, "This cannot be done while the engagement is at 'Preconditions'.")
    assert_refused(engagement, "start_screening", pm, "This cannot be done while the engagement is at 'Preconditions'.")

