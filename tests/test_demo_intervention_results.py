"""The demo's intervention case (Radio equipment for the North-East Police Command, in intercession with its
intercession letter issued) reaches each result through the services a user's pages call, in the policy's order."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from hrddp.models import Engagement, State, User
from hrddp.services import TransitionRefused, engagement_transition
from interventions.cases import case_set_skip_reason, case_set_suspension_evaluation
from interventions.intercession import letter_issue_with_step
from interventions.letters import letter_draft
from interventions.models import LetterKind
from monitoring.determinations import grave_violation_determine
from monitoring.models import Channel, Incident, VerificationStatus


@pytest.fixture
def demo_case(db):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    engagement = Engagement.objects.get(title="Radio equipment for the North-East Police Command")
    return engagement, User.objects.get(username="pm.darvonia"), User.objects.get(username="com.darvonia")


def _continuing_violation(engagement, com):
    incident = Incident.objects.create(
        engagement=engagement, recipient=engagement.recipient, occurred_on=timezone.localdate() - timedelta(days=2),
        place="Omri market", description="A trader beaten by officers of Unit 7 at the same checkpoint.",
        channel=Channel.UN_MONITORING, verification_status=VerificationStatus.CORROBORATED, grave_violation=True,
        categories=["gross_violations"],
    )
    grave_violation_determine(by=com, incident=incident, reasons="Seen by UN monitors at the checkpoint.")
    return incident


def _decide_with_letter(engagement, kind, pm, com, why):
    engagement.refresh_from_db()
    letter = letter_draft(
        engagement=engagement, kind=kind, language="en", addressee="The North-East Police Commander",
        signatory=com, subject="", body="The killings continued after our letter.", by=pm,
    )
    letter.engagement = engagement
    letter_issue_with_step(letter=letter, by=com, justification=why)
    engagement.refresh_from_db()
    return engagement


def _case(engagement):
    engagement.refresh_from_db()
    case = engagement.intervention_cases.order_by("-pk").first()
    case.engagement = engagement
    return case


def test_the_demo_case_waits_in_intercession_with_its_letter_issued(demo_case):
    engagement, pm, com = demo_case
    assert engagement.state == State.INTERCESSION
    case = _case(engagement)
    assert case.course_recorded_at is not None
    assert engagement.letters.filter(kind=LetterKind.INTERCESSION, issued_at__isnull=False).exists()


def test_the_demo_case_reaches_each_result(demo_case):
    engagement, pm, com = demo_case

    # Result A: the authorities acted, no violation since the intercession
    with transaction.atomic():
        engagement_transition(
            engagement_id=engagement.pk, name="resolve", by=com,
            justification="The officers were suspended and an investigation opened.",
        )
        assert Engagement.objects.get(pk=engagement.pk).state == State.ACTIVE
        transaction.set_rollback(True)

    # Result B: violations continue despite the intercession; Result A is then refused (P¶27)
    with transaction.atomic():
        _continuing_violation(engagement, com)
        with pytest.raises(TransitionRefused, match="P¶27"):
            engagement_transition(engagement_id=engagement.pk, name="resolve", by=com, justification="Addressed.")
        case_set_suspension_evaluation(
            case=_case(engagement), by=com, evaluation="Staff movements in Kael restricted for a week.",
            mandate_critically_affected=False,
        )
        engagement = _decide_with_letter(engagement, LetterKind.SUSPENSION, pm, com, "Violations continue.")
        assert engagement.state == State.SUSPENDED

        # ... then resumed, or ceased
        with transaction.atomic():
            engagement = _decide_with_letter(engagement, LetterKind.RESUMPTION, pm, com, "Officers prosecuted.")
            assert engagement.state == State.ACTIVE
            transaction.set_rollback(True)
        engagement.refresh_from_db()
        engagement = _decide_with_letter(engagement, LetterKind.CESSATION, pm, com, "Killings go on.")
        assert engagement.state == State.CEASED
        transaction.set_rollback(True)

    # Ceasing straight from intercession, with the reason suspension is skipped
    engagement.refresh_from_db()
    with transaction.atomic():
        _continuing_violation(engagement, com)
        case_set_skip_reason(case=_case(engagement), by=com, reason="The unit's commander ordered the killings.")
        engagement = _decide_with_letter(engagement, LetterKind.CESSATION, pm, com, "Support withdrawn (P¶27).")
        assert engagement.state == State.CEASED
        transaction.set_rollback(True)
