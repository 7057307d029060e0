"""The demo scenario loads, and loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import RiskAssessment
from hrddp.lifecycle import is_transition
from hrddp.models import AuditEntry, Engagement, Membership, Office, Recipient, State, User


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (Engagement, AuditEntry, User, Recipient, Office, Membership, RiskAssessment)
    }


def _load():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def loaded(db):
    output = _load()
    return output


def test_it_loads_the_scenario_and_lists_the_demo_logins(loaded):
    assert "Demo scenario loaded." in loaded
    assert "pm.darvonia" in loaded
    assert Engagement.objects.exists()
    assert User.objects.filter(username="pm.darvonia", is_staff=True).exists()


def test_running_it_again_raises_nothing_and_duplicates_nothing(loaded):
    before = _counts()
    states = dict(Engagement.objects.values_list("reference", "state"))

    _load()

    assert _counts() == before
    assert dict(Engagement.objects.values_list("reference", "state")) == states


def test_it_carries_the_engagements_into_several_distinct_states(loaded):
    states = set(Engagement.objects.values_list("state", flat=True))

    assert len(states) >= 5
    assert {State.ACTIVE, State.ENDORSEMENT, State.INELIGIBLE, State.INTERCESSION} <= states


def test_it_carries_every_engagement_through_audited_transitions(loaded):
    for engagement in Engagement.objects.all():
        # Letters drafted and issued are recorded too; the state moves only by transitions.
        entries = [
            e for e in engagement.audit_entries.order_by("at", "pk") if e.action == "open" or is_transition(e.action)
        ]
        assert entries[0].action == "open"
        assert entries[-1].to_state == engagement.state
        assert engagement.revision == len(entries) - 1
        for earlier, later in zip(entries, entries[1:]):
            assert later.from_state == earlier.to_state


def test_it_spreads_the_engagements_over_both_offices(loaded):
    assert set(Engagement.objects.values_list("office__code", flat=True)) == {"drv", "mer"}
