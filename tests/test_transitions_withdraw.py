"""Withdrawing a request before support starts (domain.md section 3, transition 19)."""

import pytest

from hrddp.models import State
from tests.builders import (
    PM,
    assert_forbidden,
    assert_refused,
    assert_taken,
    engagement_ready_for,
    right_role_cases,
    wrong_role_cases,
)
from tests.factories import EngagementFactory

# Every state before support starts. `ineligible` is not one of them: the request
# has already ended there and "can be reopened only as a new request".
PRE_ACTIVE = [
    State.DRAFT, State.SCREENING, State.NOT_APPLICABLE, State.PRECONDITIONS, State.COORDINATION,
    State.ASSESSMENT, State.ENDORSEMENT, State.DECLINED, State.MITIGATION, State.APPROVAL,
]
NOT_PRE_ACTIVE = [State.ACTIVE, State.INTERCESSION, State.SUSPENDED, State.CEASED, State.CLOSED, State.INELIGIBLE]

STEPS = [("withdraw_request", state, State.CLOSED, PM) for state in PRE_ACTIVE]


def test_the_two_lists_cover_every_state():
    assert sorted(PRE_ACTIVE + NOT_PRE_ACTIVE) == sorted(State)


@pytest.mark.parametrize(("name", "source", "target", "user"), right_role_cases(STEPS))
def test_the_project_manager_withdraws_a_request_from_every_pre_active_state(name, source, target, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)

    entry = assert_taken(
        engagement, name, request.getfixturevalue(user), to=target,
        justification="The national authority withdrew its request.",
    )

    # the reason is kept in the audit trail
    assert (entry.from_state, entry.justification) == (source, "The national authority withdrew its request.")


@pytest.mark.parametrize(("name", "source", "user"), wrong_role_cases(STEPS))
def test_every_other_role_is_refused_the_withdrawal(name, source, user, office_a, request):
    engagement = engagement_ready_for(name, source, office=office_a)
    assert_forbidden(engagement, name, request.getfixturevalue(user))


@pytest.mark.parametrize("state", NOT_PRE_ACTIVE)
def test_a_request_cannot_be_withdrawn_once_support_started_or_the_request_ended(state, office_a, pm):
    engagement = EngagementFactory(office=office_a, state=state)

    assert_refused(
        engagement, "withdraw_request", pm, f"This cannot be done while the engagement is at '{State(state).label}'."
    )


def test_it_refuses_withdraw_request_from_active(office_a, pm):
    engagement = engagement_ready_for("close", State.ACTIVE, office=office_a)

    assert_refused(engagement, "withdraw_request", pm, "This cannot be done while the engagement is at 'Active'.")


def test_a_withdrawal_needs_its_reason(office_a, pm):
    engagement = EngagementFactory(office=office_a, state=State.ASSESSMENT)

    assert_refused(
        engagement, "withdraw_request", pm, "Give a justification: every decision records why it was taken.",
        justification="",
    )
