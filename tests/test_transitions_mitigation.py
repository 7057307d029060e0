"""Action 5: the mitigation plan and the Chief of Mission's decision to start support
(domain.md section 3, transitions 9 and 10)."""

import pytest

from assessments.models import AssessmentStatus
from hrddp.models import State
from interventions.models import LetterKind
from mitigation.models import MeasureStatus, MitigationPlan
from tests.builders import (
    COM,
    GPRAF_CORE_MEASURES,
    PM,
    add_measure,
    assert_forbidden,
    assert_refused,
    assert_taken,
    complete_assessment,
    complete_plan,
    engagement_ready_for,
    fill_procedure,
    issue_notification_letter,
    record_coordination,
    reload,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [
    ("submit_plan", State.MITIGATION, State.APPROVAL, PM),
    ("approve_support", State.APPROVAL, State.ACTIVE, COM),
    ("return_plan", State.APPROVAL, State.MITIGATION, COM),
]

NO_PLAN = "No mitigation plan has been drawn up."
UNTARGETED = "No measure targets these risk factors:"
NO_RESIDUAL_RISK = "The residual risk after mitigation has not been stated."
GPRAF_MISSING = "The GPRAF's core mitigation measures are not in the plan"
RESIDUAL_HIGH = "The residual risk after mitigation is high: support cannot be approved."
NO_NOTIFICATION = "The notification letter on the core principles (P¶19) has not been issued to the recipient authority."
NO_PROCEDURE = "The internal intervention procedure (who monitors, the recipient's focal point, how violations reach the Chief of Mission) is not filled in."
PROCEDURE_GAPS = {
    "monitoring_responsible": "Name who is responsible for due-diligence monitoring.",
    "recipient_focal_point": "Name the recipient's focal point.",
    "reporting_to_com": "Say how violations reach the Chief of Mission.",
}

FACTORS = ["Excessive use of force at checkpoints", "Weak internal accountability in the provincial command"]


def at_mitigation(office, *, rating="medium", mechanism=True, factors=FACTORS, state=State.MITIGATION):
    """An engagement whose assessment was endorsed, with the coordination on file, and no plan yet."""
    engagement = EngagementFactory(office=office, state=state)
    record_coordination(engagement, mechanism=mechanism)
    complete_assessment(engagement, rating=rating, factors=factors, status=AssessmentStatus.ENDORSED)
    return engagement


def at_approval(office, *, residual="medium"):
    """An engagement whose plan was submitted (with the stated residual risk); no letter or procedure yet."""
    engagement = at_mitigation(office, state=State.APPROVAL)
    complete_plan(engagement, residual=residual, submitted=True)
    return engagement


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_right_role_takes_each_mitigation_step_when_its_conditions_are_met(
    name, source, target, user, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_mitigation_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- submit_plan ----------------------------------------------------------------------------


def test_a_plan_targeting_every_risk_factor_is_submitted_for_approval(office_a, pm):
    engagement = at_mitigation(office_a)
    complete_plan(engagement, residual="medium")

    assert_taken(engagement, "submit_plan", pm, to=State.APPROVAL)

    plan = MitigationPlan.objects.get(engagement=engagement)
    assert (plan.submitted_by, plan.submitted_at is not None) == (pm, True)


def test_it_refuses_to_submit_when_no_plan_was_drawn_up(office_a, pm):
    engagement = at_mitigation(office_a)

    assert_refused(engagement, "submit_plan", pm, NO_PLAN)


@pytest.mark.parametrize("rating", ["medium", "high"])
def test_it_refuses_a_plan_that_leaves_a_risk_factor_untargeted_for_medium_or_high_risk(rating, office_a, pm):
    # given two risk factors, only the first targeted by a measure
    engagement = at_mitigation(office_a, rating=rating)
    complete_plan(engagement, target_factors=False)
    first, second = engagement.current_assessment.risk_factors.order_by("pk")
    add_measure(engagement, title="Use-of-force guidelines", targets=[first])

    reasons = assert_refused(engagement, "submit_plan", pm, f"{UNTARGETED} {second.description}.")
    assert first.description not in " ".join(reasons)


def test_a_dropped_measure_does_not_target_a_risk_factor(office_a, pm):
    engagement = at_mitigation(office_a, factors=FACTORS[:1])
    complete_plan(engagement, target_factors=False)
    factor = engagement.current_assessment.risk_factors.get()
    add_measure(engagement, title="Dropped guidelines", targets=[factor], status=MeasureStatus.DROPPED)

    assert_refused(engagement, "submit_plan", pm, f"{UNTARGETED} {factor.description}.")


def test_for_a_low_risk_untargeted_risk_factors_do_not_block_the_plan(office_a, pm):
    engagement = at_mitigation(office_a, rating="low")
    complete_plan(engagement, residual="low", target_factors=False)

    assert_taken(engagement, "submit_plan", pm, to=State.APPROVAL)


def test_it_refuses_a_plan_without_its_residual_risk(office_a, pm):
    engagement = at_mitigation(office_a)
    complete_plan(engagement, residual="")

    assert assert_refused(engagement, "submit_plan", pm, NO_RESIDUAL_RISK) == [NO_RESIDUAL_RISK]


def test_it_refuses_a_plan_without_the_gpraf_core_measures_where_a_mechanism_exists(office_a, pm):
    engagement = at_mitigation(office_a, mechanism=True)
    complete_plan(engagement, include_gpraf=False)

    (reason,) = assert_refused(engagement, "submit_plan", pm, GPRAF_MISSING)
    assert "Human-rights clause in every agreement" in reason


def test_dropping_the_inherited_gpraf_measures_takes_them_out_of_the_plan(office_a, pm):
    engagement = at_mitigation(office_a, mechanism=True)
    plan = complete_plan(engagement)
    plan.measures.filter(from_gpraf=True).update(status=MeasureStatus.DROPPED)

    assert_refused(engagement, "submit_plan", pm, GPRAF_MISSING)


def test_every_gpraf_core_measure_must_be_in_the_plan_not_just_one(office_a, pm):
    # given the GPRAF's two core measures inherited at coordination, one of them dropped from the plan
    engagement = at_mitigation(office_a, mechanism=True)
    plan = complete_plan(engagement)
    assert plan.measures.filter(from_gpraf=True).count() == 2
    plan.measures.filter(from_gpraf=True, title=GPRAF_CORE_MEASURES[1]).update(status=MeasureStatus.DROPPED)

    # then the plan is refused: "GPRAF core measures included where a mechanism exists" (domain.md §3.9)
    assert_refused(engagement, "submit_plan", pm, GPRAF_MISSING)


def test_without_a_mechanism_no_gpraf_measure_is_needed(office_a, pm):
    engagement = at_mitigation(office_a, mechanism=False)
    complete_plan(engagement, include_gpraf=False)

    assert_taken(engagement, "submit_plan", pm, to=State.APPROVAL)


# --- approve_support ---------------------------------------------------------------------------


def test_the_chief_of_mission_approves_support_once_letter_and_procedure_are_in_place(office_a, com):
    engagement = at_approval(office_a, residual="medium")
    issue_notification_letter(engagement, signatory=com)
    fill_procedure(engagement)

    assert_taken(engagement, "approve_support", com, to=State.ACTIVE)

    assert reload(engagement).support_approved_at is not None


def test_support_cannot_be_approved_with_a_high_residual_risk(office_a, com):
    engagement = at_approval(office_a, residual="high")
    issue_notification_letter(engagement, signatory=com)
    fill_procedure(engagement)

    assert assert_refused(engagement, "approve_support", com, RESIDUAL_HIGH) == [RESIDUAL_HIGH]
    assert reload(engagement).support_approved_at is None


def test_support_cannot_be_approved_while_the_residual_risk_is_not_stated(office_a, com):
    engagement = at_approval(office_a, residual="")
    issue_notification_letter(engagement, signatory=com)
    fill_procedure(engagement)

    assert_refused(engagement, "approve_support", com, NO_RESIDUAL_RISK)


def test_support_cannot_be_approved_before_the_notification_letter_exists(office_a, com):
    engagement = at_approval(office_a)
    fill_procedure(engagement)

    assert assert_refused(engagement, "approve_support", com, NO_NOTIFICATION) == [NO_NOTIFICATION]


def test_a_drafted_notification_letter_that_was_never_issued_does_not_count(office_a, com):
    engagement = at_approval(office_a)
    issue_notification_letter(engagement, signatory=com, issued=False)
    fill_procedure(engagement)

    assert_refused(engagement, "approve_support", com, NO_NOTIFICATION)


def test_another_kind_of_letter_is_not_the_notification_letter(office_a, com):
    engagement = at_approval(office_a)
    issue_notification_letter(engagement, signatory=com, kind=LetterKind.INTERCESSION)
    fill_procedure(engagement)

    assert_refused(engagement, "approve_support", com, NO_NOTIFICATION)


def test_support_cannot_be_approved_without_the_intervention_procedure(office_a, com):
    engagement = at_approval(office_a)
    issue_notification_letter(engagement, signatory=com)

    assert assert_refused(engagement, "approve_support", com, NO_PROCEDURE) == [NO_PROCEDURE]


@pytest.mark.parametrize("gap", list(PROCEDURE_GAPS))
def test_support_cannot_be_approved_with_a_gap_in_the_intervention_procedure(gap, office_a, com):
    engagement = at_approval(office_a)
    issue_notification_letter(engagement, signatory=com)
    fill_procedure(engagement, leave_out=[gap])

    assert assert_refused(engagement, "approve_support", com, PROCEDURE_GAPS[gap]) == [PROCEDURE_GAPS[gap]]


def test_every_missing_approval_condition_is_reported_at_once(office_a, com):
    engagement = at_approval(office_a, residual="high")

    reasons = assert_refused(engagement, "approve_support", com, RESIDUAL_HIGH, NO_NOTIFICATION, NO_PROCEDURE)
    assert len(reasons) == 3


# --- return_plan ----------------------------------------------------------------------------------


def test_the_chief_of_mission_returns_the_plan_and_the_pm_can_resubmit_it(office_a, com, pm):
    engagement = at_approval(office_a)

    assert_taken(
        engagement, "return_plan", com, to=State.MITIGATION,
        justification="Add a vetting measure for the unit commanders.",
    )
    assert_taken(engagement, "submit_plan", pm, to=State.APPROVAL)
