"""Writing drafts through the API: opening a request, logging and changing an incident, entering a quarter's
indicator figures. The pages' services, with their permissions, checks and audit entries (each naming the token);
the outsider gets 404, the auditor 403, and bad input field errors all at once, writing nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hrddp.models import AuditAction, AuditEntry, Engagement, State
from monitoring.models import Incident, IndicatorMeasurement
from monitoring.quarters import quarter_of
from tests.api_client import api_as
from tests.factories import EngagementFactory, ProjectFactory, RecipientFactory


def _entries(action):
    return AuditEntry.objects.filter(action=action)


# --- Opening a request ------------------------------------------------------------------------------------


@pytest.fixture
def request_body(office_a):
    project = ProjectFactory(office=office_a)
    recipient = RecipientFactory(country=office_a.country, name="Esse Province Police")
    return {
        "title": "Community policing in Esse",
        "project": project.pk,
        "recipient": recipient.pk,
        "activities": [{"description": "Training of 40 officers", "activity_type": "training"}],
    }


def test_the_owner_opens_a_request_with_its_activities_and_one_audit_entry_naming_the_token(pm, request_body):
    client = api_as(pm, name="Workbook import")

    response = client.post("/api/v1/engagements/", request_body, format="json")

    assert response.status_code == 201, response.json()
    engagement = Engagement.objects.get(pk=response.json()["id"])
    assert engagement.state == State.DRAFT and engagement.activities.count() == 1
    entry = _entries(AuditAction.OPEN).get()
    assert entry.engagement == engagement and entry.details["api_token_name"] == "Workbook import"


def test_opening_refuses_bad_input_field_by_field_and_writes_nothing(pm, request_body):
    body = {**request_body, "title": "", "project": 999999, "activities": []}

    response = api_as(pm).post("/api/v1/engagements/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"title", "project", "activities"}
    assert not Engagement.objects.exists()


def test_another_offices_project_is_no_such_record_to_the_outsider(outsider, request_body):
    response = api_as(outsider).post("/api/v1/engagements/", request_body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["project"] == ["No such record."]
    assert not Engagement.objects.exists()


@pytest.mark.parametrize("who,status", [("com", 403), ("auditor", 403), ("hq", 403)])
def test_only_a_project_manager_opens_a_request(request, request_body, who, status):
    assert api_as(request.getfixturevalue(who)).post("/api/v1/engagements/", request_body, format="json").status_code == status
    assert not Engagement.objects.exists()


# --- Incidents ----------------------------------------------------------------------------------------------


def _incident_body(engagement, **changes):
    return {
        "engagement": engagement.pk, "recipient": engagement.recipient_id,
        "occurred_on": (timezone.localdate() - timedelta(days=2)).isoformat(), "place": "Kael checkpoint",
        "description": "Two traders beaten at the checkpoint.", "channel": "un_monitoring",
        "categories": [], "victims": "Two traders from Omri", **changes,
    }


def test_the_owner_logs_an_incident_and_the_entry_names_the_token(pm, engagement):
    client = api_as(pm)

    response = client.post("/api/v1/incidents/", _incident_body(engagement), format="json")

    assert response.status_code == 201, response.json()
    incident = Incident.objects.get()
    assert incident.victims == "Two traders from Omri" and incident.logged_by == pm
    # Written, but not shown back without the confidential grant.
    assert response.json()["victims"] != "Two traders from Omri"
    assert _entries(AuditAction.LOG_INCIDENT).get().details["api_token"] == client.token.pk


def test_logging_refuses_a_future_date_and_an_empty_description_at_once(pm, engagement):
    body = _incident_body(engagement, occurred_on=(timezone.localdate() + timedelta(days=3)).isoformat(), description=" ")

    response = api_as(pm).post("/api/v1/incidents/", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"occurred_on", "description"}
    assert not Incident.objects.exists()


def test_the_outsider_cannot_log_on_anothers_engagement(outsider, engagement):
    assert api_as(outsider).post("/api/v1/incidents/", _incident_body(engagement), format="json").status_code == 404
    assert not Incident.objects.exists()


@pytest.mark.parametrize("who", ["com", "auditor"])
def test_who_does_not_prepare_the_engagement_cannot_log(request, engagement, who):
    response = api_as(request.getfixturevalue(who)).post("/api/v1/incidents/", _incident_body(engagement), format="json")

    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_the_owner_changes_an_incident_and_what_is_left_out_stays(pm, engagement):
    client = api_as(pm)
    created = client.post("/api/v1/incidents/", _incident_body(engagement), format="json").json()

    response = client.patch(f"/api/v1/incidents/{created['id']}/", {"place": "Omri road"}, format="json")

    assert response.status_code == 200, response.json()
    incident = Incident.objects.get()
    assert (incident.place, incident.description) == ("Omri road", "Two traders beaten at the checkpoint.")


def test_changing_confidential_details_needs_the_grant(pm, engagement):
    client = api_as(pm)
    created = client.post("/api/v1/incidents/", _incident_body(engagement), format="json").json()

    response = client.patch(f"/api/v1/incidents/{created['id']}/", {"victims": "Someone else"}, format="json")

    assert response.status_code == 403
    assert Incident.objects.get().victims == "Two traders from Omri"


def test_the_outsider_cannot_change_an_incident(pm, outsider, engagement):
    created = api_as(pm).post("/api/v1/incidents/", _incident_body(engagement), format="json").json()

    response = api_as(outsider, name="Outsider").patch(f"/api/v1/incidents/{created['id']}/", {"place": "x"}, format="json")

    assert response.status_code == 404
    assert Incident.objects.get().place == "Kael checkpoint"


# --- Indicator figures ---------------------------------------------------------------------------------------


@pytest.fixture
def active(office_a):
    engagement = EngagementFactory(office=office_a, state=State.ACTIVE)
    Engagement.objects.filter(pk=engagement.pk).update(support_approved_at=timezone.now() - timedelta(days=1))
    return Engagement.objects.get(pk=engagement.pk)


def _figures(engagement, **changes):
    return {
        "engagement": engagement.pk, "quarter": quarter_of(timezone.localdate()).label,
        "trained_can_describe_pct": "62.5", "units_adopted_regulations": 3, "notes": "Post-training test.", **changes,
    }


def test_the_owner_enters_a_quarters_figures(pm, active):
    client = api_as(pm)

    response = client.post("/api/v1/indicators/", _figures(active), format="json")

    assert response.status_code == 200, response.json()
    measurement = IndicatorMeasurement.objects.get()
    assert (str(measurement.trained_can_describe_pct), measurement.units_adopted_regulations) == ("62.50", 3)
    assert _entries(AuditAction.ENTER_INDICATORS).get().details["api_token"] == client.token.pk


def test_figures_out_of_range_are_refused_by_field(pm, active):
    response = api_as(pm).post("/api/v1/indicators/", _figures(active, units_adopted_regulations=-1, quarter="2026-Q9"), format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"units_adopted_regulations", "quarter"}
    assert not IndicatorMeasurement.objects.exists()


def test_a_quarter_not_open_for_entry_is_refused(pm, engagement):
    response = api_as(pm).post("/api/v1/indicators/", _figures(engagement), format="json")

    assert response.status_code == 400
    assert "not been approved" in response.json()["error"]["message"] + str(response.json()["error"].get("fields"))


@pytest.mark.parametrize("who,status", [("outsider", 404), ("com", 403), ("auditor", 403)])
def test_only_the_owner_enters_figures(request, active, who, status):
    assert api_as(request.getfixturevalue(who)).post("/api/v1/indicators/", _figures(active), format="json").status_code == status
    assert not IndicatorMeasurement.objects.exists()


@pytest.mark.parametrize("quarter", ["0000-Q1", "9999-Q4"])
def test_a_quarter_outside_the_dates_the_pages_accept_is_a_field_error(pm, active, quarter):
    response = api_as(pm).post("/api/v1/indicators/", _figures(active, quarter=quarter), format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"quarter"}
