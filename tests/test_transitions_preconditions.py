"""Action 2: the four preconditions (domain.md section 3, transition 4; T/Action 2, T/Box 1).

Any unmet precondition leads only to `ineligible`: the office cannot pass on
to coordination, and may record the request as ineligible."""

import pytest

from hrddp.models import State
from tests.builders import (
    PM,
    PM_OR_COM,
    PRECONDITION_KEYS,
    PRECONDITION_LABELS,
    all_preconditions_met,
    assert_forbidden,
    assert_refused,
    assert_taken,
    engagement_ready_for,
    record_preconditions,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

STEPS = [
    ("pass_preconditions", State.PRECONDITIONS, State.COORDINATION, PM),
    ("fail_preconditions", State.PRECONDITIONS, State.INELIGIBLE, PM_OR_COM),
]

NOT_CHECKED = "The four preconditions have not been checked yet."
NOTHING_FAILED = "No precondition is recorded as not met."


@pytest.fixture
def at_preconditions(office_a):
    return EngagementFactory(office=office_a, state=State.PRECONDITIONS)


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_right_role_takes_each_preconditions_step_when_its_conditions_are_met(
    name, source, target, user, office_a, request
):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_taken(engagement, name, request.getfixturevalue(user), to=target)


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_each_preconditions_step(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


# --- pass_preconditions -------------------------------------------------------------------


def test_it_passes_the_preconditions_when_all_four_are_met_with_evidence(at_preconditions, pm):
    all_preconditions_met(at_preconditions)

    assert_taken(at_preconditions, "pass_preconditions", pm, to=State.COORDINATION)


def test_it_refuses_to_pass_preconditions_never_checked(at_preconditions, pm):
    assert_refused(at_preconditions, "pass_preconditions", pm, NOT_CHECKED)


@pytest.mark.parametrize("key", PRECONDITION_KEYS)
def test_it_refuses_to_pass_while_a_precondition_is_not_yet_checked(key, at_preconditions, pm):
    record_preconditions(at_preconditions, unchecked=[key])

    reasons = assert_refused(
        at_preconditions, "pass_preconditions", pm, f"Precondition not yet checked: {PRECONDITION_LABELS[key]}."
    )
    assert len(reasons) == 1


@pytest.mark.parametrize("key", PRECONDITION_KEYS)
def test_it_refuses_to_pass_a_precondition_marked_met_without_evidence(key, at_preconditions, pm):
    record_preconditions(at_preconditions, without_evidence=[key])

    reasons = assert_refused(
        at_preconditions, "pass_preconditions", pm,
        f"Precondition '{PRECONDITION_LABELS[key]}' is marked met but has no evidence.",
    )
    assert len(reasons) == 1


@pytest.mark.parametrize("key", PRECONDITION_KEYS)
def test_any_unmet_precondition_leads_only_to_ineligible(key, office_a, pm):
    # given one precondition recorded as not met, the three others met with evidence
    engagement = EngagementFactory(office=office_a, state=State.PRECONDITIONS)
    record_preconditions(engagement, not_met=[key])

    # then it cannot go on to coordination ...
    assert_refused(
        engagement, "pass_preconditions", pm,
        f"Precondition not met: {PRECONDITION_LABELS[key]}. The office cannot engage; record the request as ineligible.",
    )
    # ... and the only way out of the preconditions is 'ineligible'
    assert_taken(engagement, "fail_preconditions", pm, to=State.INELIGIBLE)


def test_every_unmet_and_unchecked_precondition_is_reported_at_once(at_preconditions, pm):
    record_preconditions(
        at_preconditions, not_met=["no_weapons"], unchecked=["no_death_penalty"], without_evidence=["national_ownership"]
    )

    reasons = assert_refused(
        at_preconditions, "pass_preconditions", pm,
        "Precondition not met: no weapons", "Precondition not yet checked: no support to the enforcement of the death penalty",
        "is marked met but has no evidence",
    )
    assert len(reasons) == 3


# --- fail_preconditions -------------------------------------------------------------------


@pytest.mark.parametrize("user", ["pm", "com"])
def test_the_project_manager_or_the_chief_of_mission_records_a_failed_request_as_ineligible(
    user, at_preconditions, request
):
    record_preconditions(at_preconditions, not_met=["no_death_penalty"])

    assert_taken(
        at_preconditions, "fail_preconditions", request.getfixturevalue(user), to=State.INELIGIBLE,
        justification="Executions are carried out at this centre: the office will not engage.",
    )


def test_it_refuses_to_record_as_ineligible_before_the_preconditions_are_checked(at_preconditions, pm):
    assert_refused(at_preconditions, "fail_preconditions", pm, NOTHING_FAILED)


def test_it_refuses_to_record_as_ineligible_when_every_precondition_is_met(at_preconditions, com):
    all_preconditions_met(at_preconditions)

    assert_refused(at_preconditions, "fail_preconditions", com, NOTHING_FAILED)


def test_an_unchecked_precondition_is_not_a_failed_one(at_preconditions, pm):
    record_preconditions(at_preconditions, unchecked=["no_combat_capacity"])

    assert_refused(at_preconditions, "fail_preconditions", pm, NOTHING_FAILED)


def test_an_ineligible_request_cannot_be_passed_on_afterwards(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.INELIGIBLE)
    all_preconditions_met(engagement)

    assert_refused(engagement, "pass_preconditions", pm, "This cannot be done while the engagement is at 'Ineligible'.")
