import pytest

from hrddp.lifecycle import choices_for
from hrddp.models import State
from tests.factories import EngagementFactory, SupportActivityFactory


@pytest.mark.parametrize("state", [s.value for s in State])
def test_the_steps_offered_are_exactly_those_django_fsm_makes_available(office_a, pm, com, auditor, state):
    engagement = EngagementFactory(office=office_a, state=state)
    SupportActivityFactory(engagement=engagement)

    for user in (pm, com, auditor):
        offered = {c.info.name for c in choices_for(engagement, user) if c.available}
        assert offered == {t.name for t in engagement.get_available_user_state_transitions(user)}, user
