"""Rules every transition follows (domain.md section 3): a required justification,
one audit entry in the same transaction, optimistic locking, and per-engagement
delegation through django-guardian. Also checks that the lifecycle tests cover
every transition the model declares."""

import pytest
from guardian.shortcuts import assign_perm

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.lifecycle import all_transitions, refusal_reasons
from hrddp.models import AuditEntry, State
from mitigation.models import MitigationPlan
from tests import (
    test_transitions_active,
    test_transitions_assessment,
    test_transitions_coordination,
    test_transitions_intervention,
    test_transitions_mitigation,
    test_transitions_preconditions,
    test_transitions_screening,
    test_transitions_withdraw,
)
from tests.builders import (
    JUSTIFICATION,
    all_preconditions_met,
    assert_changed_meanwhile,
    assert_forbidden,
    assert_refused,
    assert_taken,
    complete_assessment,
    complete_plan,
    complete_screening,
    describe_activities,
    engagement_ready_for,
    fill_procedure,
    grave_incident,
    issue_notification_letter,
    ready_pairs,
    record_coordination,
    reload,
    take,
)
from tests.factories import EngagementFactory, Role, user_with_role

ROLE_TABLES = [
    test_transitions_screening.STEPS, test_transitions_preconditions.STEPS, test_transitions_coordination.STEPS,
    test_transitions_assessment.STEPS, test_transitions_mitigation.STEPS, test_transitions_active.STEPS,
    test_transitions_intervention.STEPS, test_transitions_withdraw.STEPS,
]
DECLARED = {(t.name, t.source, t.target) for t in all_transitions()}
GIVE_A_JUSTIFICATION = "Give a justification: every decision records why it was taken."


# --- every transition is covered ------------------------------------------------------------


def test_the_role_tables_cover_every_declared_transition_with_its_target():
    tested = {(name, str(source), str(target)) for table in ROLE_TABLES for name, source, target, _who in table}
    assert tested == DECLARED


def test_an_engagement_can_be_made_ready_for_every_declared_transition():
    assert ready_pairs() == {(name, source) for name, source, _ in DECLARED}


@pytest.mark.parametrize(("name", "source"), sorted(ready_pairs()), ids=lambda v: str(v))
def test_the_ready_builders_meet_every_condition(name, source, office_a):
    assert refusal_reasons(engagement_ready_for(name, source, office=office_a), name) == []


# --- a justification is required -----------------------------------------------------------------


@pytest.mark.parametrize("justification", ["", "   \n\t", None], ids=["empty", "blank", "none"])
@pytest.mark.parametrize(
    ("name", "source", "user"),
    [
        ("start_screening", State.DRAFT, "pm"),
        ("pass_preconditions", State.PRECONDITIONS, "pm"),
        ("endorse", State.ENDORSEMENT, "com"),
        ("approve_support", State.APPROVAL, "com"),
        ("open_intercession", State.ACTIVE, "pm"),
        ("cease", State.SUSPENDED, "com"),
        ("withdraw_request", State.MITIGATION, "pm"),
    ],
)
def test_a_step_without_a_justification_is_refused_and_writes_nothing(
    name, source, user, justification, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)

    assert_refused(engagement, name, request.getfixturevalue(user), GIVE_A_JUSTIFICATION, justification=justification)


def test_the_justification_is_recorded_without_surrounding_blanks(office_a, pm):
    engagement = engagement_ready_for("start_screening", office=office_a)

    take(engagement, "start_screening", pm, justification="  Screening starts.\n")

    assert AuditEntry.objects.get(engagement=engagement).justification == "Screening starts."


def test_an_unknown_step_is_refused(office_a, pm):
    engagement = EngagementFactory(office=office_a)

    assert_refused(engagement, "fast_track", pm, "There is no step called 'fast_track'.")


# --- optimistic locking ----------------------------------------------------------------------------


def test_a_step_taken_on_the_revision_the_user_saw_goes_through(office_a, pm):
    engagement = engagement_ready_for("start_screening", office=office_a)

    assert_taken(engagement, "start_screening", pm, to=State.SCREENING, expected_revision=engagement.revision)


def test_a_stale_revision_raises_changed_meanwhile_and_writes_nothing(office_a, pm):
    # given the PM loaded the page at revision 0, and someone took a step since
    engagement = EngagementFactory(office=office_a, state=State.SCREENING)
    describe_activities(engagement)
    complete_screening(engagement)
    assert_taken(engagement, "conclude_applicable", pm, to=State.PRECONDITIONS, expected_revision=0)
    all_preconditions_met(engagement)

    # when the PM acts on the stale page, then it is refused and nothing is written
    assert_changed_meanwhile(engagement, "pass_preconditions", pm, expected_revision=0)
    assert reload(engagement).revision == 1


def test_of_two_people_deciding_on_the_same_page_only_the_first_wins(office_a, com):
    # given the Chief of Mission and a deputy both opened the submitted assessment at revision 4
    deputy = user_with_role(Role.CHIEF_OF_MISSION, office_a, username="deputy.com.a")
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT, revision=4)
    complete_assessment(engagement, rating="high", status=AssessmentStatus.SUBMITTED)

    # when the COM endorses first, then the deputy's decline is refused as changed meanwhile
    assert_taken(engagement, "endorse", com, to=State.MITIGATION, expected_revision=4)
    assert_changed_meanwhile(engagement, "decline", deputy, expected_revision=4)

    assert reload(engagement).current_assessment.status == AssessmentStatus.ENDORSED


def test_a_stale_revision_leaves_no_side_effect_behind(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.COORDINATION, revision=3)
    record_coordination(engagement)

    assert_changed_meanwhile(engagement, "complete_coordination", pm, expected_revision=2)

    assert not RiskAssessment.objects.filter(engagement=engagement).exists()
    assert not MitigationPlan.objects.filter(engagement=engagement).exists()


# --- the state and its audit entry in one transaction ---------------------------------------------------


def test_no_state_change_survives_a_failure_to_write_its_audit_entry(office_a, pm, monkeypatch):
    engagement = EngagementFactory(office=office_a, state=State.COORDINATION)
    record_coordination(engagement)

    def broken_audit(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr("hrddp.services.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        take(engagement, "complete_coordination", pm)

    current = reload(engagement)
    assert (current.state, current.revision) == (State.COORDINATION, 0)
    assert not RiskAssessment.objects.filter(engagement=engagement).exists()
    assert not MitigationPlan.objects.filter(engagement=engagement).exists()


def test_a_failing_side_effect_rolls_the_whole_step_back(office_a, pm, monkeypatch):
    engagement = EngagementFactory(office=office_a, state=State.COORDINATION)
    record_coordination(engagement)

    def broken_inherit(**kwargs):
        raise RuntimeError("plan store unavailable")

    monkeypatch.setattr("mitigation.services.plan_inherit_core_measures", broken_inherit)
    with pytest.raises(RuntimeError):
        take(engagement, "complete_coordination", pm)

    current = reload(engagement)
    assert (current.state, current.revision) == (State.COORDINATION, 0)
    assert not AuditEntry.objects.filter(engagement=engagement).exists()
    # the assessment version 1 created before the failure is rolled back too
    assert not RiskAssessment.objects.filter(engagement=engagement).exists()


# --- per-engagement delegation (django-guardian) ----------------------------------------------------------


@pytest.mark.parametrize("delegate", ["com_b", "outsider"])
def test_a_delegate_from_another_office_takes_a_com_step_with_a_grant_on_the_engagement(delegate, office_a, request):
    user = request.getfixturevalue(delegate)
    engagement = engagement_ready_for("endorse", office=office_a)
    assert_forbidden(engagement, "endorse", user)  # no grant yet

    assign_perm("hrddp.decide_engagement", user, engagement)

    entry = assert_taken(engagement, "endorse", user, to=State.MITIGATION, justification="Endorsed as delegate of the COM.")
    assert entry.actor == user


def test_a_delegate_approves_support_with_a_grant(office_a, com_b):
    engagement = engagement_ready_for("approve_support", office=office_a)
    assign_perm("hrddp.decide_engagement", com_b, engagement)

    assert_taken(engagement, "approve_support", com_b, to=State.ACTIVE)


def test_a_grant_covers_only_the_engagement_it_is_on(office_a, com_b):
    granted = engagement_ready_for("endorse", office=office_a)
    other = engagement_ready_for("endorse", office=office_a)
    assign_perm("hrddp.decide_engagement", com_b, granted)

    assert_forbidden(other, "endorse", com_b)


def test_a_decision_grant_does_not_let_the_delegate_prepare(office_a, com_b):
    engagement = engagement_ready_for("submit_assessment", office=office_a)
    assign_perm("hrddp.decide_engagement", com_b, engagement)

    assert_forbidden(engagement, "submit_assessment", com_b)


def test_a_preparation_grant_lets_a_co_managing_pm_from_another_office_take_a_pm_step(office_a, outsider):
    engagement = engagement_ready_for("submit_assessment", office=office_a)
    assign_perm("hrddp.prepare_engagement", outsider, engagement)

    assert_taken(engagement, "submit_assessment", outsider, to=State.ENDORSEMENT)


def test_a_preparation_grant_does_not_let_the_delegate_decide(office_a, outsider):
    engagement = engagement_ready_for("endorse", office=office_a)
    assign_perm("hrddp.prepare_engagement", outsider, engagement)

    assert_forbidden(engagement, "endorse", outsider)


def test_a_deactivated_project_manager_can_take_no_step(office_a, pm):
    engagement = engagement_ready_for("start_screening", office=office_a)
    pm.is_active = False
    pm.save()

    assert_forbidden(engagement, "start_screening", pm)


# --- the whole lifecycle -----------------------------------------------------------------------------------


def test_an_engagement_walks_from_draft_to_closed_with_one_audit_entry_per_step(office_a, pm, com):
    engagement = EngagementFactory(office=office_a, state=State.DRAFT)
    steps = []

    def step(name, by, to):
        steps.append((name, by, to))
        assert_taken(engagement, name, by, to=to, expected_revision=reload(engagement).revision)

    describe_activities(engagement)
    step("start_screening", pm, State.SCREENING)
    step("conclude_applicable", pm, State.PRECONDITIONS)  # prefilled screening: police receiving training
    all_preconditions_met(engagement)
    step("pass_preconditions", pm, State.COORDINATION)
    record_coordination(engagement)
    step("complete_coordination", pm, State.ASSESSMENT)
    complete_assessment(engagement, rating="medium")
    step("submit_assessment", pm, State.ENDORSEMENT)
    step("endorse", com, State.MITIGATION)
    complete_plan(engagement, residual="medium")  # adds to the GPRAF measures inherited at coordination
    step("submit_plan", pm, State.APPROVAL)
    issue_notification_letter(engagement, signatory=com)
    fill_procedure(engagement, monitor=pm)
    step("approve_support", com, State.ACTIVE)
    grave_incident(engagement, logged_by=pm)
    step("open_intercession", pm, State.INTERCESSION)
    case = reload(engagement).intervention_cases.get()
    case.strengthen_mitigation = True
    case.save()
    step("record_course_of_action", com, State.INTERCESSION)
    step("resolve", com, State.ACTIVE)
    step("close", pm, State.CLOSED)

    trail = list(AuditEntry.objects.filter(engagement=engagement).order_by("pk"))
    assert [(e.action, e.actor, e.to_state) for e in trail] == steps
    assert [e.from_state for e in trail[1:]] == [e.to_state for e in trail[:-1]]
    assert reload(engagement).revision == len(steps)
    assert all(e.justification == JUSTIFICATION for e in trail)
