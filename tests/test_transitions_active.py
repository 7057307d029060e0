"""Action 6: while support is active, a reassessment or the normal end of the project
(domain.md section 3, transitions 11 and 18)."""

import pytest

from assessments.models import AssessmentStatus, CitedSource
from hrddp.models import State
from mitigation.models import MitigationMeasure
from tests.builders import (
    PM,
    PM_OR_COM,
    approved_support,
    assert_forbidden,
    assert_refused,
    assert_taken,
    complete_assessment,
    engagement_ready_for,
    reload,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [
    # domain.md §3.11: "start_reassessment active → assessment (PM, or automatically flagged by a reminder)".
    ("start_reassessment", State.ACTIVE, State.ASSESSMENT, PM),
    ("close", State.ACTIVE, State.CLOSED, PM_OR_COM),
]


@pytest.fixture
def active(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ACTIVE)
    return approved_support(engagement)


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_right_role_takes_each_step_of_an_active_engagement(name, source, target, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_step_of_an_active_engagement(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- start_reassessment ------------------------------------------------------------------------


def test_a_reassessment_starts_version_2_as_a_copy_of_the_endorsed_assessment(active, pm):
    # given an endorsed version 1 with a risk factor targeted by a measure of the plan
    first = active.current_assessment
    CitedSource.objects.create(assessment=first, citation="Grievance mechanism log, Q3", reliability="C")
    factor = first.risk_factors.get()
    measures = set(factor.measures.all())
    assert measures  # the plan's measure targets it (complete_plan)

    assert_taken(
        active, "start_reassessment", pm, to=State.ASSESSMENT,
        justification="Yearly reassessment of a two-year project (T/Action 4).",
    )

    # then version 2 is a draft copy: elements, sources and risk factors with their measure links
    second = reload(active).current_assessment
    assert (second.version, second.status, second.created_by) == (2, AssessmentStatus.DRAFT, pm)
    assert sorted(second.elements.values_list("element", "narrative", "rating")) == sorted(
        first.elements.values_list("element", "narrative", "rating")
    )
    assert sorted(second.sources.values_list("citation", "element", "is_un_source", "reliability")) == sorted(
        first.sources.values_list("citation", "element", "is_un_source", "reliability")
    )
    carried = second.risk_factors.get()
    assert (carried.description, carried.element) == (factor.description, factor.element)
    assert carried.pk != factor.pk
    assert set(carried.measures.all()) == measures
    # version 1 stays as it was endorsed
    first.refresh_from_db()
    assert (first.version, first.status) == (1, AssessmentStatus.ENDORSED)
    assert set(first.risk_factors.get().measures.all()) == measures


def test_support_continues_during_a_reassessment(active, pm):
    approved_at = active.support_approved_at

    assert_taken(active, "start_reassessment", pm, to=State.ASSESSMENT)

    assert reload(active).support_approved_at == approved_at
    assert MitigationMeasure.objects.filter(plan__engagement=active).exists()


def test_a_reassessment_whose_plan_stands_returns_straight_to_active(active, pm, com):
    assert_taken(active, "start_reassessment", pm, to=State.ASSESSMENT)
    complete_assessment(active, rating="medium")  # fills in version 2
    assert_taken(active, "submit_assessment", pm, to=State.ENDORSEMENT)

    assert_taken(active, "endorse_plan_stands", com, to=State.ACTIVE, justification="The approved plan stands.")

    assert reload(active).current_assessment.version == 2


def test_a_reassessment_can_only_start_from_active(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.INTERCESSION)
    approved_support(engagement)

    assert_refused(engagement, "start_reassessment", pm, "This cannot be done while the engagement is at 'Intercession'.")


# --- close ------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["pm", "com"])
def test_an_active_engagement_is_closed_at_the_normal_end_of_the_project(user, active, request):
    assert_taken(
        active, "close", request.getfixturevalue(user), to=State.CLOSED,
        justification="Project ended on schedule; final monitoring report filed.",
    )


@pytest.mark.parametrize("state", [State.INTERCESSION, State.SUSPENDED])
def test_an_engagement_under_intercession_or_suspension_cannot_be_closed_as_a_normal_end(state, office_a, pm):
    engagement = EngagementFactory(office=office_a, state=state)

    assert_refused(engagement, "close", pm, "This cannot be done while the engagement is at")
