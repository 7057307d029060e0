"""Editing an incident: the project manager changes it, audited; without confidential access the form
neither shows nor touches the victims', witnesses' and sources' details."""

import pytest
from django.urls import reverse

from hrddp.models import AuditEntry
from monitoring.models import Incident
from tests.factories import EngagementFactory
from tests.pages import form_data
from tests.test_incident_helpers import (  # noqa: F401 - fixtures
    CONFIDENTIAL_VALUES,
    SOURCE,
    VICTIMS,
    WITNESSES,
    active,
    command,
    commander,
    days_ago,
    force,
    grant,
    log,
    unit,
)


def _url(incident, engagement=None):
    return reverse("incident_edit", args=[(engagement or incident.engagement).pk, incident.pk])


def _form(client, user, incident):
    client.force_login(user)
    response = client.get(_url(incident))
    return response, response.content.decode()


def test_the_project_manager_changes_the_verification_and_it_is_audited(client, pm, active, unit, commander):
    # given an incident against the unit
    incident = log(active, pm, recipient=unit, persons=[commander])
    _, content = _form(client, pm, incident)

    # when the project manager posts the form as shown, with the verification changed
    response = client.post(_url(incident), form_data(content, changes={"verification_status": "corroborated"}))

    # then it is saved, nothing else changed, and the history names the change
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.verification_status == "corroborated"
    assert (incident.recipient, incident.place, incident.victims) == (unit, "Kael checkpoint", VICTIMS)
    assert list(incident.persons_implicated.all()) == [commander]
    entry = AuditEntry.objects.get(action="update_incident")
    assert entry.details["changed"] == ["verification_status"]


def test_without_the_grant_the_form_shows_no_confidential_detail_and_keeps_them(client, pm, active):
    # given an incident with confidential details, and a project manager without the grant
    incident = log(active, pm)
    response, content = _form(client, pm, incident)

    # then the form neither shows nor asks for them
    assert response.status_code == 200
    for value in CONFIDENTIAL_VALUES:
        assert value not in content
    assert 'name="victims"' not in content
    assert "Redacted — confidential access is granted per engagement" in content

    # and posting it, even with forged fields, leaves them as they were
    data = form_data(content, changes={"place": "Omri road"})
    data.update({"victims": "forged", "witnesses": "forged", "source_details": "forged"})
    assert client.post(_url(incident), data).status_code == 302
    incident.refresh_from_db()
    assert (incident.place, incident.victims, incident.witnesses, incident.source_details) == (
        "Omri road", VICTIMS, WITNESSES, SOURCE
    )


def test_with_the_grant_the_form_shows_and_changes_the_confidential_details(client, pm, active):
    incident = log(active, pm)
    grant(pm, active)
    _, content = _form(client, pm, incident)
    assert VICTIMS in content

    response = client.post(_url(incident), form_data(content, changes={"witnesses": "Two drivers"}))

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.witnesses == "Two drivers"


def test_a_mistake_re_renders_the_form_with_400_and_changes_nothing(client, pm, active):
    incident = log(active, pm)
    _, content = _form(client, pm, incident)

    response = client.post(
        _url(incident), form_data(content, changes={"occurred_on": days_ago(-3).isoformat(), "place": "Omri road"})
    )

    assert response.status_code == 400
    assert 'value="Omri road"' in response.content.decode()
    incident.refresh_from_db()
    assert incident.place == "Kael checkpoint"
    assert not AuditEntry.objects.filter(action="update_incident").exists()


@pytest.mark.parametrize("who", ["com", "hq", "auditor"])
def test_those_who_do_not_prepare_the_engagement_are_forbidden(request, client, pm, active, who):
    incident = log(active, pm)
    client.force_login(request.getfixturevalue(who))

    assert client.get(_url(incident)).status_code == 403
    assert client.post(_url(incident), {"place": "Omri road"}).status_code == 403
    assert Incident.objects.get().place == "Kael checkpoint"


def test_it_returns_404_for_another_offices_engagement(client, outsider, pm, active):
    incident = log(active, pm)
    client.force_login(outsider)

    assert client.get(_url(incident)).status_code == 404
    assert client.post(_url(incident), {"place": "Omri road"}).status_code == 404


def test_it_returns_404_for_an_incident_of_another_engagement_under_this_url(client, pm, office_a, active):
    incident = log(active, pm)
    client.force_login(pm)

    other = EngagementFactory(office=office_a)
    assert client.get(_url(incident, other)).status_code == 404
    assert client.post(_url(incident, other), {"place": "Omri road"}).status_code == 404
