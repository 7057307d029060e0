"""Taking a step through the API: the engagement page's service, with its permission, conditions, optimistic
lock and audit entry, which names the token used."""

import pytest

from hrddp.models import AuditAction, AuditEntry, State
from tests.api_client import api_as
from tests.factories import SupportActivityFactory

WHY = "The police asked for community-policing training."


def _entries():
    """The audit entries of the engagements (creating the token has its own)."""
    return AuditEntry.objects.exclude(action=AuditAction.CREATE_API_TOKEN)


def _url(engagement, name="start_screening"):
    return f"/api/v1/engagements/{engagement.pk}/transitions/{name}/"


def _nothing_written(engagement, state=State.DRAFT, revision=0):
    engagement.refresh_from_db()
    return engagement.state == state and engagement.revision == revision and not _entries().exists()


@pytest.fixture
def ready(engagement):
    """A draft with one support activity: ready for screening."""
    SupportActivityFactory(engagement=engagement)
    return engagement


def test_the_owner_takes_a_step_with_the_right_revision_and_one_audit_entry_names_the_token(pm, ready):
    client = api_as(pm, name="Mission reporting tool")

    response = client.post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["state"] == State.SCREENING and response.json()["revision"] == 1
    entry = _entries().get()
    assert (entry.action, entry.actor, entry.engagement, entry.justification) == ("start_screening", pm, ready, WHY)
    assert entry.details["api_token"] == client.token.pk
    assert entry.details["api_token_name"] == "Mission reporting tool"
    assert entry.details["via"] == "api"


def test_a_stale_revision_gets_409_and_writes_nothing(pm, ready):
    client = api_as(pm)

    response = client.post(_url(ready), {"justification": WHY, "revision": 7}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "changed_meanwhile"
    assert "changed meanwhile" in response.json()["error"]["message"]
    assert _nothing_written(ready)


def test_a_refused_step_gets_400_with_the_reasons_and_writes_nothing(pm, engagement):
    """A draft without activities cannot go to screening: the service's own reason comes back."""
    client = api_as(pm)

    response = client.post(_url(engagement), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "refused" and error["reasons"]
    assert _nothing_written(engagement)


def test_a_missing_justification_and_revision_are_field_errors_all_at_once(pm, ready):
    response = api_as(pm).post(_url(ready), {}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"justification", "revision"}
    assert _nothing_written(ready)


def test_the_colleague_whose_role_does_not_take_the_step_gets_403(com, ready):
    response = api_as(com).post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 403
    assert _nothing_written(ready)


def test_the_auditor_gets_403_and_writes_nothing(auditor, ready):
    response = api_as(auditor).post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert not _entries().exists()


def test_hq_gets_403(hq, ready):
    assert api_as(hq).post(_url(ready), {"justification": WHY, "revision": 0}, format="json").status_code == 403


def test_an_outsider_gets_404_and_writes_nothing(outsider, ready):
    response = api_as(outsider).post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 404
    assert _nothing_written(ready)


def test_an_unknown_step_is_404(pm, ready):
    assert api_as(pm).post(_url(ready, "fly_away"), {"justification": WHY, "revision": 0}, format="json").status_code == 404


def test_the_browser_session_needs_its_csrf_token_to_take_a_step(pm, ready):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pm)

    response = client.post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    assert response.status_code == 403
    ready.refresh_from_db()
    assert ready.state == State.DRAFT


def test_the_engagement_lists_the_owners_steps_with_their_reasons(pm, com, engagement):
    owner = api_as(pm).get(f"/api/v1/engagements/{engagement.pk}/").json()
    colleague = api_as(com, name="Chief's token").get(f"/api/v1/engagements/{engagement.pk}/").json()

    steps = {t["name"]: t for t in owner["transitions"]}
    assert steps["start_screening"]["available"] is False and steps["start_screening"]["refusals"]
    assert "start_screening" not in {t["name"] for t in colleague["transitions"]}
    assert "start_screening" in colleague["waiting_for"]


def test_the_history_lists_the_audit_trail_oldest_first(pm, ready):
    client = api_as(pm)
    client.post(_url(ready), {"justification": WHY, "revision": 0}, format="json")

    history = client.get(f"/api/v1/engagements/{ready.pk}/history/").json()["results"]

    assert [(h["action"], h["to_state"]) for h in history] == [("start_screening", State.SCREENING)]
