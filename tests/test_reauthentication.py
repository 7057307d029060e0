"""Sensitive steps ask for the password (or second factor) again once the last check is older than
REAUTHENTICATE_AFTER_MINUTES: approving, suspending and ceasing support, granting confidential access,
issuing a letter. What was typed is kept and sent again once the identity is confirmed."""

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry, State
from interventions.letters import letter_draft
from interventions.models import Letter, LetterKind
from tests.builders import engagement_ready_for, reload
from tests.test_incident_helpers import active, force  # noqa: F401 - fixtures

PASSWORD = "correct-horse-battery"
WHY = "Residual risk acceptable; the authority has been notified."
LATER = timedelta(minutes=16)  # past the 15 minutes, within the 30-minute idle limit


def _step_url(engagement, name):
    return reverse("engagement_transition", args=[engagement.pk, name])


def _approve(client, engagement):
    return client.post(_step_url(engagement, "approve_support"), {"justification": WHY, "revision": reload(engagement).revision})


def _sent_to_reauthentication(response):
    if response.status_code != 302:
        return False
    location = urlparse(response["Location"])
    return location.path == reverse("account_reauthenticate") and parse_qs(location.query)["next"] == [
        reverse("reauthenticate_resume")
    ]


@pytest.fixture
def awaiting(office_a):
    return engagement_ready_for("approve_support", office=office_a)


def test_right_after_signing_in_the_chief_of_mission_approves_without_being_asked(client, com, awaiting):
    client.force_login(com)

    response = _approve(client, awaiting)

    assert response.status_code == 302 and not _sent_to_reauthentication(response)
    assert reload(awaiting).state == State.ACTIVE


def test_after_15_minutes_approving_asks_for_the_password_again_and_does_nothing_yet(client, com, awaiting):
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        response = _approve(client, awaiting)

    assert _sent_to_reauthentication(response)
    assert reload(awaiting).state == State.APPROVAL


def test_after_re_authenticating_the_justification_is_kept_and_the_step_is_sent_again(client, com, awaiting):
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        asked = _approve(client, awaiting)
        confirmed = client.post(asked["Location"], {"password": PASSWORD})
        assert confirmed["Location"] == reverse("reauthenticate_resume")
        resume = client.get(confirmed["Location"])
        content = resume.content.decode()
        assert WHY in content
        assert f'action="{_step_url(awaiting, "approve_support")}"' in content

        response = client.post(_step_url(awaiting, "approve_support"), {"justification": WHY, "revision": reload(awaiting).revision})

    assert response.status_code == 302 and not _sent_to_reauthentication(response)
    assert reload(awaiting).state == State.ACTIVE
    assert AuditEntry.objects.filter(actor=com, action=AuditAction.REAUTHENTICATE, engagement=None).count() == 1


def test_a_wrong_password_does_not_confirm(client, com, awaiting):
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        asked = _approve(client, awaiting)
        response = client.post(asked["Location"], {"password": "wrong-password"})
        assert response.status_code == 200
        assert _sent_to_reauthentication(_approve(client, awaiting))


def test_a_step_that_is_not_sensitive_is_not_asked_again(client, pm, office_a):
    engagement = engagement_ready_for("start_screening", office=office_a)
    client.force_login(pm)
    with time_machine.travel(timezone.now() + LATER):
        response = client.post(_step_url(engagement, "start_screening"), {"justification": "Complete.", "revision": engagement.revision})

    assert response.status_code == 302 and not _sent_to_reauthentication(response)


def test_an_outsider_gets_not_found_not_a_re_authentication(client, com_b, awaiting):
    client.force_login(com_b)
    with time_machine.travel(timezone.now() + LATER):
        assert _approve(client, awaiting).status_code == 404


def test_a_project_manager_gets_forbidden_not_a_re_authentication(client, pm, awaiting):
    client.force_login(pm)
    with time_machine.travel(timezone.now() + LATER):
        assert _approve(client, awaiting).status_code == 403


def test_issuing_a_letter_asks_again_after_15_minutes(client, pm, com, engagement):
    letter = letter_draft(
        engagement=engagement, kind=LetterKind.NOTIFICATION, language="en", addressee="Commander", signatory=com,
        subject="", body="", by=pm,
    )
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        response = client.post(reverse("letter_issue", args=[engagement.pk, letter.pk]))

    assert _sent_to_reauthentication(response)
    assert not Letter.objects.get(pk=letter.pk).is_issued


def test_granting_confidential_access_asks_again_after_15_minutes(client, com, pm, active):
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        response = client.post(
            reverse("incident_confidential_access", args=[active.pk]), {"user": pm.pk, "reason": "Follows the victims."}
        )
        assert _sent_to_reauthentication(response)
        assert "Follows the victims." in client.get(reverse("reauthenticate_resume")).content.decode()

    assert not AuditEntry.objects.filter(action=AuditAction.GRANT_CONFIDENTIAL_ACCESS).exists()


def test_the_resume_page_without_a_held_step_goes_home(client, com):
    client.force_login(com)

    assert client.get(reverse("reauthenticate_resume"))["Location"] == reverse("engagement_list")


def test_the_resume_page_needs_a_signed_in_user(client):
    assert client.get(reverse("reauthenticate_resume"))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name, source", [("suspend", State.INTERCESSION), ("cease", State.SUSPENDED)])
def test_suspending_and_ceasing_ask_again_after_15_minutes(client, com, office_a, name, source):
    engagement = engagement_ready_for(name, source, office=office_a)
    client.force_login(com)
    with time_machine.travel(timezone.now() + LATER):
        response = client.post(_step_url(engagement, name), {"justification": WHY, "revision": engagement.revision})

    assert _sent_to_reauthentication(response)
    assert reload(engagement).state == source


def test_the_resume_page_never_posts_to_another_site(client, com):
    client.force_login(com)
    session = client.session
    session["hrddp_pending_step"] = {"path": "//elsewhere.example/steal", "fields": [["justification", "x"]]}
    session.save()

    assert client.get(reverse("reauthenticate_resume"))["Location"] == reverse("engagement_list")
