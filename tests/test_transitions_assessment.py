"""Action 4: the risk assessment, its endorsement, declining and reconsidering
(domain.md section 3, transitions 6-8 and the re-endorsement of transition 11)."""

import pytest

from assessments.models import AssessmentStatus, RiskElement
from hrddp.models import State
from tests.builders import (
    COM,
    PM,
    approved_support,
    assert_forbidden,
    assert_refused,
    assert_taken,
    complete_assessment,
    engagement_ready_for,
    new_assessment_version,
    reload,
    right_role_cases,
    start_assessment,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [
    ("submit_assessment", State.ASSESSMENT, State.ENDORSEMENT, PM),
    ("return_assessment", State.ENDORSEMENT, State.ASSESSMENT, COM),
    ("endorse", State.ENDORSEMENT, State.MITIGATION, COM),
    ("endorse_plan_stands", State.ENDORSEMENT, State.ACTIVE, COM),
    ("decline", State.ENDORSEMENT, State.DECLINED, COM),
    ("reconsider", State.DECLINED, State.ASSESSMENT, COM),
]

NOT_STARTED = "No risk assessment has been started."
NON_PROVISION = "The risks of not providing support have not been considered."
NO_RATING = "The risk assessment has no final rating yet."
NO_RATING_JUSTIFICATION = "The final rating has no justification."
NO_SOURCE = "The risk assessment cites no source."
ONLY_HIGH_DECLINED = "Support can only be declined when the risk assessment's final rating is high."
NEVER_APPROVED = "Support has never been approved for this engagement, so the mitigation plan must be drawn up."
REASSESSED_HIGH = "The reassessment rates the risk high: the mitigation plan must be reviewed."

ELEMENTS_BUT_NON_PROVISION = [(v, label) for v, label in RiskElement.choices if v != RiskElement.NON_PROVISION]


@pytest.fixture
def at_assessment(office_a):
    return EngagementFactory(office=office_a, state=State.ASSESSMENT)


@pytest.fixture
def at_endorsement(office_a):
    return EngagementFactory(office=office_a, state=State.ENDORSEMENT)


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_right_role_takes_each_assessment_step_when_its_conditions_are_met(
    name, source, target, user, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_assessment_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- submit_assessment ----------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["low", "medium", "high"])
def test_a_complete_assessment_is_submitted_for_endorsement(rating, at_assessment, pm):
    assessment = complete_assessment(at_assessment, rating=rating)

    assert_taken(at_assessment, "submit_assessment", pm, to=State.ENDORSEMENT)

    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.SUBMITTED
    assert assessment.submitted_at is not None


def test_it_refuses_to_submit_an_assessment_never_started(at_assessment, pm):
    assert_refused(at_assessment, "submit_assessment", pm, NOT_STARTED)


def test_an_empty_assessment_gives_every_reason_at_once(at_assessment, pm):
    start_assessment(at_assessment)

    reasons = assert_refused(
        at_assessment, "submit_assessment", pm,
        f"The risk assessment leaves {len(ELEMENTS_BUT_NON_PROVISION)} element(s) unanswered",
        NON_PROVISION, NO_RATING, NO_SOURCE,
    )
    assert len(reasons) == 4


@pytest.mark.parametrize(("element", "label"), ELEMENTS_BUT_NON_PROVISION, ids=[v for v, _ in ELEMENTS_BUT_NON_PROVISION])
def test_it_refuses_an_assessment_with_an_unanswered_risk_element(element, label, at_assessment, pm):
    complete_assessment(at_assessment, unanswered=[element])

    reasons = assert_refused(
        at_assessment, "submit_assessment", pm, f"The risk assessment leaves 1 element(s) unanswered: {label}."
    )
    assert len(reasons) == 1


def test_an_element_with_a_blank_narrative_is_unanswered(at_assessment, pm):
    assessment = complete_assessment(at_assessment)
    assessment.elements.filter(element=RiskElement.DEATH_PENALTY).update(narrative="   ")

    assert_refused(
        at_assessment, "submit_assessment", pm,
        f"unanswered: {RiskElement.DEATH_PENALTY.label}.",
    )


def test_it_refuses_an_assessment_that_ignores_the_risk_of_not_providing_support(at_assessment, pm):
    complete_assessment(at_assessment, unanswered=[RiskElement.NON_PROVISION])

    assert assert_refused(at_assessment, "submit_assessment", pm, NON_PROVISION) == [NON_PROVISION]


def test_it_refuses_an_assessment_without_a_final_rating(at_assessment, pm):
    complete_assessment(at_assessment, rating="")

    assert assert_refused(at_assessment, "submit_assessment", pm, NO_RATING) == [NO_RATING]


def test_it_refuses_a_final_rating_without_justification(at_assessment, pm):
    complete_assessment(at_assessment, rating="low", justification=" ")

    assert assert_refused(at_assessment, "submit_assessment", pm, NO_RATING_JUSTIFICATION) == [NO_RATING_JUSTIFICATION]


def test_it_refuses_an_assessment_that_cites_no_source(at_assessment, pm):
    complete_assessment(at_assessment, sources=())

    assert assert_refused(at_assessment, "submit_assessment", pm, NO_SOURCE) == [NO_SOURCE]


# --- return_assessment -------------------------------------------------------------------------


def test_the_chief_of_mission_returns_the_assessment_with_comments(at_endorsement, com, pm):
    assessment = complete_assessment(at_endorsement, status=AssessmentStatus.SUBMITTED)
    comments = "The compliance record omits the 2024 OHCHR findings; add them."

    assert_taken(at_endorsement, "return_assessment", com, to=State.ASSESSMENT, justification=comments)

    # the comments reach the assessment, which is a draft again that the PM can resubmit
    assessment.refresh_from_db()
    assert (assessment.status, assessment.review_comments, assessment.decided_by) == (
        AssessmentStatus.DRAFT, comments, com
    )
    assert_taken(at_endorsement, "submit_assessment", pm, to=State.ENDORSEMENT)
    assert reload(at_endorsement).assessments.count() == 1


def test_it_refuses_to_return_an_assessment_without_comments(at_endorsement, com):
    complete_assessment(at_endorsement, status=AssessmentStatus.SUBMITTED)

    assert_refused(at_endorsement, "return_assessment", com, "Give a justification", justification="  ")


# --- endorse ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["low", "medium", "high"])
def test_the_chief_of_mission_endorses_the_assessment_and_mitigation_starts(rating, at_endorsement, com):
    assessment = complete_assessment(at_endorsement, rating=rating, status=AssessmentStatus.SUBMITTED)

    assert_taken(at_endorsement, "endorse", com, to=State.MITIGATION)

    assessment.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentStatus.ENDORSED, com)
    assert assessment.decided_at is not None


# --- decline and reconsider --------------------------------------------------------------------------


def test_the_chief_of_mission_declines_support_for_a_high_risk(at_endorsement, com):
    assessment = complete_assessment(at_endorsement, rating="high", status=AssessmentStatus.SUBMITTED)

    assert_taken(
        at_endorsement, "decline", com, to=State.DECLINED,
        justification="High risk that no mitigation can reduce: not unless and until the unit is vetted (P¶16).",
    )

    assessment.refresh_from_db()
    assert (assessment.status, assessment.decided_by) == (AssessmentStatus.DECLINED, com)


@pytest.mark.parametrize("rating", ["low", "medium"])
def test_it_refuses_to_decline_unless_the_rating_is_high(rating, at_endorsement, com):
    complete_assessment(at_endorsement, rating=rating, status=AssessmentStatus.SUBMITTED)

    assert_refused(at_endorsement, "decline", com, ONLY_HIGH_DECLINED)


def test_it_refuses_to_decline_without_an_assessment(at_endorsement, com):
    assert_refused(at_endorsement, "decline", com, ONLY_HIGH_DECLINED)


def test_reconsidering_a_declined_request_opens_a_new_version_of_the_assessment(office_a, com):
    engagement = EngagementFactory(office=office_a, state=State.DECLINED)
    first = complete_assessment(engagement, rating="high", status=AssessmentStatus.DECLINED)

    assert_taken(
        engagement, "reconsider", com, to=State.ASSESSMENT,
        justification="The recipient suspended the unit's commander and opened an inquiry.",
    )

    second = reload(engagement).current_assessment
    assert (second.version, second.status, second.created_by) == (2, AssessmentStatus.DRAFT, com)
    assert second.elements.count() == first.elements.count()
    assert list(second.risk_factors.values_list("description", flat=True)) == list(
        first.risk_factors.values_list("description", flat=True)
    )


# --- re-endorsement after a reassessment: the plan stands ------------------------------------------


def test_a_reassessment_can_be_endorsed_straight_back_to_active_when_the_plan_stands(at_endorsement, com):
    # given support approved earlier and a reassessment (version 2) rated medium
    approved_support(at_endorsement)
    new_assessment_version(at_endorsement)
    reassessment = complete_assessment(at_endorsement, rating="medium", status=AssessmentStatus.SUBMITTED)

    assert_taken(at_endorsement, "endorse_plan_stands", com, to=State.ACTIVE)

    reassessment.refresh_from_db()
    assert (reassessment.version, reassessment.status) == (2, AssessmentStatus.ENDORSED)


def test_it_refuses_the_plan_stands_when_support_was_never_approved(at_endorsement, com):
    complete_assessment(at_endorsement, rating="low", status=AssessmentStatus.SUBMITTED)

    assert_refused(at_endorsement, "endorse_plan_stands", com, NEVER_APPROVED)


def test_it_refuses_the_plan_stands_when_the_reassessment_rates_the_risk_high(at_endorsement, com):
    approved_support(at_endorsement)
    new_assessment_version(at_endorsement)
    complete_assessment(at_endorsement, rating="high", status=AssessmentStatus.SUBMITTED)

    assert_refused(at_endorsement, "endorse_plan_stands", com, REASSESSED_HIGH)


def test_a_reassessment_can_also_go_back_through_mitigation(at_endorsement, com):
    approved_support(at_endorsement)
    new_assessment_version(at_endorsement)
    complete_assessment(at_endorsement, rating="high", status=AssessmentStatus.SUBMITTED)

    assert_taken(at_endorsement, "endorse", com, to=State.MITIGATION)


def test_the_assessment_steps_are_refused_in_another_state(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    complete_assessment(engagement)

    assert_refused(engagement, "submit_assessment", pm, "This cannot be done while the engagement is at 'Mitigation plan'.")
