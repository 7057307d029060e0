"""P¶25: a grave violation with substantial grounds on active support alerts the Chief of Mission and HQ
at once, flags the assessment for reassessment — once per incident, through the log and edit pages."""

import pytest
from django.urls import reverse

from hrddp.models import Notification, Reminder, Role, State
from monitoring.incident_services import incident_update
from monitoring.models import Incident
from tests.factories import EngagementFactory, user_with_role
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    active,
    command,
    force,
    form_fields,
    grave,
    log,
    unit,
)

GRAVE_FORM = {"grave_violation": "on", "categories": ["war_crimes"]}


def _notified(engagement):
    return set(Notification.objects.filter(engagement=engagement, kind="escalation").values_list("user__username", flat=True))


def test_a_grave_incident_logged_on_the_page_alerts_the_pm_com_and_hq_once_and_flags_the_assessment(
    client, pm, com, com_b, hq, auditor, outsider, active, unit, django_capture_on_commit_callbacks
):
    # given another Chief of Mission of office A
    com_2 = user_with_role(Role.CHIEF_OF_MISSION, active.office, username="com2.a")
    client.force_login(pm)

    # when the project manager logs a grave violation and the Chief of Mission determines it on its page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("incident_new", args=[active.pk]), form_fields(unit, **GRAVE_FORM))
        assert Reminder.objects.count() == 0
        client.force_login(com)
        client.post(
            reverse("incident_determine", args=[active.pk, Incident.objects.get().pk]),
            {"reasons": "Graded B2 by a usually reliable source."},
        )

    # then one reminder of kind grave_violation is recorded and delivered to the office's project manager (who writes
    # the report to the decision makers, P¶25), its COMs and HQ only
    assert response.status_code == 302
    incident = Incident.objects.get()
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.engagement, reminder.subject) == (
        Reminder.Kind.GRAVE_VIOLATION, active, f"incident:{incident.pk}"
    )
    assert reminder.sent_at is not None
    assert _notified(active) == {pm.username, com.username, com_2.username, hq.username}
    assert incident.escalated_at is not None
    active.refresh_from_db()
    assert active.reassessment_flagged_at == incident.escalated_at
    assert "Grave violation reported" in active.reassessment_flag_reason


def test_editing_an_escalated_incident_does_not_escalate_it_again(
    pm, com, hq, active, unit, django_capture_on_commit_callbacks
):
    # given an escalated incident
    with django_capture_on_commit_callbacks(execute=True):
        incident = log(active, pm, recipient=unit, **grave())
    escalated_at = Incident.objects.get().escalated_at

    # when it is edited again, still grave
    with django_capture_on_commit_callbacks(execute=True):
        incident_update(incident=incident, by=pm, data={"place": "Omri road", "information_credibility": "1"}, persons=None)

    # then there is still one reminder, and nobody heard twice
    assert Reminder.objects.count() == 1
    assert Notification.objects.filter(kind="escalation").count() == 3
    assert Incident.objects.get().escalated_at == escalated_at


def test_an_incident_that_is_not_grave_does_not_escalate(pm, com, hq, active, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        log(active, pm, grave_violation=True, categories=["war_crimes"])

    assert Reminder.objects.count() == 0
    assert Notification.objects.count() == 0
    active.refresh_from_db()
    assert active.reassessment_flagged_at is None
    assert Incident.objects.get().escalated_at is None


def test_an_incident_escalates_when_the_chief_of_mission_determines_substantial_grounds(
    client, pm, com, hq, active, django_capture_on_commit_callbacks
):
    # given a grave violation logged without substantial grounds yet
    incident = log(active, pm, grave_violation=True, categories=["war_crimes"])
    client.force_login(pm)
    client.post(
        reverse("incident_edit", args=[active.pk, incident.pk]),
        form_fields(active.recipient, verification_status="corroborated", victims=None, witnesses=None,
                    source_details=None, **GRAVE_FORM),
    )
    assert Reminder.objects.count() == 0

    # when the Chief of Mission determines it, on the incident's page
    client.force_login(com)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("incident_determine", args=[active.pk, incident.pk]), {"reasons": "Verified by OHCHR."}
        )

    # then it escalates then, once
    assert response.status_code == 302
    assert Reminder.objects.filter(kind=Reminder.Kind.GRAVE_VIOLATION).count() == 1
    assert _notified(active) == {pm.username, com.username, hq.username}


@pytest.mark.parametrize("state", [State.ASSESSMENT, State.CLOSED])
def test_no_escalation_when_support_is_not_under_way(pm, com, hq, office_a, force, state, django_capture_on_commit_callbacks):
    engagement = EngagementFactory(office=office_a, recipient=force, state=state)

    with django_capture_on_commit_callbacks(execute=True):
        log(engagement, pm, **grave())

    assert Reminder.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_escalation_is_in_the_determinations_transaction_and_history(pm, active, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log(active, pm, **grave())

    # nothing is delivered before the transaction commits, but the escalation is recorded in the history
    assert len(callbacks) >= 1
    assert Notification.objects.count() == 0
    entry = active.audit_entries.get(action="determine_grave_violation")
    assert entry.details["escalated"] is True
    assert "The Chief of Mission and HQ were alerted" in entry.justification


def test_endorsing_the_reassessment_clears_the_flag(office_a, pm, com):
    from hrddp.models import Engagement, State
    from hrddp.services import engagement_transition
    from tests.builders import engagement_ready_for

    engagement = engagement_ready_for("endorse", State.ENDORSEMENT, office=office_a)
    Engagement.objects.filter(pk=engagement.pk).update(
        reassessment_flagged_at="2026-11-01T09:00:00Z", reassessment_flag_reason="Grave violation reported."
    )

    engagement_transition(engagement_id=engagement.pk, name="endorse", by=com, justification="Reassessed.")

    engagement.refresh_from_db()
    assert engagement.reassessment_flagged_at is None and engagement.reassessment_flag_reason == ""
