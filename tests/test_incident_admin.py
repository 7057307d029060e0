"""Incidents in the admin: read only (they are logged and edited on the incident pages, audited and
escalated there), and the confidential details only with the engagement's confidential access."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.test_incident_helpers import CONFIDENTIAL_VALUES, active, force, grant, log  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def staff(pm, hq):
    for user in (pm, hq):
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def _change_page(client, user, incident):
    client.force_login(user)
    response = client.get(reverse("admin:monitoring_incident_change", args=[incident.pk]))
    return response, response.content.decode()


@pytest.mark.parametrize("who", ["pm", "hq"])
def test_without_the_grant_the_admin_shows_no_confidential_detail(request, client, pm, active, who):
    incident = log(active, pm)

    response, content = _change_page(client, request.getfixturevalue(who), incident)

    assert response.status_code == 200
    assert "Kael checkpoint" in content
    for value in CONFIDENTIAL_VALUES:
        assert value not in content


def test_with_the_grant_the_admin_shows_them_read_only(client, pm, active):
    incident = log(active, pm)
    grant(pm, active)

    response, content = _change_page(client, pm, incident)

    for value in CONFIDENTIAL_VALUES:
        assert value in content
    assert not response.context["has_change_permission"]


def test_nobody_adds_changes_or_deletes_an_incident_in_the_admin(client, pm, active):
    incident = log(active, pm)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    assert client.get(reverse("admin:monitoring_incident_add")).status_code == 403
    response = client.post(reverse("admin:monitoring_incident_change", args=[incident.pk]), {"place": "Elsewhere"})
    assert response.status_code == 403
    assert client.post(reverse("admin:monitoring_incident_delete", args=[incident.pk]), {"post": "yes"}).status_code == 403
    incident.refresh_from_db()
    assert incident.place == "Kael checkpoint"


def test_it_returns_404_for_another_offices_incident(client, outsider, pm, active):
    incident = log(active, pm)
    outsider.is_staff = True
    outsider.save(update_fields=["is_staff"])

    response, _ = _change_page(client, outsider, incident)

    assert response.status_code == 404
