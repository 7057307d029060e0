"""Action 3: the country-mechanism check (domain.md section 3, transition 5)."""

import pytest

from assessments.models import AssessmentStatus, RiskAssessment
from hrddp.models import State
from mitigation.models import MitigationPlan
from tests.builders import (
    GPRAF_CORE_MEASURES,
    PM,
    assert_forbidden,
    assert_refused,
    assert_taken,
    engagement_ready_for,
    record_coordination,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [("complete_coordination", State.COORDINATION, State.ASSESSMENT, PM)]

NO_MECHANISM_ANSWER = "Record whether a UN HRDDP country mechanism exists."
NAME_WHOM_TO_INFORM = "Name who in the country mechanism must be informed of the office's decisions."
DATE_THE_GPRAF = "Give the date of the GPRAF."


@pytest.fixture
def at_coordination(office_a):
    return EngagementFactory(office=office_a, state=State.COORDINATION)


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_project_manager_completes_the_coordination(name, source, target, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_the_coordination_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


def test_completing_the_coordination_starts_assessment_version_1_and_inherits_the_gpraf_core_measures(
    at_coordination, pm
):
    # given a country mechanism whose GPRAF has two core mitigation measures
    record_coordination(at_coordination, mechanism=True, core_measures=GPRAF_CORE_MEASURES)

    assert_taken(at_coordination, "complete_coordination", pm, to=State.ASSESSMENT)

    # then a draft risk assessment, version 1, is open ...
    assessment = RiskAssessment.objects.get(engagement=at_coordination)
    assert (assessment.version, assessment.status, assessment.created_by) == (1, AssessmentStatus.DRAFT, pm)
    # ... and the core measures are in the mitigation plan, marked as coming from the GPRAF
    plan = MitigationPlan.objects.get(engagement=at_coordination)
    assert sorted(plan.measures.values_list("title", "from_gpraf")) == sorted(
        (title, True) for title in GPRAF_CORE_MEASURES
    )


def test_without_a_country_mechanism_the_plan_starts_empty(at_coordination, pm):
    record_coordination(at_coordination, mechanism=False)

    assert_taken(at_coordination, "complete_coordination", pm, to=State.ASSESSMENT)

    assert RiskAssessment.objects.filter(engagement=at_coordination, version=1).exists()
    assert not MitigationPlan.objects.get(engagement=at_coordination).measures.exists()


def test_blank_lines_of_the_core_measures_are_not_carried_into_the_plan(at_coordination, pm):
    record_coordination(at_coordination, core_measures=["Vetting of unit commanders", "", "   "])

    assert_taken(at_coordination, "complete_coordination", pm, to=State.ASSESSMENT)

    plan = MitigationPlan.objects.get(engagement=at_coordination)
    assert list(plan.measures.values_list("title", flat=True)) == ["Vetting of unit commanders"]


def test_it_refuses_to_complete_a_coordination_never_recorded(at_coordination, pm):
    assert_refused(at_coordination, "complete_coordination", pm, NO_MECHANISM_ANSWER)
    assert not RiskAssessment.objects.filter(engagement=at_coordination).exists()
    assert not MitigationPlan.objects.filter(engagement=at_coordination).exists()


def test_it_refuses_while_it_is_unknown_whether_a_mechanism_exists(at_coordination, pm):
    record_coordination(at_coordination, mechanism=None)

    assert_refused(at_coordination, "complete_coordination", pm, NO_MECHANISM_ANSWER)


def test_it_refuses_a_mechanism_without_naming_whom_to_inform(at_coordination, pm):
    record_coordination(at_coordination, mechanism=True, inform="  ")

    assert_refused(at_coordination, "complete_coordination", pm, NAME_WHOM_TO_INFORM)


def test_it_refuses_a_gpraf_reference_without_its_date(at_coordination, pm):
    record_coordination(at_coordination, mechanism=True, gpraf_date=None)

    assert_refused(at_coordination, "complete_coordination", pm, DATE_THE_GPRAF)
