"""Incidents through the API: victims, witnesses and sources only with the engagement's confidential access,
through the presenter the pages use; without it the redaction notice, in the list and the detail alike."""

import pytest

from monitoring.confidential_access import confidential_access_grant
from monitoring.incident_output import REDACTED
from monitoring.models import Incident
from tests.api_client import api_as
from tests.builders import grave_incident

SECRETS = {"victims": "Two traders from Omri", "witnesses": "A bus driver", "source_details": "OHCHR field officer"}


@pytest.fixture
def incident(engagement, pm):
    incident = grave_incident(engagement, logged_by=pm)
    Incident.objects.filter(pk=incident.pk).update(**SECRETS)
    return incident


def _shown(client, incident):
    detail = client.get(f"/api/v1/incidents/{incident.pk}/").json()
    listed = next(row for row in client.get("/api/v1/incidents/").json()["results"] if row["id"] == incident.pk)
    return detail, listed


@pytest.mark.parametrize("who", ["pm", "com", "auditor", "hq"])
def test_without_the_grant_the_confidential_fields_are_redacted(request, incident, who):
    detail, listed = _shown(api_as(request.getfixturevalue(who)), incident)

    for record in (detail, listed):
        assert {name: record[name] for name in SECRETS} == {name: REDACTED for name in SECRETS}
        assert record["confidential_visible"] is False
        assert record["description"] == incident.description


def test_with_the_grant_the_owner_reads_them(incident, engagement, pm, com):
    confidential_access_grant(engagement=engagement, user=pm, by=com, reason="Follows up with the victims' families.")

    detail, listed = _shown(api_as(pm), incident)

    for record in (detail, listed):
        assert {name: record[name] for name in SECRETS} == SECRETS
        assert record["confidential_visible"] is True


def test_the_grant_on_one_engagement_reveals_nothing_of_another(incident, engagement, office_a, pm, com):
    from tests.factories import EngagementFactory

    other = grave_incident(EngagementFactory(office=office_a), logged_by=pm)
    Incident.objects.filter(pk=other.pk).update(**SECRETS)
    confidential_access_grant(engagement=engagement, user=pm, by=com, reason="Need to know.")

    rows = {row["id"]: row for row in api_as(pm).get("/api/v1/incidents/").json()["results"]}

    assert rows[incident.pk]["victims"] == SECRETS["victims"]
    assert rows[other.pk]["victims"] == REDACTED


def test_the_outsider_finds_no_incident(incident, outsider):
    client = api_as(outsider)

    assert client.get(f"/api/v1/incidents/{incident.pk}/").status_code == 404
    assert client.get("/api/v1/incidents/").json()["results"] == []


def test_filters_narrow_and_never_widen(incident, pm, outsider):
    assert [r["id"] for r in api_as(pm).get("/api/v1/incidents/", {"grave_violation": "true"}).json()["results"]] == [
        incident.pk
    ]
    assert api_as(pm, name="second").get("/api/v1/incidents/", {"grave_violation": "false"}).json()["results"] == []
    assert api_as(outsider).get("/api/v1/incidents/", {"engagement": incident.engagement_id}).json()["results"] == []


def test_a_filter_that_does_not_validate_is_400_with_the_field(incident, pm):
    response = api_as(pm).get("/api/v1/incidents/", {"occurred_from": "yesterday", "engagement": "99999999999999999999999"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"occurred_from", "engagement"}
