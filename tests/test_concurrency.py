"""Two people acting on one engagement at once: exactly one of them wins, and
the audit trail records exactly one decision."""

import threading

import pytest
from django.db import connection

from assessments.models import RiskAssessment
from hrddp.models import AuditEntry, Role, State
from hrddp.services import EngagementChangedMeanwhile, TransitionRefused, engagement_transition
from tests.factories import EngagementFactory, user_with_role


@pytest.fixture
def awaiting_endorsement(office_a):
    """An engagement awaiting the COM: its assessment is rated high, so the COM
    may either endorse it or decline support."""
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT, revision=4)
    RiskAssessment.objects.create(
        engagement=engagement, version=1, status="submitted", final_rating="high", final_justification="Credible reports."
    )
    return engagement


@pytest.fixture
def second_com(office_a):
    """A second Chief of Mission of office A (e.g. the officer in charge)."""
    return user_with_role(Role.CHIEF_OF_MISSION, office_a, username="oic.a")


def test_the_second_of_two_decisions_on_the_same_revision_is_refused(awaiting_endorsement, com, second_com):
    seen = awaiting_endorsement.revision  # both pages were loaded at this revision

    engagement_transition(
        engagement_id=awaiting_endorsement.pk, name="endorse", by=com,
        justification="Medium risk in practice; manageable.", expected_revision=seen,
    )
    with pytest.raises(EngagementChangedMeanwhile):
        engagement_transition(
            engagement_id=awaiting_endorsement.pk, name="decline", by=second_com,
            justification="The risk is too high.", expected_revision=seen,
        )

    awaiting_endorsement.refresh_from_db()
    assert awaiting_endorsement.state == State.MITIGATION
    assert awaiting_endorsement.revision == seen + 1
    assert list(AuditEntry.objects.values_list("action", "actor")) == [("endorse", com.pk)]
    assert awaiting_endorsement.current_assessment.status == "endorsed"


def test_the_second_of_two_withdrawals_on_the_same_revision_is_refused(pm, engagement):
    engagement_transition(engagement_id=engagement.pk, name="withdraw_request", by=pm, justification="No longer needed.",
                          expected_revision=0)

    with pytest.raises(EngagementChangedMeanwhile):
        engagement_transition(engagement_id=engagement.pk, name="withdraw_request", by=pm,
                              justification="Double click.", expected_revision=0)

    assert AuditEntry.objects.count() == 1


def test_without_a_revision_the_second_decision_is_refused_by_the_new_state(awaiting_endorsement, com, second_com):
    engagement_transition(engagement_id=awaiting_endorsement.pk, name="endorse", by=com, justification="Endorsed.")

    with pytest.raises(TransitionRefused, match="Awaiting endorsement|Mitigation plan"):
        engagement_transition(engagement_id=awaiting_endorsement.pk, name="decline", by=second_com,
                              justification="Too risky.")

    assert AuditEntry.objects.count() == 1


def _race(calls):
    """Run the calls at the same moment, one thread each; return what each raised or returned."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_decisions_exactly_one_succeeds(awaiting_endorsement, com, second_com):
    pk, seen = awaiting_endorsement.pk, awaiting_endorsement.revision

    outcomes = _race([
        lambda: engagement_transition(engagement_id=pk, name="endorse", by=com, justification="Endorsed.",
                                      expected_revision=seen),
        lambda: engagement_transition(engagement_id=pk, name="decline", by=second_com, justification="Declined.",
                                      expected_revision=seen),
    ])

    winners = [o for o in outcomes if not isinstance(o, Exception)]
    losers = [o for o in outcomes if isinstance(o, Exception)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and isinstance(losers[0], EngagementChangedMeanwhile), outcomes
    awaiting_endorsement.refresh_from_db()
    assert awaiting_endorsement.state == winners[0].state
    assert awaiting_endorsement.state in {State.MITIGATION, State.DECLINED}
    assert awaiting_endorsement.revision == seen + 1
    assert AuditEntry.objects.filter(engagement=awaiting_endorsement).count() == 1


@pytest.mark.postgresql
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_withdrawals_without_a_revision_exactly_one_succeeds(pm, engagement):
    pk = engagement.pk

    outcomes = _race([
        lambda: engagement_transition(engagement_id=pk, name="withdraw_request", by=pm, justification="Withdrawn."),
        lambda: engagement_transition(engagement_id=pk, name="withdraw_request", by=pm, justification="Withdrawn too."),
    ])

    assert sum(not isinstance(o, Exception) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, (EngagementChangedMeanwhile, TransitionRefused)) for o in outcomes) == 1, outcomes
    engagement.refresh_from_db()
    assert engagement.state == State.CLOSED
    assert AuditEntry.objects.filter(engagement=engagement).count() == 1
