"""Taking a step through the web: the happy path, every refusal, and who may try."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from hrddp.models import AuditEntry, State
from tests.factories import EngagementFactory, SupportActivityFactory


def _url(engagement, name="start_screening"):
    return reverse("engagement_transition", args=[engagement.pk, name])


def _post(client, user, engagement, name="start_screening", **data):
    client.force_login(user)
    data.setdefault("justification", "The police asked for community-policing training.")
    data.setdefault("revision", engagement.revision)
    return client.post(_url(engagement, name), data)


def _unchanged(engagement, state=State.DRAFT):
    before = engagement.revision
    engagement.refresh_from_db()
    return engagement.state == state and engagement.revision == before and not AuditEntry.objects.exists()


@pytest.fixture
def ready(engagement):
    """A draft with one support activity: ready for screening."""
    SupportActivityFactory(engagement=engagement)
    return engagement


def test_it_redirects_an_anonymous_visitor_to_the_login_page(client, ready):
    response = client.post(_url(ready), {"justification": "x", "revision": 0})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _unchanged(ready)


def test_it_shows_the_owner_the_step_form(client, pm, ready):
    client.force_login(pm)

    response = client.get(_url(ready))

    assert response.status_code == 200
    assert 'name="justification"' in response.content.decode()
    assert _unchanged(ready)


def test_it_takes_the_step_redirects_and_writes_one_audit_entry(client, pm, ready):
    response = _post(client, pm, ready)

    assert response.status_code == 302
    assert response["Location"] == reverse("engagement_detail", args=[ready.pk])
    ready.refresh_from_db()
    assert ready.state == State.SCREENING
    assert ready.revision == 1
    entry = AuditEntry.objects.get()
    assert (entry.engagement, entry.actor, entry.action) == (ready, pm, "start_screening")
    assert (entry.from_state, entry.to_state) == (State.DRAFT, State.SCREENING)
    assert entry.justification == "The police asked for community-policing training."


def test_it_reports_success_on_the_engagement_page(client, pm, ready):
    response = client.get(_post(client, pm, ready)["Location"])

    assert "Done: Start screening." in response.content.decode()


@pytest.mark.parametrize("justification", ["", "   \n  "])
def test_it_rerenders_with_a_field_error_when_the_justification_is_missing(client, pm, ready, justification):
    response = _post(client, pm, ready, justification=justification)

    assert response.status_code == 400
    assert response.context["form"].errors["justification"]
    assert 'class="field-error"' in response.content.decode()
    assert _unchanged(ready)


def test_it_rerenders_with_the_reason_when_a_condition_is_not_met(client, pm, engagement):
    response = _post(client, pm, engagement)  # no support activity described

    assert response.status_code == 400
    assert "No support activity has been described yet." in response.content.decode()
    assert _unchanged(engagement)


def test_it_rerenders_with_the_reason_when_the_step_does_not_leave_the_current_state(client, pm, ready):
    response = _post(client, pm, ready, name="submit_assessment")

    assert response.status_code == 400
    assert "This cannot be done while the engagement is at &#x27;Draft&#x27;." in response.content.decode()
    assert _unchanged(ready)


def test_it_refuses_a_stale_revision_with_409(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, revision=3)
    SupportActivityFactory(engagement=engagement)

    response = _post(client, pm, engagement, revision=2)

    assert response.status_code == 409
    assert "changed meanwhile" in response.content.decode()
    assert _unchanged(engagement)


def test_it_forbids_the_auditor(client, auditor, ready):
    assert _post(client, auditor, ready).status_code == 403
    assert _unchanged(ready)


def test_it_forbids_hq(client, hq, ready):
    assert _post(client, hq, ready).status_code == 403
    assert _unchanged(ready)


def test_it_returns_404_for_another_offices_engagement(client, outsider, ready):
    response = _post(client, outsider, ready)

    assert response.status_code == 404
    assert _unchanged(ready)


def test_it_returns_404_to_the_outsider_even_on_the_step_form(client, outsider, ready):
    client.force_login(outsider)

    assert client.get(_url(ready)).status_code == 404


def test_it_forbids_the_outsider_a_step_on_an_engagement_only_shared_for_viewing(client, outsider, ready):
    assign_perm("hrddp.view_engagement", outsider, ready)

    assert _post(client, outsider, ready).status_code == 403
    assert _unchanged(ready)


def test_it_forbids_the_chief_of_mission_a_project_managers_step(client, com, ready):
    assert _post(client, com, ready).status_code == 403
    assert _unchanged(ready)


def test_it_forbids_the_project_manager_a_chief_of_missions_step(client, pm, office_a):
    engagement = EngagementFactory(office=office_a, state=State.ENDORSEMENT)

    assert _post(client, pm, engagement, name="endorse").status_code == 403
    assert _unchanged(engagement, State.ENDORSEMENT)


@pytest.mark.parametrize("name", ["fly_to_the_moon", "save", "delete", "clean"])
def test_it_returns_404_for_an_unknown_step(client, pm, ready, name):
    assert _post(client, pm, ready, name=name).status_code == 404
    assert _unchanged(ready)


def test_it_offers_no_form_for_a_step_that_does_not_leave_the_current_state(client, com, office_a):
    engagement = EngagementFactory(office=office_a, state=State.MITIGATION)
    client.force_login(com)

    response = client.get(reverse("engagement_transition", args=[engagement.pk, "decline"]))

    html = response.content.decode()
    assert "This cannot be done while the engagement is at" in html
    assert 'name="justification"' not in html
